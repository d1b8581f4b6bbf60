"""The staff console (/staff) and its API: the token, search with filters, the referral
slip (print view in the client's language), the PDF and the text version."""
import io
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.helpers import audit, screenshots, wait_for_image

pytestmark = pytest.mark.e2e

ACTIVITY = "espoo-omaishoitajien-iltapiiri"


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def sign_in(page, base_url, token):
    page.goto(f"{base_url}/staff")
    page.wait_for_selector("body[data-ready]")
    page.get_by_label("Henkilöstön tunnus").fill(token)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    expect(page.locator("#console")).to_be_visible()


def search(page, q="omaishoitajan jaksaminen", municipality="Espoo"):
    page.get_by_label("Hakusanat").fill(q)
    page.get_by_label("Kunta", exact=True).fill(municipality)
    page.get_by_role("button", name="Hae", exact=True).click()
    expect(page.locator(".result").first).to_be_visible()


# ---------------------------------------------------------------------------------------------
# API


def test_staff_api_refuses_requests_without_the_token(base_url, staff_token):
    with httpx.Client(base_url=base_url, timeout=30) as c:
        assert c.get("/api/staff/status").json() == {"enabled": True}
        for headers in ({}, bearer("wrong"), {"Authorization": staff_token}):
            assert c.get("/api/staff/options", headers=headers).status_code == 401
            assert c.get(f"/api/staff/activities?id={ACTIVITY}", headers=headers).status_code == 401
            r = c.post("/api/staff/referral.pdf", json={"ids": [ACTIVITY]}, headers=headers)
            assert r.status_code == 401
            assert r.headers["www-authenticate"] == "Bearer"
        assert c.get("/api/staff/options", headers=bearer(staff_token)).status_code == 200
        r = c.post("/api/staff/referral.pdf", json={"ids": ["no-such-activity"]}, headers=bearer(staff_token))
        assert r.status_code == 404


def test_staff_api_is_closed_when_no_token_is_set(app_without_token):
    with httpx.Client(base_url=app_without_token, timeout=30) as c:
        assert c.get("/api/staff/status").json() == {"enabled": False}
        for headers in ({}, {"Authorization": "Bearer"}, bearer("anything")):
            assert c.get("/api/staff/options", headers=headers).status_code == 403
            assert c.post("/api/staff/referral.pdf", json={"ids": [ACTIVITY]}, headers=headers).status_code == 403


def test_qr_codes_are_svg_of_the_activity_address(base_url):
    with httpx.Client(base_url=base_url, timeout=30) as c:
        r = c.get(f"/api/qr/{ACTIVITY}.svg")
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("image/svg+xml")
        assert r.text.startswith("<svg") and "https://example.org/" in r.text
        assert c.get("/api/qr/no-such-activity.svg").status_code == 404


# ---------------------------------------------------------------------------------------------
# Pages


def test_console_says_it_is_disabled(page, app_without_token):
    page.goto(f"{app_without_token}/staff")
    page.wait_for_selector("body[data-ready]")
    expect(page.locator("#disabled")).to_be_visible()
    expect(page.locator("#disabled")).to_contain_text("MUKAAN_STAFF_TOKEN")
    expect(page.locator("#login")).to_be_hidden()
    expect(page.locator("#console")).to_be_hidden()
    audit(page, "staff: disabled")


def test_sign_in_keeps_the_token_for_the_tab_only(page, base_url, staff_token):
    page.goto(f"{base_url}/staff")
    page.wait_for_selector("body[data-ready]")
    expect(page.locator("#login")).to_be_visible()
    audit(page, "staff: sign-in")
    screenshots(page, "staff-login")

    page.get_by_label("Henkilöstön tunnus").fill("wrong")
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    expect(page.locator("#token-error")).to_contain_text("Tunnus ei kelpaa")
    expect(page.locator("#console")).to_be_hidden()
    audit(page, "staff: wrong token")

    page.get_by_label("Henkilöstön tunnus").fill(staff_token)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    expect(page.locator("#console")).to_be_visible()
    assert page.evaluate("() => sessionStorage.getItem('mukaan-staff-token')") == staff_token
    assert page.evaluate("() => localStorage.length") == 0

    page.reload()
    expect(page.locator("#console")).to_be_visible()  # same tab: still signed in
    page.get_by_role("button", name="Kirjaudu ulos").click()
    expect(page.locator("#login")).to_be_visible()
    assert page.evaluate("() => sessionStorage.getItem('mukaan-staff-token')") is None


def test_search_with_filters_sends_every_parameter(page, base_url, staff_token):
    sign_in(page, base_url, staff_token)
    audit(page, "staff: empty console")
    page.get_by_label("Hakusanat").fill("vertaistuki")
    page.get_by_label("Kunta", exact=True).fill("Esbo")
    page.get_by_label("Myös naapurikunnat").check()
    page.get_by_label("Tulosten kieli").select_option("sv")
    page.get_by_label("vertaistuki", exact=True).check()
    page.get_by_label("Vain maksuttomat").check()
    page.get_by_label("Milloin").select_option("this_weekend")
    page.locator(".more-filters summary").click()
    page.get_by_label("omaishoito").check()
    page.get_by_label("Kenelle").select_option("adults")
    page.get_by_label("Toiminnan kieli").select_option("fi")
    page.get_by_label("pyörätuolilla pääsee").check()
    page.get_by_label("Tuloksia enintään").select_option("20")
    audit(page, "staff: all filters open")
    with page.expect_request(re.compile(r"/api/activities/search\?")) as request:
        page.get_by_role("button", name="Hae", exact=True).click()
    query = request.value.url.split("?", 1)[1]
    for part in ("q=vertaistuki", "municipality=Esbo", "nearby=true", "lang=sv", "kind=peer_support",
                 "free=true", "topic=caregiving", "audience=adults", "language=fi",
                 "accessibility=wheelchair", "limit=20", "when=this_weekend"):
        assert part in query, (part, query)
    expect(page.locator("#search-status")).to_have_text(re.compile(r"\d+ tulosta|Ei tuloksia"))


def test_unknown_municipality_is_explained(page, base_url, staff_token):
    sign_in(page, base_url, staff_token)
    page.get_by_label("Kunta", exact=True).fill("Atlantis")
    page.get_by_role("button", name="Hae", exact=True).click()
    expect(page.locator("#search-error")).to_contain_text("Atlantis")
    audit(page, "staff: search error")


def test_search_referral_slip_pdf_and_text(page, base_url, staff_token, context):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    sign_in(page, base_url, staff_token)
    search(page)
    results = page.locator(".result")
    assert results.count() >= 2
    first, second = results.nth(0), results.nth(1)
    names = [first.locator(".result-name").inner_text(), second.locator(".result-name").inner_text()]

    first.locator(".result-details summary").click()
    expect(first.locator(".result-details dl")).to_be_visible()
    expect(first.locator(".result-details")).to_contain_text("Yhteystiedot")
    audit(page, "staff: results with details open")

    first.get_by_role("button", name=re.compile("^Lisää lähetteeseen")).click()
    second.get_by_role("button", name=re.compile("^Lisää lähetteeseen")).click()
    expect(page.locator("#referral-list li")).to_have_count(2)
    expect(first.get_by_role("button", name=re.compile("^Poista lähetteestä"))).to_be_visible()
    expect(page.locator("#referral-status")).to_contain_text("lisättiin lähetteeseen")

    # The slip in the client's language: Swedish.
    page.get_by_label("Asiakkaan kieli").select_option("sv")
    slip = page.locator("#slip")
    expect(slip).to_have_attribute("lang", "sv")
    expect(slip.locator("h2")).to_have_text("Verksamhet för dig")
    expect(slip.locator(".slip-item")).to_have_count(2)
    expect(slip.locator(".slip-qr img")).to_have_count(2)
    audit(page, "staff: referral with preview")
    screenshots(page, "staff-referral", full_page=True)

    page.emulate_media(media="print")
    expect(page.locator("#search")).to_be_hidden()
    expect(page.locator(".top")).to_be_hidden()
    expect(slip).to_be_visible()
    expect(slip.locator(".slip-preview-label")).to_be_hidden()
    expect(slip.locator("dt", has_text="Så här deltar du").first).to_be_visible()
    for img in slip.locator(".slip-qr img").all():
        wait_for_image(page, img)
    screenshots(page, "staff-print", full_page=True)
    page.emulate_media(media="screen")

    # The PDF, in Swedish, lists both activities.
    with page.expect_download() as download:
        page.get_by_role("button", name="Lataa PDF").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    swedish_names = slip.locator(".slip-item h3").all_inner_texts()
    for name in swedish_names:
        assert " ".join(name.split()) in " ".join(text.split()), (name, text[:500])
    assert "Så här deltar du" in text

    # Text for e-mail and SMS.
    page.get_by_role("button", name="Kopioi sähköpostiin").click()
    expect(page.locator("#referral-status")).to_have_text("Teksti kopioitiin.")
    email = page.locator("#referral-text").input_value()
    assert all(name in email for name in swedish_names)
    assert page.evaluate("() => navigator.clipboard.readText()") == email
    page.get_by_role("button", name="Kopioi tekstiviestiin").click()
    sms = page.locator("#referral-text").input_value()
    assert len(sms) < len(email) and swedish_names[0] in sms

    # Removing from the referral list.
    page.locator("#referral-list li").first.get_by_role("button").click()
    expect(page.locator("#referral-list li")).to_have_count(1)
    assert names[0] not in page.locator("#referral-list").inner_text()
    page.get_by_role("button", name="Tyhjennä lähete").click()
    expect(page.locator("#referral-list li")).to_have_count(0)
    expect(slip).to_be_hidden()


def test_pdf_from_the_api_in_each_language(base_url, staff_token):
    with httpx.Client(base_url=base_url, timeout=30) as c:
        for lang, heading, join in (("fi", "Toimintaa sinulle", "Näin pääset mukaan"),
                                    ("sv", "Verksamhet för dig", "Så här deltar du"),
                                    ("en", "Activities for you", "How to join")):
            r = c.post("/api/staff/referral.pdf", json={"ids": [ACTIVITY], "lang": lang},
                       headers=bearer(staff_token))
            assert r.status_code == 200 and r.content.startswith(b"%PDF")
            text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
            assert heading in text and join in text
            assert "+358 40 000 0101" in text  # the organiser's phone


def test_console_in_swedish(page, base_url, staff_token):
    sign_in(page, base_url, staff_token)
    page.get_by_role("button", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_label("Sökord")).to_be_visible()
    expect(page.get_by_label("kamratstöd", exact=True)).to_be_visible()
    page.get_by_label("Sökord").fill("närståendevård")
    page.get_by_label("Kommun", exact=True).fill("Esbo")
    page.get_by_role("button", name="Sök", exact=True).click()
    expect(page.locator(".result").first).to_be_visible()
    expect(page.locator("#search-status")).to_contain_text("resultat")
    audit(page, "staff: Swedish")
    screenshots(page, "staff-swedish")
