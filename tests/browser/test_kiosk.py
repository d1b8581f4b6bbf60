"""The kiosk (/kiosk): start screen without typing, big touch targets, QR codes on the
suggestions, and the idle reset: warning, "I'm still here", and the wipe of everything."""
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import audit, say, screenshots, wait_for_image, wait_for_reply

pytestmark = pytest.mark.e2e


def open_kiosk(page, base_url, query=""):
    page.goto(f"{base_url}/kiosk{query}")
    page.wait_for_selector("body[data-ready]")


def start_with_situation(page, label="Hoidan läheistäni"):
    page.get_by_role("button", name=label).click()
    wait_for_reply(page, 0)


def test_start_screen(page, base_url):
    open_kiosk(page, base_url)
    expect(page.locator("#start")).to_be_visible()
    expect(page.locator(".situation")).to_have_count(6)
    expect(page.locator("#auto-clear")).to_contain_text("2 minuuttiin")
    expect(page.locator("#start .bot-note")).to_contain_text("ei tallenneta")
    small = page.evaluate("""() => [...document.querySelectorAll('button, input')]
        .filter(e => e.offsetParent !== null)
        .map(e => ({name: e.textContent.trim() || e.id, box: e.getBoundingClientRect()}))
        .filter(e => e.box.height < 48 || e.box.width < 48).map(e => e.name)""")
    assert not small, f"touch targets under 48 px: {small}"
    audit(page, "kiosk: start screen")
    screenshots(page, "kiosk-start")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="I would like company")).to_be_visible()
    expect(page.locator("#auto-clear")).to_contain_text("2 minutes")


def test_situation_to_suggestions_with_qr_codes(page, base_url):
    open_kiosk(page, base_url)
    start_with_situation(page)
    expect(page.locator("#chat")).to_be_visible()
    expect(page.locator(".msg.me").first).to_have_text("Sinä: Hoidan läheistäni ja tarvitsen tukea jaksamiseen.")
    for _ in range(3):  # answer what the bot still asks until it suggests something
        if page.locator(".card").count():
            break
        say(page, "Espoo")
    card = page.locator(".card").first
    expect(card).to_be_visible()
    qr = card.locator(".qr img")
    expect(qr).to_be_visible()
    wait_for_image(page, qr)
    expect(card.locator(".qr figcaption")).to_contain_text("https://")
    assert card.locator(".more a").count() == 0, "no links that leave the kiosk"
    audit(page, "kiosk: suggestions")
    screenshots(page, "kiosk-results")

    page.emulate_media(media="print")
    expect(page.locator(".kiosk-bar")).to_be_hidden()
    expect(card.locator(".qr img")).to_be_visible()
    page.emulate_media(media="screen")


def test_idle_warning_then_everything_is_wiped(page, base_url):
    ended = []
    page.on("request", lambda r: ended.append(r.post_data) if r.url.endswith("/api/chat")
            and r.post_data and "/start_over" in r.post_data else None)
    open_kiosk(page, base_url, "?idle=5&warning=10")
    assert page.locator("body").get_attribute("data-idle-seconds") == "5"
    page.evaluate("""() => { localStorage.setItem('probe', '1'); document.cookie = 'probe=1; path=/'; }""")
    start_with_situation(page, "Kaipaan seuraa")
    session = page.evaluate("() => sessionStorage.getItem('mukaan-kiosk-session')")
    assert session

    dialog = page.get_by_role("dialog", name="Oletko vielä täällä?")
    expect(dialog).to_be_visible(timeout=15_000)
    expect(page.locator("#still-here")).to_be_focused()
    expect(page.locator("#idle-countdown")).to_contain_text("s.")
    audit(page, "kiosk: idle warning")
    screenshots(page, "kiosk-idle-warning")

    expect(page.locator("#start")).to_be_visible(timeout=15_000)
    expect(dialog).to_be_hidden()
    expect(page.locator("#chat")).to_be_hidden()
    expect(page.locator(".msg")).to_have_count(0)
    storage = page.evaluate("() => [sessionStorage.length, localStorage.length, document.cookie]")
    assert storage == [0, 0, ""]
    assert any(session in data for data in ended), "the server's conversation is ended too"
    audit(page, "kiosk: start screen after the wipe")


def test_still_here_keeps_the_conversation(page, base_url):
    open_kiosk(page, base_url, "?idle=4&warning=20")
    start_with_situation(page, "Haluan auttaa muita")
    count = page.locator(".msg").count()
    session = page.evaluate("() => sessionStorage.getItem('mukaan-kiosk-session')")

    expect(page.locator("#idle-dialog")).to_be_visible(timeout=15_000)
    page.get_by_role("button", name="Olen vielä täällä").click()
    expect(page.locator("#idle-dialog")).to_be_hidden()
    expect(page.locator("#chat")).to_be_visible()
    expect(page.locator(".msg")).to_have_count(count)
    assert page.evaluate("() => sessionStorage.getItem('mukaan-kiosk-session')") == session

    # The timer starts again: the warning comes back after another quiet period.
    expect(page.locator("#idle-dialog")).to_be_visible(timeout=15_000)
    page.keyboard.press("Escape")  # Escape also means "I'm still here"
    expect(page.locator("#idle-dialog")).to_be_hidden()
    expect(page.locator(".msg")).to_have_count(count)


def test_finish_button_wipes_at_once(page, base_url):
    open_kiosk(page, base_url)
    start_with_situation(page, "Suru ja menetys")
    page.get_by_role("button", name="Lopeta ja tyhjennä").click()
    expect(page.locator("#start")).to_be_visible()
    assert page.evaluate("() => sessionStorage.length") == 0


def test_idle_below_three_seconds_is_ignored(page, base_url):
    open_kiosk(page, base_url, "?idle=1&warning=1")
    assert page.locator("body").get_attribute("data-idle-seconds") == "120"
    assert page.locator("body").get_attribute("data-warning-seconds") == "30"
