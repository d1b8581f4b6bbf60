"""The widget: one script tag on a city's page (another origin) gives a chat button and a
panel with the chat; keyboard use, Escape, and audits of the host page and the chat inside."""
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import audit, no_horizontal_scroll, say, screenshots

pytestmark = pytest.mark.e2e


def chat_frame(page):
    """The chat inside the widget's iframe, once its greeting has arrived."""
    frame = page.wait_for_selector("iframe.mukaan-widget-frame").content_frame()
    expect(frame.locator(".msg.bot").first).to_be_visible()
    return frame


def test_widget_button_and_panel(page, host_url, base_url):
    page.goto(host_url)
    toggle = page.get_by_role("button", name="Etsi toimintaa chatissa")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert page.locator("iframe").count() == 0, "the chat loads only when opened"
    audit(page, "host page with the widget button")
    screenshots(page, "widget-closed")

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    panel = page.get_by_role("dialog", name="Mukaan")
    expect(panel).to_be_visible()
    frame = chat_frame(page)
    assert frame.url.startswith(f"{base_url}/?embed=1&lang=fi")
    expect(frame.locator("body")).to_have_class("chat-page embedded")
    expect(frame.locator(".bot-note")).to_contain_text("automaattinen")
    expect(frame.locator("#input")).to_be_focused()

    say(frame, "Hei, asun Espoossa ja etsin vertaistukea")
    say(frame, "omaishoitajana jaksaminen")
    expect(frame.locator(".card").first).to_be_visible()
    expect(frame.locator(".card .demo").first).to_be_visible()
    audit(page, "host page with the panel open")
    audit(frame, "chat inside the widget")
    screenshots(page, "widget-open")

    # Escape inside the chat closes the panel and focus returns to the button.
    frame.locator("#input").press("Escape")
    expect(panel).to_be_hidden()
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")

    # Opening again keeps the conversation.
    toggle.press("Enter")
    expect(panel).to_be_visible()
    assert frame.locator(".card").count() > 0


def test_widget_close_button_and_phone_size(page, host_url):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(host_url)
    page.get_by_role("button", name="Etsi toimintaa chatissa").click()
    frame = chat_frame(page)
    box = page.locator(".mukaan-widget-panel").bounding_box()
    assert box["width"] == 320, "on a phone the panel takes the whole screen"
    assert frame.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="Sulje").click()
    expect(page.locator(".mukaan-widget-panel")).to_be_hidden()
    expect(page.get_by_role("button", name="Etsi toimintaa chatissa")).to_be_focused()


def test_widget_follows_the_host_page_language(page, host_url):
    page.goto(host_url.replace("index.html", "sv.html"))
    page.get_by_role("button", name="Sök verksamhet i chatten").click()
    frame = chat_frame(page)
    assert "lang=sv" in frame.url
    expect(frame.locator(".msg.bot").first).to_have_attribute("lang", "sv")
    expect(frame.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("button", name="Stäng")).to_be_visible()


def test_widget_included_twice_shows_one_button(page, host_url):
    page.goto(host_url.replace("index.html", "twice.html"))
    expect(page.locator(".mukaan-widget-toggle")).to_have_count(1)
    page.wait_for_timeout(500)
    expect(page.locator(".mukaan-widget-toggle")).to_have_count(1)
