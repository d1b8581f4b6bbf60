"""The privacy notice on every page (/, /kiosk, /staff, /staff/needs, the widget, /privacy): what
is processed, how long it is kept (the server's own settings), whom to contact; it follows the
page's language. And the promise behind it, checked on the real Rasa server: the kiosk wipe and
"start over" leave nothing of what the resident wrote in Rasa's memory."""
import time

import httpx
import pytest
from playwright.sync_api import expect

from mukaan.settings import get_settings
from tests.browser.helpers import audit, wait_for_reply

pytestmark = pytest.mark.e2e

SUMMARY = {"fi": "Tietosuoja: mitä viesteilleni tapahtuu?", "sv": "Dataskydd: vad händer med mina meddelanden?",
           "en": "Privacy: what happens to my messages?"}
RETENTION = {"fi": "{m} minuuttia", "sv": "{m} minuter", "en": "{m} minutes"}


def notice_ready(page_or_frame, lang="fi"):
    page_or_frame.wait_for_selector(f"body[data-privacy-ready='{lang}']")
    return page_or_frame.locator("details[data-privacy-notice]")


def assert_says_what_how_long_and_whom(notice, lang="fi"):
    settings = get_settings()
    minutes = int(settings.conversation_retention_minutes)
    expect(notice.locator("summary")).to_have_text(SUMMARY[lang])
    notice.locator("summary").click()
    text = notice.inner_text()
    assert RETENTION[lang].format(m=minutes) in text
    assert str(settings.needs_retention_months) in text
    assert settings.privacy_controller in text
    contact = notice.get_by_role("link", name=settings.privacy_contact)
    expect(contact).to_have_attribute("href", f"mailto:{settings.privacy_contact}")
    assert "{" not in text and "…" not in text, "a value from the server is missing"


def test_chat_page_notice_follows_the_language(page, base_url):
    page.goto(base_url)
    wait_for_reply(page, 0)
    notice = notice_ready(page)
    assert_says_what_how_long_and_whom(notice)
    expect(notice.get_by_role("link", name="Koko tietosuojaseloste")).to_have_attribute("href", "/privacy?lang=fi")
    audit(page, "chat: privacy notice open")
    page.get_by_role("button", name="Svenska").click()
    notice = notice_ready(page, "sv")
    expect(notice.locator("summary")).to_have_text(SUMMARY["sv"])
    assert RETENTION["sv"].format(m=int(get_settings().conversation_retention_minutes)) in notice.inner_text()


@pytest.mark.parametrize("path", ["/kiosk", "/staff", "/staff/needs"])
def test_every_page_has_the_notice(page, base_url, path):
    page.goto(f"{base_url}{path}")
    notice = notice_ready(page)
    expect(notice).to_be_visible()
    assert_says_what_how_long_and_whom(notice)
    link = notice.get_by_role("link", name="Koko tietosuojaseloste")
    if path == "/kiosk":
        assert link.count() == 0, "the kiosk must not open a new tab"
    else:
        expect(link).to_be_visible()
    audit(page, f"{path}: privacy notice open")


def test_privacy_page(page, base_url):
    page.goto(f"{base_url}/privacy?lang=en")
    page.wait_for_selector("body[data-privacy-ready='en']")
    expect(page.locator("h1")).to_have_text("Privacy – what Mukaan does with your information")
    expect(page.locator("h2")).to_have_text(["What is processed", "How long", "Who to contact"])
    text = page.locator("main").inner_text()
    assert RETENTION["en"].format(m=int(get_settings().conversation_retention_minutes)) in text
    assert f"{get_settings().needs_retention_months} months" in text
    expect(page.get_by_role("link", name="English")).to_have_attribute("aria-current", "page")
    audit(page, "privacy page")
    page.get_by_role("link", name="Suomi").click()
    expect(page.locator("h1")).to_have_text("Tietosuoja – mitä Mukaan tekee tiedoillasi")


def test_widget_links_to_the_notice(page, host_url, base_url):
    page.goto(host_url)
    page.get_by_role("button", name="Etsi toimintaa chatissa").click()
    link = page.get_by_role("dialog", name="Mukaan").get_by_role("link", name="Tietosuoja")
    expect(link).to_have_attribute("href", f"{base_url}/privacy?lang=fi")
    # The iframe element comes first and its page a moment later: wait for the page.
    frame = page.wait_for_selector("iframe.mukaan-widget-frame").content_frame()
    frame.wait_for_url(lambda url: "embed=1" in url)
    assert_says_what_how_long_and_whom(notice_ready(frame))


# ---------------------------------------------------------------------------------------------
# The promise: nothing left in Rasa


def tracker_text(stack, session: str) -> str:
    events = httpx.get(f"{stack.rasa_url}/conversations/{session}/tracker", timeout=10).json()["events"]
    return " ".join(e.get("text") or "" for e in events if e.get("event") == "user")


def wait_until_erased(stack, session: str, marker: str) -> bool:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if marker not in tracker_text(stack, session):
            return True
        time.sleep(0.3)
    return False


def test_kiosk_wipe_erases_the_conversation_in_rasa(page, base_url, stack):
    page.goto(f"{base_url}/kiosk")
    page.wait_for_selector("body[data-ready]")
    marker = "Kaipaan seuraa ja asun Tikkurilassa"
    page.locator("#start-input").fill(marker)
    page.locator("#start-input").press("Enter")
    wait_for_reply(page, 0)
    session = page.evaluate("() => sessionStorage.getItem('mukaan-kiosk-session')")
    assert session and marker in tracker_text(stack, session), "the text should be in Rasa while in use"
    page.get_by_role("button", name="Lopeta ja tyhjennä").click()
    expect(page.locator("#start")).to_be_visible()
    assert wait_until_erased(stack, session, marker), "the kiosk wipe left the text in Rasa"
    assert tracker_text(stack, session) == ""


def test_start_over_erases_the_conversation_in_rasa(page, base_url, stack):
    page.goto(base_url)
    wait_for_reply(page, 0)
    marker = "Olen omaishoitaja Espoossa ja tarvitsen vertaistukea"
    before = page.locator(".msg.bot").count()
    page.fill("#input", marker)
    page.press("#input", "Enter")
    wait_for_reply(page, before)
    session = page.evaluate("() => sessionStorage.getItem('mukaan-session')")
    assert session and marker in tracker_text(stack, session)
    page.locator("#restart").click()                      # the page's own "start over" button
    assert wait_until_erased(stack, session, marker), "start over left the text in Rasa"
