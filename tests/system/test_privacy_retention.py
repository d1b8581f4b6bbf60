"""Privacy by default: the retention settings really govern what is kept, and log lines are
scrubbed in a real server process.

* Conversations: the web app erases a conversation in Rasa (its tracker replaced by an empty
  one) once it has been idle for MUKAAN_CONVERSATION_RETENTION_MINUTES, and at once on "start
  over". A small real HTTP server stands in for Rasa and records what it is asked (the real
  Rasa's side of it, that the text is gone afterwards, is checked by the browser test of the
  kiosk wipe in tests/browser/test_privacy_notice.py).
* Unmet-needs counts: rows older than MUKAAN_NEEDS_RETENTION_MONTHS are deleted.
* The privacy notice's facts (/api/privacy) come from the settings.
* Identifiers (IBANs as people type them, too) are scrubbed, also from the app's own log lines
  in a process where only uvicorn configured logging."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from mukaan.needs import NeedsLog, first_kept_month
from mukaan.privacy import scrub
from mukaan.settings import ROOT
from tests.conftest import settings_with
from web.main import create_app

FAKE_RASA = 9073


class RecordingRasa(BaseHTTPRequestHandler):
    """Answers like Rasa's REST channel and records every erase (PUT …/tracker/events)."""
    erased: list[tuple[str, object]] = []
    turns: list[str] = []

    def _json(self, body, status=200) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        return json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._json({"model_file": "fake.tar.gz"})

    def do_POST(self) -> None:  # noqa: N802
        body = self._body()
        type(self).turns.append(body["sender"])
        self._json([{"text": "Hei! Kerro, mitä etsit."}])

    def do_PUT(self) -> None:  # noqa: N802
        session = self.path.split("/")[2]
        type(self).erased.append((session, self._body()))
        self._json({"sender_id": session, "events": []})

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def fake_rasa():
    server = ThreadingHTTPServer(("127.0.0.1", FAKE_RASA), RecordingRasa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield RecordingRasa
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def client(fake_rasa):
    """The app with conversations kept 3.6 seconds (0.06 minutes), talking to the fake Rasa."""
    app = create_app(settings_with({
        "MUKAAN_CONVERSATION_RETENTION_MINUTES": "0.06", "MUKAAN_RASA_URL": f"http://127.0.0.1:{FAKE_RASA}",
        "MUKAAN_RATE_LIMIT_PER_MINUTE": "0", "MUKAAN_NEEDS_RETENTION_MONTHS": "7",
        "MUKAAN_PRIVACY_CONTACT": "dpo@example.org"}))
    with TestClient(app) as c:
        deadline = time.time() + 180        # loading competes for the CPU: let it finish first
        while app.state.catalogue_status["state"] == "loading" and time.time() < deadline:
            time.sleep(0.3)
        yield c


def erased(fake, session: str) -> list:
    return [body for s, body in fake.erased if s == session]


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_an_idle_conversation_is_erased_after_the_retention_time(client, fake_rasa):
    body = client.post("/api/chat", json={"message": "Haluaisin löytää seuraa", "lang": "fi"}).json()
    session = body["session"]
    assert body["messages"][0]["text"] == "Hei! Kerro, mitä etsit."
    assert session in fake_rasa.turns and not erased(fake_rasa, session)
    assert wait_until(lambda: erased(fake_rasa, session), 12), "not erased after the retention time"
    assert erased(fake_rasa, session) == [[]]          # the tracker is replaced by an empty one


def test_a_conversation_in_use_is_kept(client, fake_rasa):
    session = client.post("/api/chat", json={"message": "Haluaisin löytää seuraa", "lang": "fi"}).json()["session"]
    for _ in range(16):                                  # 5 s or more of talking, each gap 0.3 s
        time.sleep(0.3)
        client.post("/api/chat", json={"session": session, "message": "Espoossa", "lang": "fi"})
        assert not erased(fake_rasa, session), "erased while the resident was still talking"
    assert wait_until(lambda: erased(fake_rasa, session), 12)


def test_start_over_erases_at_once(client, fake_rasa):
    session = client.post("/api/chat", json={"message": "Haluaisin löytää seuraa", "lang": "fi"}).json()["session"]
    client.post("/api/chat", json={"session": session, "message": "/start_over", "lang": "fi"})
    assert erased(fake_rasa, session) == [[]]


def test_the_privacy_notice_facts_come_from_the_settings(client):
    facts = client.get("/api/privacy").json()
    assert facts["conversation_retention_minutes"] == 0.06
    assert facts["needs_retention_months"] == 7 and facts["contact"] == "dpo@example.org"
    assert facts["controller"]


def test_unmet_needs_older_than_the_retention_are_deleted(tmp_path):
    path = tmp_path / "needs.sqlite3"
    NeedsLog(path)                                        # the table
    ago = {k: first_kept_month(k + 1) for k in (24, 12, 11, 1, 0)}   # the month k months ago
    with sqlite3.connect(path) as db:
        db.executemany("INSERT INTO unmet_needs VALUES (?, 'peer_support', 'grief', 'Espoo', 'fi', 3)",
                       [(m,) for m in ago.values()])
    log = NeedsLog(path, retention_months=12)             # opening the log prunes it
    assert sorted(r["month"] for r in log.rows()) == sorted([ago[11], ago[1], ago[0]])
    # Eleven months on, only what was recorded this month is still within the 12 months.
    year_on = dt.date.today().replace(day=1) + dt.timedelta(days=335)   # 11 months on
    assert log.prune(today=year_on) == 2 and [r["month"] for r in log.rows()] == [ago[0]]
    assert NeedsLog(path, retention_months=0).prune(today=dt.date(2040, 1, 1)) == 0   # 0: kept


@pytest.mark.parametrize("months,today,first", [
    (12, dt.date(2026, 11, 20), "2025-12"), (1, dt.date(2026, 1, 31), "2026-01"),
    (24, dt.date(2026, 1, 1), "2024-02"), (13, dt.date(2026, 12, 1), "2025-12")])
def test_first_kept_month(months, today, first):
    assert first_kept_month(months, today) == first


@pytest.mark.parametrize("text,gone", [
    ("tilinumero fi21 1234 5600 0007 85 kiitos", "fi21 1234 5600 0007 85"),
    ("Fi21 1234 5600 0007 85", "Fi21 1234 5600 0007 85"),
    ("FI 21 1234 5600 0007 85", "1234 5600 0007 85"),
    ("FI21-1234-5600-0007-85.", "FI21-1234-5600-0007-85"),
    ("konto SE45 5000 0000 0583 9825 7466", "SE45 5000 0000 0583 9825 7466"),
    ("DE89370400440532013000", "DE89370400440532013000"),
    ("GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 32"),
])
def test_ibans_as_people_type_them_are_scrubbed(text, gone):
    assert gone not in scrub(text) and "[iban]" in scrub(text)


@pytest.mark.parametrize("text", ["by 31 December 2026 and 30 September", "on 32-asteista vettä", "vuosina 2019-2024",
                                  "ryhmä ABCD 1234 EFGH", "klo 17.30-19.00 huoneessa B12"])
def test_ordinary_text_is_not_taken_for_an_iban(text):
    assert scrub(text) == text


def test_app_log_lines_are_scrubbed_in_a_plain_process():
    """As under uvicorn, which configures only its own loggers: the app's records reach a
    handler that scrubs them, and INFO lines are shown."""
    code = ("import logging; from mukaan import privacy; privacy.install(); "
            "logging.getLogger('web.api.routes.chat').warning('from %s', 'matti@example.org 040 123 4567'); "
            "logging.getLogger('mukaan').info('ready')\n"
            "try:\n    raise ValueError('hetu 131052-308T tili fi21 1234 5600 0007 85')\n"
            "except ValueError:\n    logging.getLogger('mukaan').exception('failed')")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60).stderr
    assert "WARNING web.api.routes.chat: from [email] [phone]" in out
    assert "INFO mukaan: ready" in out
    assert "ValueError: hetu [hetu] tili [iban]" in out
    for secret in ("matti@", "040 123", "131052", "1234 5600"):
        assert secret not in out
