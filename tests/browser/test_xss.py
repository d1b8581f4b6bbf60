"""HTML and JavaScript are shown as text everywhere, never run: reflected through the chat (what
a resident types, through the real Rasa) and stored in catalogue data (an imported activity
whose name, description, organiser, times, place and address carry <script>, <img onerror>,
<svg onload> and a web address that breaks out of an attribute), on the chat page, the staff
console with its referral slip, the kiosk, the QR code's SVG and the PDF slip.

The browser runs with the Content-Security-Policy switched off (bypass_csp), so these tests
check the escaping itself; the CSP is a second wall, tested in tests/unit/web/test_api.py. A payload
that ran would set window.__xss; one that was parsed as HTML would leave elements behind.
The stored case runs its own web app (a uvicorn process on port 8772) over a temporary index
holding the fixture catalogue and the hostile activity; Rasa is not running there, so chat
searches directly."""
from __future__ import annotations

import io
import re
import shutil
import time

import httpx
import pytest
import yaml
from playwright.sync_api import expect
from pypdf import PdfReader

from devtools.stack import Stack
from mukaan.catalogue.embedding import get_embedder
from mukaan.catalogue.importers import to_yaml
from mukaan.catalogue.loader import load_dir, read_yaml
from mukaan.catalogue.sqlite_store import Store
from mukaan.settings import ROOT, get_settings
from tests.browser.conftest import STAFF_TOKEN
from tests.browser.helpers import DESKTOP, wait_for_image, wait_for_reply

pytestmark = pytest.mark.e2e

FIXTURES = ROOT / "tests" / "fixtures" / "catalogue"
PORT = 8772
PAYLOAD = ('<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
           '<svg/onload="window.__xss=3"></svg>"\'><b id="injected">lihavoitu</b>')
EVIL_ID = "espoo-kuorolaulu-leppavaara-xss"
EVIL_NAME = f"Kuorolaulua Leppävaarassa {PAYLOAD}"
EVIL_URL = 'https://example.org/kuoro?x="><img src=x onerror="window.__xss=4">'
QUERY = "kuorolaulua Leppävaarassa"

INJECTED = """() => ({
  xss: window.__xss === undefined ? null : window.__xss,
  elements: document.querySelectorAll('#injected, img[src="x"], svg[onload], [onerror], [onload]').length,
  scripts: [...document.scripts].filter((s) => s.textContent.includes('__xss')).length,
})"""


def assert_nothing_ran(target, dialogs) -> None:
    assert target.evaluate(INJECTED) == {"xss": None, "elements": 0, "scripts": 0}
    assert not dialogs, f"a dialog opened: {dialogs}"


@pytest.fixture
def open_page(browser):
    """A page with the CSP off and dialogs recorded; JavaScript errors fail the test."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True, locale="fi-FI")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.dialogs, page.errors = [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()
    assert not page.errors, f"JavaScript errors on the page: {page.errors}"


def hostile_activity():
    base = load_dir(FIXTURES)[0]                       # Espoo, bilingual: Finnish and Swedish text
    data = base.model_dump(exclude_none=True)
    data.update(id=EVIL_ID, url=EVIL_URL, area=f"Leppävaara {PAYLOAD}", address=f"Esimerkkitie 1 {PAYLOAD}",
                name={"fi": EVIL_NAME, "sv": f"Körsång i Alberga {PAYLOAD}"},
                description={"fi": f"Kuorolaulua kaikille Leppävaarassa. {PAYLOAD}",
                             "sv": f"Körsång för alla i Alberga. {PAYLOAD}"},
                how_to_join={"fi": f"Tule paikalle. {PAYLOAD}"})
    data["organizer"] = {**data["organizer"], "name": f"Kuoroyhdistys {PAYLOAD}", "url": EVIL_URL}
    data["schedule"] = {**data["schedule"], "text": {"fi": f"Torstaisin {PAYLOAD}"}}
    data["topics"], data["kind"] = ["culture"], "club"
    return type(base).model_validate(data)


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    """A web app whose catalogue holds the hostile activity (as if imported)."""
    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "data"
    shutil.copytree(FIXTURES, data)
    (data / "imported-hostile.yaml").write_text(to_yaml([hostile_activity()]), encoding="utf-8")
    database = folder / "catalogue.sqlite3"
    Store(database).replace_all(load_dir(data), get_embedder(get_settings()))
    stack = Stack(web_port=PORT, rasa_port=9076, log_dir=folder,   # nothing listens on 9076
                  env={"MUKAAN_DATABASE": str(database), "MUKAAN_STAFF_TOKEN": STAFF_TOKEN,
                       "MUKAAN_RATE_LIMIT_PER_MINUTE": "0", "MUKAAN_NEEDS_DATABASE": str(folder / "needs.sqlite3")})
    stack.start_web()
    url = stack.web_url
    try:
        deadline = time.time() + 240
        while True:
            assert stack.procs["web"].poll() is None, (folder / "web.log").read_text()
            assert time.time() < deadline, "the hostile-catalogue app did not start"
            try:
                if httpx.get(f"{url}/health", timeout=5).json()["components"]["catalogue"]["state"] == "ok":
                    break
            except (httpx.HTTPError, ValueError, KeyError):
                pass
            time.sleep(0.5)
        yield url
    finally:
        stack.stop()


def send(page, text, field="#input"):
    before = page.locator(".msg.bot").count()
    page.fill(field, text)
    page.press(field, "Enter")
    wait_for_reply(page, before)


# ---------------------------------------------------------------------------------------------
# Reflected: what a resident types, through the real Rasa


def test_reflected_through_chat(open_page, base_url):
    page = open_page
    page.goto(base_url)
    wait_for_reply(page, 0)
    send(page, f"Etsin kuoroa Espoossa {PAYLOAD}")
    send(page, PAYLOAD)
    mine = page.locator(".msg.me")
    expect(mine.last).to_contain_text(PAYLOAD)              # shown as the resident typed it
    assert_nothing_ran(page, page.dialogs)
    page.reload()                                           # the transcript comes back from storage
    expect(page.locator(".msg.me").last).to_contain_text(PAYLOAD)
    assert_nothing_ran(page, page.dialogs)


# ---------------------------------------------------------------------------------------------
# Stored: the hostile activity wherever it is shown


def test_stored_in_chat_cards(open_page, hostile_app):
    page = open_page
    page.goto(hostile_app)
    wait_for_reply(page, 0)
    send(page, QUERY)
    card = page.locator(f'.card[data-id="{EVIL_ID}"]')
    expect(card.locator(".card-name")).to_have_text(EVIL_NAME)
    card.locator(".description summary").click()                         # the description
    expect(card).to_contain_text(f"Kuorolaulua kaikille Leppävaarassa. {PAYLOAD}")
    expect(card).to_contain_text(f"Torstaisin {PAYLOAD}")
    expect(card.locator(".more a")).to_have_attribute("href", EVIL_URL.replace('"', "%22").replace(" ", "%20")
                                                      .replace("<", "%3C").replace(">", "%3E"))
    assert_nothing_ran(page, page.dialogs)


def test_stored_in_the_staff_console_and_slip(open_page, hostile_app):
    page = open_page
    page.goto(f"{hostile_app}/staff")
    page.wait_for_selector("body[data-ready]")
    page.get_by_label("Henkilöstön tunnus").fill(STAFF_TOKEN)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.get_by_label("Hakusanat").fill(QUERY)
    page.get_by_role("button", name="Hae", exact=True).click()
    result = page.locator(".result", has_text="Kuorolaulua Leppävaarassa")
    expect(result.locator(".result-name")).to_contain_text(PAYLOAD)
    result.locator(".result-details summary").click()
    expect(result.locator(".result-details")).to_contain_text(f"Kuoroyhdistys {PAYLOAD}")
    result.get_by_role("button", name=re.compile("^Lisää lähetteeseen")).click()
    expect(page.locator("#referral-list li")).to_have_count(1)
    expect(page.locator("#referral-list")).to_contain_text(PAYLOAD)
    expect(page.locator("#referral-text")).to_have_value(re.compile(re.escape(PAYLOAD)))
    page.get_by_role("link", name="Katso tulostettava lähete").click()
    slip = page.locator("#slip")
    expect(slip).to_contain_text(EVIL_NAME)
    expect(slip).to_contain_text(f"Esimerkkitie 1 {PAYLOAD}")
    wait_for_image(page, slip.locator(".slip-qr img").first)
    assert_nothing_ran(page, page.dialogs)


def test_stored_on_the_kiosk(open_page, hostile_app):
    page = open_page
    page.goto(f"{hostile_app}/kiosk")
    page.wait_for_selector("body[data-ready]")
    page.locator("#start-input").fill(QUERY)
    page.locator("#start-input").press("Enter")
    wait_for_reply(page, 0)
    card = page.locator(f'.card[data-id="{EVIL_ID}"]')
    expect(card.locator(".card-name")).to_have_text(EVIL_NAME)
    wait_for_image(page, card.locator(".qr img"))
    expect(card.locator(".qr figcaption")).to_contain_text(EVIL_URL)
    assert_nothing_ran(page, page.dialogs)


def test_stored_in_the_qr_code_svg(open_page, hostile_app):
    page = open_page
    page.goto(f"{hostile_app}/api/qr/{EVIL_ID}.svg")
    assert page.evaluate("() => document.documentElement.localName") == "svg"
    assert page.evaluate("() => document.querySelector('title').textContent") == EVIL_URL
    assert page.evaluate("() => document.querySelectorAll('script, img, [onerror], [onload]').length") == 0
    assert_nothing_ran(page, page.dialogs)


def test_stored_in_the_pdf_slip(hostile_app):
    r = httpx.post(f"{hostile_app}/api/staff/referral.pdf", json={"ids": [EVIL_ID], "lang": "fi"},
                   headers={"Authorization": f"Bearer {STAFF_TOKEN}"}, timeout=60)
    assert r.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "window.__xss=2" in " ".join(text.split())      # the text, as text


def test_a_javascript_address_is_refused_at_import(tmp_path):
    """The catalogue refuses a javascript: web address, with the line it is on."""
    bad = hostile_activity().model_dump(mode="json", exclude_none=True) | {"url": "javascript:alert(document.cookie)"}
    path = tmp_path / "imported-bad.yaml"
    path.write_text(yaml.safe_dump([bad], allow_unicode=True, sort_keys=False), encoding="utf-8")
    activities, problems = read_yaml(path)
    assert not activities and len(problems) == 1
    assert "url must start with https://" in problems[0].message
    line = path.read_text(encoding="utf-8").splitlines()[problems[0].line - 1]
    assert line.lstrip().startswith("url: javascript:")
