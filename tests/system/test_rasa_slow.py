"""Rasa slow, not down: real TCP servers on loopback that accept the connection and then never
answer, trickle an answer byte by byte, or answer nonsense. The web app (in-process, real
catalogue) must give up after the timeout, say so politely in the page's language, search the
catalogue directly, and report "degraded" in /health."""
from __future__ import annotations

import json
import socket
import threading
import time

import pytest
from fastapi.testclient import TestClient

from mukaan.settings import get_settings
from mukaan.texts import say
from tests.conftest import settings_with
from web.main import create_app
from web.rasa_client import RETRY_AFTER, RasaClient

SILENT, TRICKLE, NONSENSE = 9070, 9071, 9072
TIMEOUT = 1.5


class FakeRasa:
    """A TCP server on 127.0.0.1:port; ``behaviour`` is "silent", "trickle" or "nonsense"."""

    def __init__(self, port: int, behaviour: str):
        self.behaviour = behaviour
        self.accepted = 0
        self.sock = socket.create_server(("127.0.0.1", port), reuse_port=False)
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(30)
            try:
                conn.recv(65536)                       # the request (never looked at)
                if self.behaviour == "silent":
                    self.stop.wait(30)                 # accept, then say nothing
                elif self.behaviour == "trickle":      # a valid start, then one byte at a time
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 4000\r\n\r\n[")
                    while not self.stop.wait(0.3):
                        conn.sendall(b" ")
                else:                                  # nonsense: JSON, but not Rasa's shape
                    body = json.dumps({"unexpected": [1, 2, 3]}).encode()
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
            except OSError:
                pass

    def close(self) -> None:
        self.stop.set()
        self.thread.join(2)
        self.sock.close()


@pytest.fixture(scope="module")
def servers():
    fakes = {name: FakeRasa(port, name) for name, port in
             (("silent", SILENT), ("trickle", TRICKLE), ("nonsense", NONSENSE))}
    yield fakes
    for fake in fakes.values():
        fake.close()


@pytest.fixture(scope="module")
def app_client():
    app = create_app(get_settings())
    with TestClient(app) as c:
        deadline = time.time() + 180
        while c.get("/health").json()["status"] in ("starting",) and time.time() < deadline:
            time.sleep(0.5)
        assert c.get("/health").json()["components"]["catalogue"]["state"] == "ok"
        yield app, c


def use_rasa(app, port: int, timeout: float = TIMEOUT) -> None:
    """A fresh client (no memory of earlier failures) towards the fake on ``port``."""
    app.state.rasa = RasaClient(f"http://127.0.0.1:{port}", timeout)


def timed_chat(client, message: str, lang: str):
    t0 = time.monotonic()
    r = client.post("/api/chat", json={"message": message, "lang": lang})
    return r, time.monotonic() - t0


@pytest.mark.parametrize("lang,message,topic", [
    ("fi", "Olen eläkkeellä ja kaipaan seuraa", None),
    ("sv", "jag söker en stödgrupp för sörjande", "grief"),
    ("en", "I care for my mother at home and need support as a family carer", "caregiving"),
])
def test_silent_rasa_times_out_into_a_direct_search_in_the_page_language(app_client, servers, lang, message, topic):
    app, client = app_client
    use_rasa(app, SILENT)
    r, elapsed = timed_chat(client, message, lang)
    assert r.status_code == 200
    body = r.json()
    assert body["lang"] == lang
    notice, results = body["messages"]
    assert notice["kind"] == "notice" and notice["text"] == say("bot_unavailable", lang)
    assert results["activities"] and all(m["lang"] == lang for m in body["messages"])
    if topic:
        assert any(topic in a["topics"] for a in results["activities"])
    # It waited for Rasa as long as the timeout says, and not much longer (the default is 10 s).
    assert TIMEOUT * 0.9 <= elapsed < TIMEOUT + 7


def test_after_a_timeout_rasa_is_skipped_for_a_while(app_client, servers):
    app, client = app_client
    use_rasa(app, SILENT)
    before = servers["silent"].accepted
    first, _ = timed_chat(client, "Haluaisin vapaaehtoiseksi Espoossa", "fi")
    assert servers["silent"].accepted == before + 1
    second, _ = timed_chat(client, "Etsin kuorolaulua Tampereella", "fi")
    assert servers["silent"].accepted == before + 1, "the second turn should not wait for a Rasa that just failed"
    for r in (first, second):
        assert r.status_code == 200 and r.json()["messages"][0]["kind"] == "notice"
    assert app.state.rasa.last_failure == "slow"
    time.sleep(RETRY_AFTER + 0.2)
    timed_chat(client, "Etsin kuorolaulua Tampereella", "fi")
    assert servers["silent"].accepted == before + 2, "after the pause Rasa is tried again"


def test_health_reports_degraded_when_rasa_is_slow(app_client, servers):
    app, client = app_client
    use_rasa(app, SILENT)
    t0 = time.monotonic()
    r = client.get("/health")
    assert time.monotonic() - t0 < 6
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "degraded" and body["components"]["rasa"] == "slow"
    assert body["components"]["catalogue"]["state"] == "ok"


def test_a_trickling_answer_is_cut_off_at_the_timeout(app_client, servers):
    """httpx's timeout is per read: a server sending a byte every 0.3 s would never trip it.
    The client's total deadline does."""
    app, client = app_client
    use_rasa(app, TRICKLE)
    r, elapsed = timed_chat(client, "Kaipaan seuraa, asun Vantaalla", "fi")
    assert r.status_code == 200
    assert r.json()["messages"][0]["text"] == say("bot_unavailable", "fi")
    assert elapsed < TIMEOUT + 7


def test_nonsense_from_rasa_is_a_fallback_not_a_500(app_client, servers):
    app, client = app_client
    use_rasa(app, NONSENSE)
    r, _ = timed_chat(client, "Kaipaan seuraa, asun Vantaalla", "fi")
    assert r.status_code == 200
    assert r.json()["messages"][0]["text"] == say("bot_unavailable", "fi")
    assert app.state.rasa.last_failure == "down"


def test_the_timeout_comes_from_the_setting():
    app = create_app(settings_with({"MUKAAN_RASA_TIMEOUT": "0.7", "MUKAAN_RASA_URL": f"http://127.0.0.1:{SILENT}"}))
    with TestClient(app):
        assert app.state.rasa.timeout == 0.7 and app.state.rasa.base_url == f"http://127.0.0.1:{SILENT}"
