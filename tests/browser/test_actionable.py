"""Recommendations a resident can act on, in the real browser: contacts on every card and
tappable phone numbers, the phone view opening at the top, "start over" clearing the screen,
a line when a card has no text in the reader's language, the kiosk's own town and its one-page
printout, the widget on a site that may not frame the chat, and the staff console's hints and
its unmet-needs page. Each new state is audited with axe and photographed at 390×844 and 1280×800."""
import io
import re

import httpx
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.helpers import PHONE, audit, say, screenshots, wait_for_reply
from tests.browser.test_kiosk import open_kiosk, start_with_situation
from tests.browser.test_staff import sign_in

pytestmark = pytest.mark.e2e
TEL = 'a[href^="tel:"]'


def open_chat(page, base_url, query=""):
    page.goto(f"{base_url}/{query}")
    wait_for_reply(page, 0)


def cards_for(page, *messages):
    for text in messages:
        if page.locator(".card").count():
            break
        say(page, text)
    expect(page.locator(".card").first).to_be_visible()
    return page.locator(".card")


def test_phone_view_opens_at_the_top(page, base_url):
    page.set_viewport_size(PHONE)
    open_chat(page, base_url)
    page.wait_for_timeout(500)  # a scroll would have happened by now
    assert page.evaluate("() => window.scrollY") == 0
    for selector in ("h1", ".langs"):
        assert page.locator(selector).bounding_box()["y"] >= 0
    expect(page.locator(f".emergency {TEL}")).to_have_attribute("href", "tel:112")


def test_cards_have_contacts_and_the_number_can_be_asked(page, base_url):
    open_chat(page, base_url)
    cards = cards_for(page, "Asun Espoossa ja etsin vertaistukea omaishoitajille", "omaishoito", "Espoo")
    for i in range(cards.count()):
        card = cards.nth(i)
        assert card.locator(f'{TEL}, a[href^="mailto:"], .field-web a').count(), card.inner_text()
        tel = card.locator(TEL)
        if tel.count():
            assert re.fullmatch(r"tel:\+358\d{6,12}", tel.first.get_attribute("href"))
    maps = page.locator('.card a[href^="https://www.openstreetmap.org/search?query="]')
    expect(maps.first).to_be_visible()
    expect(maps.first).to_have_attribute("target", "_blank")
    audit(page, "chat: cards with contacts")
    screenshots(page, "card-contacts")

    shown = page.locator(".card").count()
    say(page, "mikä heidän puhelinnumeronsa on?")
    answer = page.locator(".msg.bot").last
    expect(answer.locator(TEL)).to_have_count(1)
    assert page.locator(".card").count() == shown, "the question about the number started no new search"

    # The bot's own "start over" button clears the screen, not just the conversation.
    page.locator(".msg.bot .buttons button", has_text="Aloita alusta").last.click()
    expect(page.locator(".msg")).to_have_count(1)
    expect(page.locator(".card")).to_have_count(0)
    assert page.evaluate("() => window.scrollY") == 0
    audit(page, "chat: after the bot's start over")


def test_crisis_numbers_are_tappable(page, base_url):
    open_chat(page, base_url)
    say(page, "en jaksa enää, haluan kuolla")
    crisis = page.locator(".msg.crisis").last
    expect(crisis.locator('a[href="tel:112"]')).to_be_visible()
    expect(crisis.locator('a[href="tel:+358925250111"]')).to_have_text("09 2525 0111")
    audit(page, "chat: crisis reply with phone links")
    screenshots(page, "chat-crisis-links")


def test_card_without_text_in_the_readers_language_says_so(page, base_url):
    open_chat(page, base_url, "?lang=en")
    with httpx.Client(base_url=base_url, timeout=60) as c:
        params = {"q": "peer group", "municipality": "Vantaa", "lang": "en", "language": "en", "limit": 50}
        results = c.get("/api/activities/search", params=params).json()["results"]
    finnish_only = [a for a in results if a["text_lang"] == "fi"][:1]
    english = [a for a in results if a["text_lang"] == "en"][:1]
    assert finnish_only and english
    page.evaluate("""async (cards) => {
        const { activityCard } = await import('/cards.js');
        const item = document.createElement('li');
        const list = document.createElement('ul');
        item.className = 'msg bot';
        list.className = 'cards';
        for (const a of cards) list.append(activityCard(a, 'en'));
        item.append(list);
        document.querySelector('#messages').append(item);
    }""", finnish_only + english)
    first, second = page.locator(".card").nth(0), page.locator(".card").nth(1)
    expect(first.locator(".no-own-text")).to_have_text("This activity has no text in English. The text is in Finnish.")
    expect(first.locator(".card-name")).to_have_attribute("lang", "fi")
    expect(second.locator(".no-own-text")).to_have_count(0)
    audit(page, "chat: card without English text")
    first.scroll_into_view_if_needed()
    screenshots(page, "card-no-own-text")


def test_kiosk_offers_its_town_and_prints_one_page_with_contacts(page, base_url):
    open_kiosk(page, base_url, "?municipality=vanda")
    start_with_situation(page, "Kaipaan seuraa")
    question = page.locator(".msg.bot").last
    expect(question.locator(".buttons button").first).to_have_text("Vantaa")
    audit(page, "kiosk: the town as the first answer")
    screenshots(page, "kiosk-town-button")
    before = page.locator(".msg.bot").count()
    question.locator(".buttons button").first.click()
    wait_for_reply(page, before)
    cards = cards_for(page, "Vantaa")
    expect(cards.first.locator(".qr img")).to_be_visible()

    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")  # as the Print button does
    page.emulate_media(media="print")
    screenshots(page, "kiosk-printout", full_page=True)
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    assert len(pdf.pages) == 1, f"the printout takes {len(pdf.pages)} pages"
    text = pdf.pages[0].extract_text()
    assert "Tarkista ajat" in text and "Sinä:" not in text
    phones = re.findall(r"\+358[\d ]{6,16}\d", text)
    assert len(phones) >= min(cards.count(), 2), text
    page.emulate_media(media="screen")
    page.get_by_role("button", name="Lopeta ja tyhjennä").click()
    expect(page.locator("#start")).to_be_visible()
    expect(page.locator(".msg")).to_have_count(0)


def test_widget_on_a_site_that_may_frame_the_chat(page, host_url):
    page.goto(host_url)
    page.get_by_role("button", name="Etsi toimintaa chatissa").click()
    frame = page.wait_for_selector("iframe.mukaan-widget-frame").content_frame()
    expect(frame.locator(".msg.bot").first).to_be_visible()
    page.wait_for_timeout(3500)  # longer than the widget waits for the chat to say it is there
    expect(page.locator(".mukaan-widget-fallback")).to_have_count(0)
    expect(page.locator("iframe.mukaan-widget-frame")).to_be_visible()


def test_widget_on_a_site_that_may_not_frame_the_chat_offers_a_new_tab(page, unframed_host_url, app_without_token):
    page.goto(unframed_host_url)
    page.get_by_role("button", name="Etsi toimintaa chatissa").click()
    fallback = page.locator(".mukaan-widget-fallback")
    expect(fallback).to_be_visible(timeout=20_000)
    expect(fallback).to_contain_text("Chat ei voi avautua tällä sivulla.")
    link = fallback.get_by_role("link", name="Avaa Mukaan-chat uuteen välilehteen")
    expect(link).to_have_attribute("href", f"{app_without_token}/?lang=fi")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_be_focused()
    expect(page.locator("iframe.mukaan-widget-frame")).to_be_hidden()
    audit(page, "widget: chat that cannot be framed")
    screenshots(page, "widget-unframed")


def test_staff_console_suggests_a_municipality_and_says_when_nothing_fits(page, base_url, staff_token):
    sign_in(page, base_url, staff_token)
    page.get_by_label("Hakusanat").fill("omaishoitajan jaksaminen")
    page.get_by_label("Kunta", exact=True).fill("Espoo")
    page.get_by_role("button", name="Hae", exact=True).click()
    expect(page.locator("#results .result").first).to_be_visible()

    page.get_by_label("Kunta", exact=True).fill("Vantta")
    page.get_by_role("button", name="Hae", exact=True).click()
    error = page.locator("#search-error")
    expect(error).to_contain_text("Kuntaa Vantta ei löytynyt. Tarkoititko Vantaa?")
    expect(page.locator(".result")).to_have_count(0)
    audit(page, "staff: did you mean")
    screenshots(page, "staff-did-you-mean")
    error.get_by_role("button", name="Hae kunnalla Vantaa").click()
    expect(page.locator("#results .result").first).to_be_visible()
    expect(page.get_by_label("Kunta", exact=True)).to_have_value("Vantaa")

    page.get_by_label("Hakusanat").fill("sukelluskerho sateenkaarinuorille")
    page.get_by_label("Kunta", exact=True).fill("Nivala")
    page.locator('#kinds input[value="event"]').check()
    page.get_by_role("button", name="Hae", exact=True).click()
    expect(page.locator("#search-status")).to_contain_text("Hakuun ei löytynyt hyvin sopivaa toimintaa")
    expect(page.locator("#alternatives-area > h3")).to_have_text("Lähimmät vaihtoehdot")
    expect(page.locator("#alternatives .result").first).to_be_visible()
    expect(page.locator("#results")).to_be_hidden()
    audit(page, "staff: no good match")
    screenshots(page, "staff-no-good-match")


def test_unmet_needs_page_is_styled_labelled_and_charted(page, base_url, staff_token):
    with httpx.Client(base_url=base_url, timeout=60) as c:   # one unmet need with codes to label
        c.get("/api/activities/search", params={"q": "sukelluskerho luonnossa", "municipality": "Nivala",
                                                "topic": "nature", "kind": "event"})
    sign_in(page, base_url, staff_token)
    page.goto(f"{base_url}/staff/needs")
    expect(page.locator("h1")).to_have_text("Tarpeet, joihin ei löytynyt toimintaa")
    expect(page.locator("svg.bars")).to_have_count(2)
    font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "Times" not in font and font != "serif", font
    cells = page.locator("#table td").all_inner_texts()
    assert "Luonto" in cells
    assert not {"nature", "substance_use", "-"} & set(cells)
    expect(page.locator("#chart-topic table th", has_text="Luonto")).to_have_count(1)
    for line in page.locator("#expired li").all_inner_texts():
        assert "Viimeinen päivä" in line or "ei ole päättynyttä" in line
    audit(page, "staff: unmet needs")
    screenshots(page, "staff-needs", full_page=True)

    page.get_by_role("button", name="Svenska").click()
    expect(page.locator("h1")).to_have_text("Behov som inte fick någon verksamhet")
    expect(page.locator("#table td", has_text="Natur").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    audit(page, "staff: unmet needs in Swedish")


@pytest.mark.parametrize("lang,first,nearer,other", [
    ("fi", "Asun Leppävaarassa Espoossa ja kaipaan vertaistukea omaishoitajana", "jotain lähempää?", "jotain muuta"),
    ("en", "I live in Kallio in Helsinki and feel lonely", "nearer, closer to me", "show me others"),
])
def test_nearer_and_something_else_after_results(page, base_url, lang, first, nearer, other):
    """The follow-ups in the page: 'nearer' gives a new set of cards with no online activity and
    says so; 'something else' gives cards not shown before."""
    open_chat(page, base_url, f"?lang={lang}")
    cards_for(page, first)
    say(page, nearer)
    near = page.locator(".msg.bot").filter(has=page.locator(".card")).last.locator(".card")
    expect(near.first).to_be_visible()
    intro = {"fi": "Verkossa toimivat jäivät nyt pois", "en": "I have left out online activities"}[lang]
    expect(page.locator(".msg.bot", has_text=intro).last).to_be_visible()
    assert not near.filter(has_text=re.compile("Verkossa|Online")).count()
    audit(page, f"chat: nearer ({lang})")
    page.set_viewport_size(PHONE)  # the phone shot is taken first: scroll to the answer at that size
    page.locator(".msg.bot", has_text=intro).last.scroll_into_view_if_needed()
    screenshots(page, f"follow-up-nearer-{lang}")
    shown = set(page.locator(".card").evaluate_all("cs => cs.map(c => c.dataset.id)"))
    before = page.locator(".card").count()
    say(page, other)
    page.wait_for_function("(n) => document.querySelectorAll('.card').length > n", arg=before, timeout=60_000)
    newest = page.locator(".msg.bot").filter(has=page.locator(".card")).last.locator(".card")
    new_ids = newest.evaluate_all("cs => cs.map(c => c.dataset.id)")
    assert new_ids and not set(new_ids) & shown
    audit(page, f"chat: something else ({lang})")
    page.set_viewport_size(PHONE)
    newest.first.scroll_into_view_if_needed()
    screenshots(page, f"follow-up-something-else-{lang}")
