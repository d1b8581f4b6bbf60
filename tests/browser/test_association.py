"""Associations keep their activities current, in the browser (issue 17): staff make an edit
link on /staff/review, the association edits an activity on /association (errors next to the
fields, preview), staff approve, and the resident's search shows the change within five
seconds; a report from the kiosk reaches the staff queue; an activity left unconfirmed
disappears from the resident's chat when the setting ``today`` travels past the set time."""
from __future__ import annotations

import datetime as dt
import time

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.helpers import audit, restart_web, say, screenshots, wait_for_reply

pytestmark = pytest.mark.e2e
NEW_TIME = "Joka tiistai klo 17.30–19.00, uusi aika"


def staff_sign_in(page, base_url, token) -> None:
    page.goto(f"{base_url}/staff/review")
    page.fill("#token", token)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    expect(page.locator("#console")).to_be_visible()


def resident_cards(page, base_url, first: str, follow_up: str) -> list[str]:
    """A resident's conversation on the chat page; the ids of the activity cards it shows."""
    page.goto(base_url)
    say(page, first)
    for _ in range(2):
        if page.locator(".card").count():
            break
        say(page, follow_up)
    expect(page.locator(".card").first).to_be_visible()
    return page.locator(".card").evaluate_all("cards => cards.map(c => c.dataset.id)")


def test_association_edits_staff_approve_and_residents_see_it(page, context, base_url, staff_token, capsys):
    shown = resident_cards(page, base_url, "Asun Vantaalla ja etsin vertaistukea omaishoitajille", "omaishoito")
    target = shown[0]
    organiser = page.locator(f'.card[data-id="{target}"] .field-organizer dd').inner_text()

    # Staff make the association's edit link.
    staff = context.new_page()
    staff_sign_in(staff, base_url, staff_token)
    staff.select_option("#link-org", label=organiser)
    staff.get_by_role("button", name="Luo muokkauslinkki").click()
    expect(staff.locator("#link-box")).to_be_visible()
    link = staff.locator("#link-url").input_value()
    assert "/association#" in link
    audit(staff, "review: a new edit link")
    screenshots(staff, "review-link", full_page=True)

    # The association opens its link: its own activities only; the token leaves the address bar.
    editor = context.new_page()
    editor.goto(link)
    expect(editor.locator("#org-name")).to_contain_text(organiser)
    assert "#" not in editor.url
    item = editor.locator(f'.editor-item[data-id="{target}"]')
    expect(item).to_be_visible()
    audit(editor, "association: list")
    screenshots(editor, "association-list", full_page=True)

    item.get_by_role("button", name="Muokkaa").click()
    expect(editor.locator("#edit-form")).to_be_visible()
    for lang in ("fi", "sv", "en"):                          # no name in any language: an error by the field
        editor.fill(f"#f-name-{lang}", "")
    editor.fill("#f-url", "www.example.org")
    editor.get_by_role("button", name="Lähetä tarkistettavaksi").click()
    expect(editor.locator("#err-name")).to_have_text("Kirjoita tämä ainakin yhdellä kielellä.")
    expect(editor.locator("#err-url")).to_have_text("Osoitteen pitää alkaa https://")
    expect(editor.locator("#f-name-fi")).to_have_attribute("aria-invalid", "true")
    audit(editor, "association: errors by the fields")
    screenshots(editor, "association-errors")
    editor.get_by_role("button", name="Svenska").click()       # the messages in the editor's language
    editor.get_by_role("button", name="Skicka för granskning").click()
    expect(editor.locator("#err-name")).to_have_text("Skriv det här på minst ett språk.")
    editor.get_by_role("button", name="Suomi").click()
    expect(editor.get_by_role("button", name="Lähetä tarkistettavaksi")).to_be_visible()   # the form rebuilt in Finnish

    editor.fill("#f-name-fi", "Omaishoitajien vertaisryhmä <b>Vantaa</b>")   # shown as text, never as markup
    editor.fill("#f-url", "")
    editor.fill("#f-schedule-fi", NEW_TIME)
    editor.get_by_role("button", name="Esikatsele").click()
    preview = editor.locator("#preview .card")
    expect(preview.locator(".field-time dd")).to_have_text(NEW_TIME)
    expect(preview.locator(".card-name")).to_have_text("Omaishoitajien vertaisryhmä <b>Vantaa</b>")
    assert preview.locator(".card-name b").count() == 0
    audit(editor, "association: preview")
    screenshots(editor, "association-preview", full_page=True)
    editor.get_by_role("button", name="Lähetä tarkistettavaksi").click()
    expect(editor.locator("#list-status")).to_have_text("Kiitos! Muutos odottaa nyt kaupungin tarkistusta.")
    expect(item.locator(".change")).to_have_text("Muutos odottaa tarkistusta.")

    # Staff see the change as before/after and approve it.
    staff.reload()
    change = staff.locator("#pending .review-item").first
    expect(change.locator(".diff")).to_contain_text(NEW_TIME)
    expect(change.locator(".diff")).to_contain_text("Aika suomeksi")
    audit(staff, "review: a pending change")
    screenshots(staff, "review-pending", full_page=True)
    started = time.perf_counter()
    change.get_by_role("button", name="Hyväksy").click()
    searchable = page.evaluate("""async ([id, wanted]) => {
        const started = performance.now();
        for (;;) {
          const r = await fetch('/api/activities/search?q=vertaistuki+omaishoitajille&municipality=Vantaa&limit=20');
          const hit = (await r.json()).results.find((a) => a.id === id);
          if (hit && hit.schedule === wanted) return (performance.now() - started) / 1000;
          if (performance.now() - started > 10000) return null;
          await new Promise((done) => setTimeout(done, 100));
        }
      }""", [target, NEW_TIME])
    assert searchable is not None and searchable < 5, searchable
    expect(staff.locator("#review-status")).to_contain_text("Hyväksytty")
    with capsys.disabled():
        print(f"\n[live update, browser] approval click to searchable: {time.perf_counter() - started:.2f} s "
              f"(search polled from the resident's page: {searchable:.2f} s)")

    # The resident's chat shows the new time.
    resident_cards(page, base_url, "Asun Vantaalla ja etsin vertaistukea omaishoitajille", "omaishoito")
    expect(page.locator(f'.card[data-id="{target}"] .field-time dd').last).to_have_text(NEW_TIME)   # the latest answer
    editor.reload()
    expect(editor.locator(f'.editor-item[data-id="{target}"] .change')).to_have_text("Muutos on hyväksytty.")


def test_a_kiosk_report_reaches_the_staff_queue(page, context, base_url, staff_token):
    page.goto(f"{base_url}/kiosk")
    page.wait_for_selector("body[data-ready]")
    page.get_by_role("button", name="Hoidan läheistäni").click()
    wait_for_reply(page, 0)
    for _ in range(3):
        if page.locator(".card").count():
            break
        say(page, "Espoo")
    card = page.locator(".card").first
    name = card.locator(".card-name").inner_text()
    card.locator(".report summary").click()
    card.get_by_label("Toiminta on loppunut").check()
    card.get_by_label("Kerro lisää (vapaaehtoinen)").fill("Ryhmä loppui keväällä. Soita minulle 040 765 4321")
    audit(page, "kiosk: report form")
    screenshots(page, "kiosk-report")
    card.get_by_role("button", name="Lähetä ilmoitus").click()
    expect(card.locator(".report-status")).to_have_text("Kiitos! Ilmoitus meni kaupungin työntekijöille.")

    staff = context.new_page()
    staff_sign_in(staff, base_url, staff_token)
    report = staff.locator("#reports .review-item").filter(has_text=name).first
    expect(report).to_contain_text("Toiminta on loppunut")
    expect(report).to_contain_text("Ryhmä loppui keväällä.")
    assert "040 765 4321" not in report.inner_text()
    audit(staff, "review: reports")
    screenshots(staff, "review-reports", full_page=True)
    report.get_by_role("button", name="Merkitse käsitellyksi").click()
    expect(staff.locator("#reports").filter(has_text=name)).to_have_count(0)


def test_an_unconfirmed_activity_disappears_after_the_set_time(page, context, stack, base_url, staff_token):
    query = ("Asun Espoossa ja etsin vertaistukea", "vertaistukea mielenterveyden ongelmiin")
    shown = resident_cards(page, base_url, *query)
    cards = httpx.get(f"{base_url}/api/staff/activities", params={"id": shown},
                      headers={"Authorization": f"Bearer {staff_token}"}).json()["results"]
    oldest = min(cards, key=lambda c: c["checked"])
    checked = dt.date.fromisoformat(oldest["checked"])
    travel = checked.replace(year=checked.year + 1) + dt.timedelta(days=1)   # twelve months and a day
    try:
        restart_web(stack, MUKAAN_TODAY=travel.isoformat())
        after = resident_cards(context.new_page(), base_url, *query)   # a new tab: a new conversation
        assert oldest["id"] not in after
        staff = context.new_page()
        staff_sign_in(staff, base_url, staff_token)
        # Twenty at a time, the longest unchecked first; the range above the list is read out,
        # and focus stays on the button pressed (or goes to the other one at the end).
        pages, prev, nxt = staff.locator("#stale-pages"), staff.locator("#stale-prev"), staff.locator("#stale-next")
        expect(staff.locator("#stale-range")).to_contain_text("Näytetään 1–20, yhteensä")
        expect(staff.locator("#stale .review-item")).to_have_count(20)
        expect(pages).to_be_visible()
        expect(pages).to_have_attribute("aria-label", "Tarkistamatta pitkään: sivut")
        expect(prev).to_be_disabled()
        expect(nxt).to_have_attribute("aria-label", "Seuraavat, 21–40")
        first = staff.locator("#stale .review-item h3").first.inner_text()
        nxt.focus()
        staff.keyboard.press("Enter")
        expect(staff.locator("#stale-range")).to_contain_text("Näytetään 21–40, yhteensä")
        expect(nxt).to_be_focused()
        assert staff.locator("#stale .review-item h3").first.inner_text() != first
        prev.focus()
        staff.keyboard.press("Enter")
        expect(staff.locator("#stale-range")).to_contain_text("Näytetään 1–20, yhteensä")
        expect(prev).to_be_disabled()
        expect(nxt).to_be_focused()                                    # the first page: "Previous" is off
        row = staff.locator("#stale .review-item").filter(has_text=oldest["name"]).first
        while not row.count():                                         # on to the activity's page
            assert nxt.is_enabled(), f"{oldest['name']} is on no page of the list"
            before = staff.locator("#stale-range").inner_text()
            staff.keyboard.press("Enter")
            expect(staff.locator("#stale-range")).not_to_have_text(before)
        expect(row.locator(".hidden-mark")).to_have_text("Piilossa asukkailta")
        audit(staff, "review: not checked for a long time")
        screenshots(staff, "review-freshness", full_page=True)
    finally:
        restart_web(stack, MUKAAN_TODAY="")
