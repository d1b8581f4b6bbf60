"""Browser tests: the real web app and Rasa server (devtools.stack.Stack) on spare ports,
driven by Debian's chromium through Playwright, audited with axe-core.

Shared here, once for all browser tests (package scope: they stop before the rest of the
suite runs): the stack (it takes about a minute to start), a second web app without a staff
token, a host page that embeds the widget from another origin, and the browser. The
helpers (axe audits, screenshots, chatting) are in helpers.py.
"""
from __future__ import annotations

import functools
import http.server
import json
import secrets
import shutil
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from devtools.stack import TRAINED, Stack, trained_model
from mukaan.settings import get_settings
from tests.browser.helpers import AXE, DESKTOP

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
STAFF_TOKEN = f"staff-{secrets.token_hex(12)}"
HERE = Path(__file__).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


HOST_PORT = free_port()  # the city's page that embeds the widget (another origin)
HOST_ORIGIN = f"http://localhost:{HOST_PORT}"
# The test stack's settings: the staff token; the host page may frame the chat; no rate
# limit (every test talks from 127.0.0.1).
STACK_ENV = {"MUKAAN_STAFF_TOKEN": STAFF_TOKEN,
             "MUKAAN_FRAME_ANCESTORS": json.dumps([HOST_ORIGIN]),
             "MUKAAN_RATE_LIMIT_PER_MINUTE": "0"}


def rasa_model() -> Path:
    """The model for the current training data; else the newest trained one (the data may be
    changing under other people's hands, and the pages do not depend on its details)."""
    current = trained_model()
    if current.exists():
        return current
    models = sorted(TRAINED.glob("mukaan-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.skip("no trained Rasa model: run `make train`")
    return models[-1]


def _require_tools() -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is missing: run scripts/install-browser.sh")
    if not AXE.exists():
        pytest.skip("axe-core is missing: run scripts/install-browser.sh")


# ---------------------------------------------------------------------------------------------
# Servers


@pytest.fixture(scope="package")
def stack(tmp_path_factory):
    """The stack on a copy of the catalogue index and its own editorial file: the association
    tests change activities, never var/."""
    _require_tools()
    data = tmp_path_factory.mktemp("stack-data")
    shutil.copy(get_settings().database, data / "catalogue.sqlite3")
    env = STACK_ENV | {"MUKAAN_DATABASE": str(data / "catalogue.sqlite3"),
                       "MUKAAN_EDITORIAL_DATABASE": str(data / "editorial.sqlite3")}
    s = Stack(web_port=free_port(), rasa_port=free_port(), env=env,
              log_dir=tmp_path_factory.mktemp("stack-logs"))
    s.start(model=rasa_model(), timeout=420)
    yield s
    s.stop()


@pytest.fixture(scope="package")
def base_url(stack) -> str:
    return stack.web_url


@pytest.fixture(scope="package")
def staff_token() -> str:
    return STAFF_TOKEN


# The second web app's settings: no staff token, and no site may frame its chat (the default).
UNFRAMED_ENV = {"MUKAAN_STAFF_TOKEN": "", "MUKAAN_FRAME_ANCESTORS": "[]"}


@pytest.fixture(scope="package")
def app_without_token(tmp_path_factory):
    """A second web app with no staff token and no MUKAAN_FRAME_ANCESTORS (no Rasa needed: its
    staff pages do not chat, and its chat cannot be framed by the city's page)."""
    web = Stack(web_port=free_port(), rasa_port=free_port(), env=STACK_ENV | UNFRAMED_ENV,
                log_dir=tmp_path_factory.mktemp("no-token-logs"))
    web.start_web()
    deadline = time.time() + 120
    while time.time() < deadline:
        if web.procs["web"].poll() is not None:
            raise RuntimeError(f"the web app without a token exited with {web.procs['web'].returncode}")
        try:
            if httpx.get(f"{web.web_url}/api/staff/status", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    yield web.web_url
    web.stop()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def host_page(mukaan_url: str) -> str:
    """The city's page (host.html) with the widget of the Mukaan at ``mukaan_url``."""
    return (HERE / "host.html").read_text(encoding="utf-8").replace("{{MUKAAN}}", mukaan_url)


@pytest.fixture(scope="package")
def host_site(tmp_path_factory):
    """The folder that a city's web server on another origin (HOST_ORIGIN) serves."""
    folder = tmp_path_factory.mktemp("host")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", HOST_PORT),
                                             functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder
    server.shutdown()


@pytest.fixture(scope="package")
def host_url(base_url, host_site):
    """A city's page on another origin that includes the widget with one script tag
    (index.html; sv.html is the same page in Swedish, twice.html has the tag twice)."""
    page = host_page(base_url)
    tag = f'<script src="{base_url}/widget.js" defer></script>'
    variants = {"index.html": page,
                "sv.html": page.replace('<html lang="fi">', '<html lang="sv">'),
                "twice.html": page.replace(tag, tag + "\n  " + tag)}
    for name, text in variants.items():
        (host_site / name).write_text(text, encoding="utf-8")
    return f"{HOST_ORIGIN}/index.html"


@pytest.fixture(scope="package")
def unframed_host_url(app_without_token, host_site):
    """The same city's page with the widget of a Mukaan that does not list it in
    MUKAAN_FRAME_ANCESTORS: the chat cannot be shown in the frame."""
    (host_site / "unframed.html").write_text(host_page(app_without_token), encoding="utf-8")
    return f"{HOST_ORIGIN}/unframed.html"


# ---------------------------------------------------------------------------------------------
# Browser


@pytest.fixture(scope="package")
def browser() -> Browser:
    _require_tools()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=DESKTOP, accept_downloads=True, locale="fi-FI")
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context) -> Page:
    p = context.new_page()
    p.errors = []
    p.on("pageerror", lambda error: p.errors.append(str(error)))
    yield p
    assert not p.errors, f"JavaScript errors on the page: {p.errors}"
