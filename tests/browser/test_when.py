"""Dated events in the chat: a resident asks for something "this weekend" and sees, on the card,
when the event is next on. The day travels by setting (MUKAAN_TODAY), not by the clock."""
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import audit, restart_web, say, screenshots

pytestmark = pytest.mark.e2e
WEDNESDAY = "2026-12-09"   # this weekend: 12.–13.12.2026, when the demo's Christmas porridge is on


def test_this_weekend_shows_the_next_time_on_cards(page, stack, base_url):
    try:
        restart_web(stack, MUKAAN_TODAY=WEDNESDAY)
        page.goto(base_url)
        say(page, "Asun Espoossa ja kaipaan seuraa tänä viikonloppuna")
        if not page.locator(".card").count():
            say(page, "yksinäisyys")
        expect(page.locator(".card").first).to_be_visible()
        expect(page.locator(".msg.bot", has_text="tänä viikonloppuna").first).to_be_visible()
        porridge = page.locator('.card[data-id="espoo-joulupuuro-tapiola-2026"]')
        expect(porridge.locator(".field-next dt")).to_have_text("Seuraavan kerran")
        expect(porridge.locator(".field-next dd")).to_have_text("la 12.12. klo 12")
        for text in page.locator(".card .field-next dd").all_inner_texts():   # all this weekend
            assert text.startswith(("la 12.12.", "su 13.12.")), text
        audit(page, "chat: next time on cards")
        porridge.locator(".field-next").scroll_into_view_if_needed()
        screenshots(page, "chat-this-weekend")
    finally:
        restart_web(stack, MUKAAN_TODAY="")
