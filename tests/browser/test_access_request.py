"""Access for associations in the browser (issue 17, part 1): an association fills the request
page /access (errors next to the fields in the page's language, Swedish here), staff approve
the request on /staff/review, the link goes by e-mail in Swedish through a real SMTP server on
loopback (aiosmtpd) and opens the association's own editor; staff e-mail a new link from the
edit-link form with "send by e-mail". Only the web app runs (no Rasa); axe audits each state.
The organisation is demo data, the address fictional (example.org)."""
from __future__ import annotations

import email
import email.policy
import re
import secrets
import shutil
import time

import httpx
import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from devtools.stack import Stack
from mukaan.settings import get_settings
from tests.browser.conftest import free_port
from tests.browser.helpers import audit, screenshots

ORG_NAME = "Tikkurilan Omaishoitajat ry (demo)"
CONTACT = "sihteeri@example.org"
TOKEN = f"staff-{secrets.token_hex(12)}"


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture(scope="module")
def inbox():
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture(scope="module")
def web_url(tmp_path_factory, inbox):
    """The web app alone, on a copy of the catalogue, with its own editorial file and the SMTP
    server above."""
    data = tmp_path_factory.mktemp("access-data")
    shutil.copy(get_settings().database, data / "catalogue.sqlite3")
    env = {"MUKAAN_STAFF_TOKEN": TOKEN, "MUKAAN_RATE_LIMIT_PER_MINUTE": "0",
           "MUKAAN_DATABASE": str(data / "catalogue.sqlite3"),
           "MUKAAN_EDITORIAL_DATABASE": str(data / "editorial.sqlite3"),
           "MUKAAN_SMTP_HOST": "127.0.0.1", "MUKAAN_SMTP_PORT": str(inbox.port),
           "MUKAAN_SMTP_FROM": "mukaan@example.org", "MUKAAN_SMTP_STARTTLS": "false",
           "MUKAAN_ACCESS_REQUEST_RATE_PER_HOUR": "0"}
    web = Stack(web_port=free_port(), rasa_port=free_port(), env=env, log_dir=tmp_path_factory.mktemp("access-logs"))
    web.start_web()
    deadline = time.time() + 180
    try:
        while True:
            if web.procs["web"].poll() is not None:
                raise RuntimeError(f"the web app exited with {web.procs['web'].returncode}")
            try:
                if httpx.get(f"{web.web_url}/api/access/organisations", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.time() > deadline:
                raise TimeoutError("the web app did not get ready in 180 s")
            time.sleep(0.5)
        yield web.web_url
    finally:
        web.stop()


def link_in(message) -> str:
    [link] = re.findall(r"http://127\.0\.0\.1:\d+/association#[\w-]+", message.get_content())
    return link


def test_an_association_asks_for_a_link_and_staff_approve_it(page, context, web_url, inbox):
    page.goto(f"{web_url}/access")
    expect(page.locator("h1")).to_have_text("Pyydä muokkauslinkki")
    expect(page.locator("#a-org option", has_text=ORG_NAME)).to_have_count(1)
    audit(page, "access: the form")
    page.get_by_role("button", name="Svenska").click()
    expect(page.locator("h1")).to_have_text("Be om en redigeringslänk")
    assert page.evaluate("document.documentElement.lang") == "sv"

    # Sent empty: each field says what is missing, in Swedish, and is marked invalid.
    page.get_by_role("button", name="Skicka begäran").click()
    expect(page.locator("#err-org")).to_have_text("Välj föreningen eller skriv dess namn.")
    expect(page.locator("#err-email")).to_have_text("Skriv en e-postadress.")
    expect(page.locator("#a-org")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#a-org")).to_be_focused()
    page.select_option("#a-org", label=ORG_NAME)
    page.fill("#a-bid", "1234567-8")                               # wrong check digit
    page.fill("#a-email", CONTACT)
    page.fill("#a-message", "Vi vill uppdatera tiderna för kamratgruppen.")
    page.get_by_role("button", name="Skicka begäran").click()
    expect(page.locator("#err-business_id")).to_have_text("Kontrollera FO-numret. Den sista siffran stämmer inte.")
    expect(page.locator("#err-org")).to_have_text("")
    expect(page.locator("#a-bid")).to_be_focused()
    audit(page, "access: errors by the fields")
    screenshots(page, "access-errors", full_page=True)
    page.fill("#a-bid", "1572860-0")
    page.get_by_role("button", name="Skicka begäran").click()
    expect(page.locator("#access-status")).to_have_text(
        "Tack! Begäran har skickats till stadens personal. När den har godkänts får du en redigeringslänk.")
    expect(page.locator("#access-form")).to_be_hidden()
    audit(page, "access: thanks")
    screenshots(page, "access-thanks")

    # Staff approve it on /staff/review: the link is e-mailed in Swedish and shown to copy.
    staff = context.new_page()
    staff.goto(f"{web_url}/staff/review")
    staff.fill("#token", TOKEN)
    staff.get_by_role("button", name="Kirjaudu", exact=True).click()
    request = staff.locator("#access-requests .review-item", has_text=CONTACT)
    expect(request).to_have_count(1)
    expect(request.locator("h3")).to_have_text(ORG_NAME)
    expect(request).to_contain_text(CONTACT)
    expect(request).to_contain_text("Y-tunnus 1572860-0")
    expect(request).to_contain_text("Kieli: ruotsi")
    expect(request).to_contain_text("Vi vill uppdatera tiderna för kamratgruppen.")
    audit(staff, "review: an access request")
    request.scroll_into_view_if_needed()
    screenshots(staff, "review-access-request")
    staff.get_by_role("button", name=f"Hyväksy ja luo linkki: {ORG_NAME}").click()
    expect(staff.locator("#access-box")).to_be_visible()
    expect(staff.locator("#access-made")).to_have_text(
        f"Linkki luotiin yhdistykselle {ORG_NAME}. Linkki lähetettiin sähköpostilla osoitteeseen {CONTACT}.")
    expect(request).to_have_count(0)                                   # no longer pending
    link = staff.locator("#access-url").input_value()
    [message] = inbox.messages
    assert message["To"] == CONTACT and message["Content-Language"] == "sv"
    assert "Öppna den här länken" in message.get_content() and link_in(message) == link
    expect(staff.locator("#audit")).to_contain_text("access approved")
    audit(staff, "review: the approved link")
    staff.locator("#access-box").scroll_into_view_if_needed()
    screenshots(staff, "review-access-approved")

    # The e-mailed link opens the association's own activities.
    editor = context.new_page()
    editor.goto(link_in(message))
    expect(editor.locator("#org-name")).to_contain_text(ORG_NAME)
    expect(editor.locator(".editor-item")).to_have_count(6)

    # A new link from the edit-link form, ticked "send by e-mail": to the address the association gave.
    staff.select_option("#link-org", label=ORG_NAME)
    expect(staff.locator("#link-mail-choice")).to_be_visible()
    expect(staff.locator("#link-mail-choice")).to_have_text(f"Lähetä linkki sähköpostilla osoitteeseen {CONTACT}")
    staff.check("#link-mail")
    staff.get_by_role("button", name="Luo muokkauslinkki").click()
    expect(staff.locator("#link-made")).to_contain_text(f"Linkki lähetettiin sähköpostilla osoitteeseen {CONTACT}.")
    deadline = time.time() + 10
    while len(inbox.messages) < 2 and time.time() < deadline:
        time.sleep(0.1)
    assert len(inbox.messages) == 2 and link_in(inbox.messages[1]) == staff.locator("#link-url").input_value()
    editor.reload()
    expect(editor.locator("#bad-link")).to_be_visible()                 # the first link stopped working
    editor.get_by_role("link", name="Pyydä uusi muokkauslinkki").click()  # the way back to the request page
    expect(editor.locator("h1")).to_have_text("Pyydä muokkauslinkki")


XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def test_what_an_association_writes_is_shown_as_text_to_staff(page, web_url, inbox):
    """Stored XSS through the request form: the name and the message reach staff as text."""
    sent = httpx.post(f"{web_url}/api/access-requests", json={
        "org": "", "org_name": f"Kuvitteellinen {XSS} ry", "email": "xss@example.org", "message": XSS, "lang": "en"})
    assert sent.status_code == 200, sent.text
    page.goto(f"{web_url}/staff/review")
    page.fill("#token", TOKEN)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    item = page.locator("#access-requests .review-item", has_text="xss@example.org")
    expect(item.locator("h3")).to_have_text(f"Kuvitteellinen {XSS} ry")
    expect(item).to_contain_text("Uusi yhdistys: sillä ei ole vielä toimintaa luettelossa.")
    expect(item.locator("p", has_text="window.__xss=2")).to_have_count(1)
    assert item.locator("img, script").count() == 0
    assert page.evaluate("window.__xss") is None
    # Declined with a reason: e-mailed to the address it gave (the hint says so before).
    expect(item).to_contain_text("Syy lähetetään yhdistykselle sähköpostilla.")
    item.get_by_label("Hylkäyksen syy").fill("Emme löytäneet yhdistystä rekisteristä.")
    item.get_by_role("button", name="Hylkää").click()
    expect(page.locator("#review-status")).to_have_text(
        "Pyyntö hylättiin. Syy lähetettiin sähköpostilla osoitteeseen xss@example.org.")
    expect(item).to_have_count(0)
    declined = next(m for m in inbox.messages if m["To"] == "xss@example.org")
    assert "Emme löytäneet yhdistystä rekisteristä." in declined.get_content()
    assert page.evaluate("window.__xss") is None
