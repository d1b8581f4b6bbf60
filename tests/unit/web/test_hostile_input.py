"""Hostile input on every endpoint of the real app (in-process, real catalogue, staff token set,
no Rasa: chat falls back to a direct search). Every route the app has is listed from
``app.routes``; a route without hostile cases here fails the coverage test, so a new route
cannot slip in untested.

Classes tried: empty and whitespace-only text; 100 kB bodies (413 above MUKAAN_MAX_REQUEST_BYTES,
also when sent in chunks without a length); messages over MUKAAN_MAX_MESSAGE_CHARS (a polite
reply); invalid UTF-8 bytes; lone surrogates; control characters and ANSI escapes; emoji;
right-to-left (Arabic) text; HTML/JavaScript (reflected only as JSON, never as a page); SQL
metacharacters; malformed JSON, wrong JSON types, deep nesting and wrong content types (422 or
400 with a clear message, no stack trace, the input not echoed); out-of-range and unknown
parameters; hostile path segments. The answer is never a 5xx."""
from __future__ import annotations

import json
import time
from urllib.parse import quote

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from mukaan.settings import get_settings
from mukaan.texts import say
from tests.conftest import settings_with
from web.main import create_app
from web.rasa_client import RasaClient
from web.security import body_limit

TOKEN = "hostile-input-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ACTIVITY = "espoo-omaishoitajien-iltapiiri"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE activities; -- \" OR 1=1 /*"
ARABIC = "أبحث عن مجموعة دعم للأمهات في هلسنكي"
EMOJI = "😀🙏🏽 🏳️‍🌈 👨‍👩‍👧‍👦"
CONTROL = "\x00\x01\x07\x1b[31mhei\x1b[0m\u202e\u200b\ufeff"
HOSTILE_TEXT = ["", "   \t\n  ", CONTROL, EMOJI, ARABIC, XSS, SQL, "%s%n{0}${jndi:x}", "\\", "../../etc/passwd",
                "ä" * 499, "x" * 5000]
HOSTILE_NUMBERS = ["-1", "0", "99999999999999999999999", "1e309", "NaN", "abc", ""]

# Every route of the app. Changing this set means writing hostile cases for the new route.
ROUTES = {
    ("GET", "/health"), ("POST", "/api/chat"), ("GET", "/api/activities/search"), ("POST", "/webhook"),
    ("GET", "/api/staff/status"), ("GET", "/api/staff/options"), ("GET", "/api/staff/activities"),
    ("POST", "/api/staff/referral.pdf"), ("GET", "/staff"), ("GET", "/kiosk"), ("GET", "/api/kiosk/config"),
    ("GET", "/api/qr/{activity_id}.svg"), ("GET", "/staff/needs"), ("GET", "/api/staff/needs"),
    ("GET", "/api/staff/needs.csv"), ("GET", "/api/staff/expired"), ("GET", "/openapi.json"), ("GET", "/docs"),
    ("GET", "/docs/oauth2-redirect"),
    ("GET", "/redoc"), ("GET", "/api/privacy"), ("GET", "/privacy"), ("MOUNT", "/"),
    ("GET", "/hsds/"), ("GET", "/hsds/profile"), ("GET", "/hsds/services"), ("GET", "/hsds/services/{service_id}"),
    ("GET", "/hsds/organizations"), ("GET", "/hsds/organizations/{organization_id}"), ("GET", "/hsds/taxonomies"),
    ("GET", "/hsds/taxonomies/{taxonomy_id}"), ("GET", "/hsds/taxonomy_terms"),
    ("GET", "/hsds/taxonomy_terms/{term_id}"),
    ("GET", "/hsds/service_at_locations"), ("GET", "/hsds/service_at_locations/{link_id}"),
    # Associations keep their activities current (issue 17).
    ("GET", "/association"), ("GET", "/api/association/options"), ("GET", "/api/association/activities"),
    ("GET", "/api/association/activities/{activity_id}"), ("POST", "/api/association/preview"),
    ("POST", "/api/association/activities/{activity_id}"), ("POST", "/api/association/activities"),
    ("POST", "/api/association/activities/{activity_id}/confirm"), ("GET", "/staff/review"),
    ("GET", "/api/staff/review"), ("POST", "/api/staff/review/{change_id}/approve"),
    ("POST", "/api/staff/review/{change_id}/return"), ("GET", "/api/staff/links"), ("POST", "/api/staff/links"),
    ("POST", "/api/staff/links/{org}/revoke"), ("GET", "/api/staff/freshness"), ("GET", "/api/staff/reports"),
    ("POST", "/api/staff/reports/{report_id}/handled"), ("GET", "/api/staff/audit"), ("POST", "/api/reports"),
    # Access requests (issue 17, part 1).
    ("GET", "/access"), ("GET", "/api/access/organisations"), ("POST", "/api/access-requests"),
    ("GET", "/api/staff/access-requests"), ("POST", "/api/staff/access-requests/{request_id}/approve"),
    ("POST", "/api/staff/access-requests/{request_id}/decline"), ("GET", "/api/staff/contacts"),
    ("POST", "/api/staff/links/mail"),
}
HSDS_ONE = sorted(p.split("{")[0] for m, p in ROUTES if p.startswith("/hsds/") and "{" in p)


def flat_routes(routes):
    """The app's routes, with included routers opened up."""
    for r in routes:
        if hasattr(r, "original_router"):
            yield from flat_routes(r.original_router.routes)
        else:
            yield r


def route_keys(app) -> set[tuple[str, str]]:
    keys = set()
    for r in flat_routes(app.routes):
        if isinstance(r, Mount):
            keys.add(("MOUNT", r.path or "/"))
        elif isinstance(r, (APIRoute, Route)):
            keys.update((m, r.path) for m in r.methods or () if m != "HEAD")
    return keys


@pytest.fixture(scope="module")
def app_client(tmp_path_factory):
    app = create_app(settings_with({
        "MUKAAN_STAFF_TOKEN": TOKEN, "MUKAAN_RATE_LIMIT_PER_MINUTE": "0", "MUKAAN_REPORT_RATE_PER_HOUR": "0",
        "MUKAAN_ACCESS_REQUEST_RATE_PER_HOUR": "0",
        "MUKAAN_EDITORIAL_DATABASE": str(tmp_path_factory.mktemp("editorial") / "editorial.sqlite3")}))
    with TestClient(app, raise_server_exceptions=False) as client:
        app.state.rasa = RasaClient("http://127.0.0.1:9078", 2)  # nothing listens
        deadline = time.time() + 180
        while app.state.catalogue_status["state"] == "loading" and time.time() < deadline:
            time.sleep(0.3)
        assert app.state.catalogue_status["state"] == "ok"
        yield app, client


@pytest.fixture(scope="module")
def client(app_client):
    return app_client[1]


def assert_sane(r, *, allow=(200, 400, 401, 403, 404, 405, 413, 422, 449)) -> None:
    """Not a 5xx, no stack trace, the security headers on, and an error says what was wrong.
    (449 is rasa_sdk's "send the call again with the domain".)"""
    assert r.status_code < 500, f"{r.request.method} {r.request.url} → {r.status_code}: {r.text[:300]}"
    assert r.status_code in allow, f"{r.request.method} {r.request.url} → {r.status_code}: {r.text[:300]}"
    assert "Traceback" not in r.text and 'File "/' not in r.text
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "script-src 'self'" in r.headers["content-security-policy"]
    if r.status_code >= 400 and r.request.method != "HEAD":
        assert r.headers["content-type"].startswith("application/json"), r.headers["content-type"]
        body = r.json()
        message = body.get("detail") or body.get("error")
        assert message, body


# ---------------------------------------------------------------------------------------------
# Every route


def test_every_route_has_hostile_cases(app_client):
    app, _ = app_client
    assert route_keys(app) == ROUTES


def _query_params(app, path: str) -> list[str]:
    operation = app.openapi()["paths"].get(path, {}).get("get", {})
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"] + ["unknown"]


GET_PATHS = sorted(p for m, p in ROUTES if m == "GET" and "{" not in p) + ["/", "/index.html", "/widget.js"]


@pytest.mark.parametrize("path", GET_PATHS)
def test_get_routes_take_hostile_query_strings(app_client, path):
    app, client = app_client
    for name in _query_params(app, path):
        for value in HOSTILE_TEXT + HOSTILE_NUMBERS:
            assert_sane(client.get(path, params={name: value}, headers=AUTH))
        # Raw bytes that are not UTF-8, repeated parameters, a name with odd characters.
        assert_sane(client.get(f"{path}?{name}=%ff%fe%00&{name}=%C3%28&{name}=1", headers=AUTH))
    assert_sane(client.get(f"{path}?%ff%fe=1&%3Cscript%3E=%3C/script%3E", headers=AUTH))


@pytest.mark.parametrize("segment", HOSTILE_TEXT[2:-1] + ["%ff%fe", "..%2F..%2Fetc%2Fpasswd", "%00", ACTIVITY * 40])
def test_qr_route_takes_hostile_ids(client, segment):
    r = client.get(f"/api/qr/{quote(segment, safe='%')}.svg")
    assert_sane(r, allow=(404,))


@pytest.mark.parametrize("segment", HOSTILE_TEXT[2:-1] + ["%ff%fe", "..%2F..%2Fetc%2Fpasswd", "%00", ACTIVITY * 40])
def test_hsds_routes_take_hostile_ids(client, segment):
    for prefix in HSDS_ONE:
        assert_sane(client.get(f"{prefix}{quote(segment, safe='%')}"), allow=(404,))


def test_unknown_paths_are_plain_404s(client):
    for path in ("/%3Cscript%3Ealert(1)%3C/script%3E", "/api/nope", "/..%2f..%2fetc/passwd", "/api/chat/%ff"):
        r = client.get(path)
        assert_sane(r, allow=(404, 405))
        assert "<script>" not in r.text


BODY_ROUTES = [("/api/chat", {"message": "hei", "lang": "fi"}),
               ("/api/staff/referral.pdf", {"ids": [ACTIVITY], "lang": "fi"}),
               ("/webhook", {"next_action": "action_search", "tracker": {"sender_id": "x"}}),
               ("/api/reports", {"activity_id": ACTIVITY, "reason": "other", "note": "hei"}),
               ("/api/staff/links", {"org": "x"}), ("/api/association/preview", {"edit": {}, "lang": "fi"}),
               ("/api/access-requests",
                {"org": "", "org_name": "Yhdistys ry", "email": "a@example.org", "message": "hei"}),
               ("/api/staff/access-requests/1/decline", {"reason": "x"}), ("/api/staff/links/mail", {"org": "x"})]


@pytest.mark.parametrize("path,good", BODY_ROUTES)
def test_post_routes_take_hostile_bodies(client, path, good):
    # Rasa's action calls carry the whole conversation: /webhook has its own, larger limit.
    limit = body_limit(get_settings(), path)
    json_header = {"Content-Type": "application/json", **AUTH}
    raw_bodies = [b"", b"{", b'{"message": "hei"', b"\xff\xfe\xfd", b'{"message": "\xff\xfe"}', b"null", b"[]",
                  b"5", b'"text"', b"{" * 3000 + b"}" * 3000, b'{"message": ' + b"[" * 5000 + b"]" * 5000 + b"}",
                  b'{"message": "\\ud800\\udfff\\ud800"}', b'{"ids": ["\\ud800"]}',
                  json.dumps({**good, "extra": XSS}).encode()]
    for body in raw_bodies:
        assert_sane(client.post(path, content=body, headers=json_header))
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                         "application/json; charset=latin-1"):
        headers = {"Content-Type": content_type, **AUTH}
        assert_sane(client.post(path, content=json.dumps(good).encode(), headers=headers))
    # Every field with every hostile text and wrong types.
    for field in good:
        for value in HOSTILE_TEXT + [None, 5, 1.5, True, [], {}, [XSS], {"$ne": 1}, ["x"] * 100]:
            assert_sane(client.post(path, json={**good, field: value}, headers=AUTH))
    # Over the limit (100 kB for the public routes): refused as too large, with the limit in the
    # message; also when sent in chunks.
    big = json.dumps({**good, "message": "a" * max(100_000, limit + 1000)}).encode()
    r = client.post(path, content=big, headers=json_header)
    assert_sane(r, allow=(413,))
    assert str(limit) in r.json()["detail"]
    r = client.post(path, content=iter([big[i:i + 4096] for i in range(0, len(big), 4096)]), headers=json_header)
    assert_sane(r, allow=(413,))


# ---------------------------------------------------------------------------------------------
# What each hostile message gets from the chat


def chat(client, message, lang="fi", **extra):
    r = client.post("/api/chat", json={"message": message, "lang": lang, **extra})
    assert_sane(r, allow=(200,))
    return r.json()


@pytest.mark.parametrize("message", ["", " ", "   \t\n  ", "\u200b\u200b", "\x00\x01\x07\x1b\u202e\ufeff"])
def test_empty_or_invisible_messages_get_a_polite_prompt(client, message):
    body = chat(client, message, "sv")
    assert body["messages"] == [{"text": say("empty_message", "sv"), "kind": "notice", "lang": "sv"}]


def test_control_characters_are_dropped_and_the_rest_is_read(client):
    body = chat(client, "\x00\x1b[31mOlen eläkkeellä ja kaipaan seuraa Espoossa\x1b[0m\x07")
    assert body["messages"][-1].get("activities"), body


def test_long_messages_get_a_polite_reply(client):
    limit = get_settings().max_message_chars
    body = chat(client, "kaipaan seuraa " * (limit // 15 + 1))
    assert body["messages"] == [{"text": say("too_long", "fi"), "kind": "notice", "lang": "fi"}]
    near = ("Olen eläkkeellä ja kaipaan seuraa. " * 60)[: limit - 1]
    assert chat(client, near)["messages"][0]["text"] != say("too_long", "fi")


@pytest.mark.parametrize("message", [EMOJI, ARABIC, "مرحبا 👋 hei", XSS, SQL, "/restart", "/" + "x" * 100,
                                     "\U0010ffff\U000e0001", "ＦＵＬＬＷＩＤＴＨ ｈｅｉ"])
def test_odd_messages_get_an_answer(client, message):
    body = chat(client, message, "en")
    assert body["messages"] and body["lang"] in ("fi", "sv", "en")
    assert all(m.get("text") or m.get("activities") for m in body["messages"])


def test_html_in_a_message_is_not_reflected_as_markup(client):
    r = client.post("/api/chat", json={"message": f"hei {XSS}", "lang": "fi"})
    assert r.headers["content-type"].startswith("application/json")
    assert "<script>" not in r.text and "onerror=" not in r.text


def test_bad_session_ids_are_refused_clearly(client):
    for session in ("../../etc", "a" * 65, "x y", "<script>", "\u00e4", "", "a/b"):
        r = client.post("/api/chat", json={"session": session, "message": "hei", "lang": "fi"})
        assert_sane(r, allow=(422,))
        assert r.json()["detail"][0]["loc"] == ["body", "session"]
        assert "input" not in r.json()["detail"][0]                  # what was sent is not echoed


def test_validation_errors_say_what_and_where_without_echoing(client):
    r = client.post("/api/chat", content=b'{"message": ', headers={"Content-Type": "application/json"})
    assert_sane(r, allow=(422,))
    assert r.json()["detail"][0]["msg"] == "JSON decode error"
    r = client.post("/api/chat", json={"message": ["secret text"], "lang": "xx"})
    assert_sane(r, allow=(422,))
    assert {tuple(d["loc"]) for d in r.json()["detail"]} == {("body", "message"), ("body", "lang")}
    assert "secret text" not in r.text
    r = client.post("/api/chat", content=b'{"message": "\xff"}', headers={"Content-Type": "application/json"})
    assert_sane(r, allow=(400, 422))


# ---------------------------------------------------------------------------------------------
# Search, staff, webhook


def test_sql_metacharacters_are_only_text(client):
    before = len(client.app.state.services.searcher)
    for params in ({"q": SQL}, {"q": "x", "municipality": SQL}, {"q": "x", "language": "';"},
                   {"q": "x", "kind": SQL}, {"q": "x", "audience": SQL}):
        assert_sane(client.get("/api/activities/search", params=params))
    r = client.get("/api/activities/search", params={"q": "omaishoitajien vertaistuki"})
    assert r.status_code == 200 and r.json()["results"]
    assert len(client.app.state.services.searcher) == before


@pytest.mark.parametrize("params,where", [
    ({"limit": 0}, "limit"), ({"limit": -5}, "limit"), ({"limit": 51}, "limit"), ({"limit": 10**30}, "limit"),
    ({"limit": "1e3"}, "limit"), ({"lang": "de"}, "lang"), ({"lang": ""}, "lang"), ({"mode": "sql"}, "mode"),
    ({"free": "maybe"}, "free"), ({"q": "x" * 501}, "q"), ({"municipality": "m" * 81}, "municipality"),
    ({"language": "fin"}, "language"),
])
def test_search_out_of_range_parameters_are_422_naming_the_parameter(client, params, where):
    r = client.get("/api/activities/search", params=params)
    assert_sane(r, allow=(422,))
    assert r.json()["detail"][0]["loc"] == ["query", where]


@pytest.mark.parametrize("params", [{"municipality": XSS}, {"kind": XSS}, {"topic": "x", "accessibility": XSS}])
def test_unknown_values_are_named_in_a_json_message(client, params):
    r = client.get("/api/activities/search", params={"q": "x", **params})
    assert_sane(r, allow=(422,))
    assert r.json()["detail"].startswith("Unknown")


@pytest.mark.parametrize("today", [*HOSTILE_TEXT, *HOSTILE_NUMBERS, "2026-02-30", "9999-12-31", "0001-01-01"])
def test_dates_and_places_given_as_parameters(client, today):
    """The "as of" date of the search and of the expired report, and the kiosk's town."""
    assert_sane(client.get("/api/staff/expired", params={"today": today, "lang": "sv"}, headers=AUTH),
                allow=(200, 422))
    assert_sane(client.get("/api/activities/search", params={"q": "seuraa", "today": today}), allow=(200, 422))
    r = client.get("/api/kiosk/config", params={"municipality": today})
    assert_sane(r, allow=(200, 422))
    if r.status_code == 200:
        assert r.json()["municipality"] is None


def test_staff_routes_check_the_token_before_the_input(client):
    for headers in ({}, {"Authorization": f"Bearer {XSS}"}, {"Authorization": "Basic " + "x" * 5000}):
        assert_sane(client.get("/api/staff/options", params={"lang": XSS}, headers=headers), allow=(401,))
        assert_sane(client.post("/api/staff/referral.pdf", content=b"\xff", headers=headers), allow=(401,))
        assert_sane(client.get("/api/staff/needs.csv", headers=headers), allow=(401,))
        assert_sane(client.get("/api/staff/expired", params={"today": XSS}, headers=headers), allow=(401,))


@pytest.mark.parametrize("ids,status", [([], 422), ([ACTIVITY] * 21, 422), ([XSS], 404), ([SQL], 404),
                                        ([""], 404), ([ACTIVITY, "x" * 5000], 404), ([ACTIVITY], 200)])
def test_referral_pdf_ids(client, ids, status):
    r = client.post("/api/staff/referral.pdf", json={"ids": ids, "lang": "sv"}, headers=AUTH)
    assert_sane(r, allow=(status,))
    if status == 200:
        assert r.content.startswith(b"%PDF")


def test_a_referral_with_hostile_activity_text_still_makes_a_pdf(client):
    """Catalogue text with emoji, right-to-left script, control characters and markup."""
    from mukaan.catalogue.present import card
    from web.slip import render_pdf
    base = client.app.state.services.searcher.get(ACTIVITY)
    evil = f"{XSS} {EMOJI} {ARABIC} {CONTROL} 𝕏"
    activity = base.model_validate({**base.model_dump(), "name": {"fi": evil}, "how_to_join": {"fi": evil}})
    c = card(activity, "fi") | {"language_names": ["suomi"], "accessibility_labels": []}
    assert render_pdf([c], "fi").startswith(b"%PDF")


@pytest.mark.parametrize("call", [[], "text", 5, {"next_action": 5, "tracker": {}},
                                  {"next_action": "action_search", "tracker": 5},
                                  {"next_action": "action_search", "tracker": {}},
                                  {"next_action": "action_search", "tracker": {"sender_id": "x"}, "domain": []},
                                  {"next_action": "action_nope", "tracker": {"sender_id": "x"}, "domain": {}},
                                  {"next_action": "action_search", "tracker": {"sender_id": "x"}}])
def test_webhook_refuses_what_is_not_an_action_call(client, call):
    r = client.post("/webhook", json=call)
    assert r.status_code in (400, 404, 449), (r.status_code, r.text)
    assert "error" in r.json() and "Traceback" not in r.text
