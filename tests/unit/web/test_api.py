"""The HTTP API in-process (FastAPI TestClient) with the real catalogue index.
No Rasa server runs here (the ``client`` fixture of conftest.py): chat falls back to a direct
search, as it must when Rasa is down."""
import json

import pytest

from mukaan.settings import get_settings
from tests.conftest import start_over_call


def test_health_reports_components(client):
    body = client.get("/health").json()
    assert body["components"]["catalogue"]["state"] == "ok"
    assert body["components"]["catalogue"]["activities"] >= 400
    assert body["components"]["rasa"] == "down"
    assert body["status"] == "degraded"


def test_search_contract(client):
    r = client.get("/api/activities/search", params={"q": "omaishoitajan vertaistukiryhmä",
                                                      "municipality": "Vanda", "lang": "fi", "limit": 5})
    assert r.status_code == 200
    results = r.json()["results"]
    assert 1 <= len(results) <= 5
    for a in results:
        for key in ("id", "name", "kind", "topics", "municipality", "languages", "online", "organizer", "url",
                    "score", "why", "updated"):
            assert key in a
        assert a["online"] or a["municipality_fi"] == "Vantaa"
    assert "caregiving" in results[0]["topics"]


def test_search_in_swedish_uses_swedish_names(client):
    r = client.get("/api/activities/search", params={"q": "stödgrupp för sörjande", "municipality": "helsingfors",
                                                      "lang": "sv"})
    top = r.json()["results"][0]
    assert "grief" in top["topics"]
    assert top["municipality"] in ("Helsingfors", None)


@pytest.mark.parametrize("params", [
    {"q": "x", "municipality": "Atlantis"}, {"q": "x", "lang": "de"}, {"q": "x", "limit": 0},
    {"q": "x", "limit": 10000}, {"q": "x", "mode": "magic"}, {"q": "x", "kind": "party"},
])
def test_search_rejects_bad_parameters_clearly(client, params):
    r = client.get("/api/activities/search", params=params)
    assert r.status_code == 422
    assert "detail" in r.json()


def test_chat_crisis_is_answered_before_anything_else(client):
    r = client.post("/api/chat", json={"message": "en halua elää enää", "lang": "fi"})
    assert r.status_code == 200
    first = r.json()["messages"][0]
    assert first["kind"] == "crisis" and "112" in first["text"] and "09 2525 0111" in first["text"]


def test_chat_falls_back_to_search_when_rasa_is_down(client):
    r = client.post("/api/chat", json={"message": "kaipaan seuraa, olen eläkeläinen", "lang": "fi"})
    body = r.json()
    assert r.status_code == 200 and body["session"]
    assert body["messages"][0]["kind"] == "notice"
    assert body["messages"][1]["activities"]


@pytest.mark.parametrize("payload,status", [
    ({"message": "   "}, 200), ({"message": ""}, 200), ({"message": "hei", "lang": "de"}, 422),
    ({"message": 5}, 422), ({"session": "bad id!", "message": "hei"}, 422), ({}, 422),
])
def test_chat_bad_input(client, payload, status):
    r = client.post("/api/chat", json=payload)
    assert r.status_code == status
    if status == 200:
        assert r.json()["messages"][0]["kind"] == "notice"


def test_chat_page_is_served(client):
    r = client.get("/")
    assert r.status_code == 200 and "<html" in r.text and "/chat.js" in r.text


def test_chat_follows_a_resident_who_writes_in_another_language(client):
    body = client.post("/api/chat", json={"message": "jag söker en stödgrupp för sörjande", "lang": "fi"}).json()
    assert body["lang"] == "sv"
    assert body["messages"][0]["text"].startswith("Jag bytte språk till svenska")
    assert all(m["lang"] == "sv" for m in body["messages"])
    # One word, or a municipality name, is not enough to switch.
    assert client.post("/api/chat", json={"message": "Esbo", "lang": "fi"}).json()["lang"] == "fi"


def test_staff_routes_refuse_without_the_token(client):
    for path in ("/api/staff/needs", "/api/staff/needs.csv", "/api/staff/options"):
        assert client.get(path).status_code in (401, 403)
        assert client.get(path, headers={"Authorization": "Bearer wrong"}).status_code in (401, 403)


def test_security_headers_and_limits(client):
    r = client.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    big = client.post("/api/chat", content=b'{"message": "' + b"a" * 70_000 + b'"}',
                      headers={"Content-Type": "application/json"})
    assert big.status_code == 413


def test_unmet_need_is_counted_without_text(client):
    needs_log = client.app.state.services.needs
    before = sum(r["count"] for r in needs_log.rows())
    client.get("/api/activities/search", params={"q": "sukellusseura lapsille", "municipality": "Nivala",
                                                  "topic": "lgbtq", "kind": "event"})
    rows = needs_log.rows()
    assert sum(r["count"] for r in rows) == before + 1
    assert all(set(r) == {"month", "kind", "topic", "municipality", "lang", "count"} for r in rows)


def test_long_conversation_action_calls_are_not_refused(client):
    """Rasa's action calls carry the whole conversation: after some turns they are far larger
    than any chat request, and must still be served (their own limit), while a chat request
    of the same size gets 413."""
    events = [{"event": "user", "text": "Asun Espoossa ja etsin vertaistukea omaishoitajille " * 8,
               "parse_data": {"intent": {"name": "describe_situation", "confidence": 0.9}, "entities": []}}
              for _ in range(400)]
    body = json.dumps(start_over_call("long", "sv", events))
    assert len(body) > 3 * get_settings().max_request_bytes
    r = client.post("/webhook", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    assert r.json()["responses"][0]["text"]          # the start-over reply, in Swedish
    big_chat = client.post("/api/chat", content=json.dumps({"message": "x" * len(body), "lang": "fi"}),
                           headers={"Content-Type": "application/json"})
    assert big_chat.status_code == 413


def test_action_calls_need_the_action_token(client, monkeypatch):
    """With the setting action_token (always set by `make run`), /webhook runs only the calls
    that carry it: Rasa's (bot/endpoints.yml). Real Rasa sending it: tests/system/test_e2e.py."""
    call = start_over_call("token-test")
    monkeypatch.setattr(client.app.state.settings, "action_token", "s3cret-action-token")
    for headers in ({}, {"X-Mukaan-Action-Token": "wrong"}, {"X-Mukaan-Action-Token": ""}):
        r = client.post("/webhook", json=call, headers=headers)
        assert r.status_code == 403 and "action token" in r.json()["error"]
    r = client.post("/webhook", json=call, headers={"X-Mukaan-Action-Token": "s3cret-action-token"})
    assert r.status_code == 200 and r.json()["responses"]
