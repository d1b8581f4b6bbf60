"""Associations keep their activities current (issue 17), through the web app's API on SQLite
and on PostgreSQL: edit links and who may use them, edits and staff review (live within
seconds, only that activity embedded again), the audit log, freshness with time travelled by
the setting ``today``, and residents' error reports."""
from __future__ import annotations

import datetime as dt
import time

import pytest

from mukaan.catalogue.editing import owner

STAFF = "staff-token-for-association-tests"
ORG = "tikkurilan-omaishoitajat-ry-demo"          # six activities in Vantaa (demo data)
OTHER = "mielen-tuki-espoo-ry-demo"


def services(client):
    """The services of the app under test (searcher, editorial store)."""
    return client.app.state.services


@pytest.fixture
def app(app_on_copy):
    """The web app on a writable copy of the bundled catalogue (SQLite and PostgreSQL), with its
    editorial tables (tests/unit/web/conftest.py)."""
    with app_on_copy({"MUKAAN_STAFF_TOKEN": STAFF, "MUKAAN_RATE_LIMIT_PER_MINUTE": "0",
                      "MUKAAN_REPORT_RATE_PER_HOUR": "5"}) as client:
        yield client


def staff(client) -> dict:
    return {"Authorization": f"Bearer {STAFF}"}


def link(client, org: str = ORG) -> dict:
    """An edit link for ``org`` from the staff API; the Authorization header its token gives."""
    body = client.post("/api/staff/links", json={"org": org}, headers=staff(client)).json()
    assert body["link"].startswith("http://testserver/association#")
    return {"Authorization": f"Bearer {body['link'].split('#', 1)[1]}"}


def own_ids(client, auth) -> list[str]:
    response = client.get("/api/association/activities", headers=auth)
    assert response.status_code == 200, response.text
    return [a["id"] for a in response.json()["activities"]]


def test_an_association_sees_and_changes_only_its_own_activities(app):
    auth, other = link(app), link(app, OTHER)
    mine = own_ids(app, auth)
    assert len(mine) == 6
    assert all(owner(services(app).searcher.get(i)) == ORG for i in mine)
    theirs = own_ids(app, other)[0]
    form = app.get(f"/api/association/activities/{mine[0]}", headers=auth).json()["form"]
    # Another organisation's activity is as unknown as a made-up id: read, edit, confirm.
    for activity_id in (theirs, "no-such-activity"):
        assert app.get(f"/api/association/activities/{activity_id}", headers=auth).status_code == 404
        assert app.post(f"/api/association/activities/{activity_id}", headers=auth,
                        json={"edit": form}).status_code == 404
        assert app.post(f"/api/association/activities/{activity_id}/confirm", headers=auth).status_code == 404
    assert services(app).searcher.get(theirs).confirmed is None


def test_wrong_expired_and_revoked_links_are_refused(app):
    auth = link(app)
    assert own_ids(app, auth)
    for bad in ("Bearer nonsense", "Bearer ", "Basic abc", STAFF, f"Bearer {STAFF}", "Bearer " + "x" * 500):
        assert app.get("/api/association/activities", headers={"Authorization": bad}).status_code == 401
    assert app.get("/api/association/activities").status_code == 401
    # Expired: the stored expiry is in the past.
    services(app).editorial.db.run("UPDATE editorial_links SET expires = :past WHERE org = :org",
                           past="2000-01-01T00:00:00+00:00", org=ORG)
    assert app.get("/api/association/activities", headers=auth).status_code == 401
    # A new link replaces the old one; revoking it ends it.
    fresh = link(app)
    assert app.get("/api/association/activities", headers=auth).status_code == 401
    assert own_ids(app, fresh)
    assert app.post(f"/api/staff/links/{ORG}/revoke", headers=staff(app)).json()["revoked"] is True
    assert app.get("/api/association/activities", headers=fresh).status_code == 401
    # Staff routes refuse edit links, and the association routes refuse the staff token.
    assert app.get("/api/staff/review", headers=fresh).status_code == 401
    issued = {o["org"]: o["link"] for o in app.get("/api/staff/links", headers=staff(app)).json()["organisations"]}
    assert issued[ORG]["revoked"] and "token_hash" not in issued[ORG]


def test_cross_site_requests_are_refused(app):
    auth = link(app)
    activity_id = own_ids(app, auth)[0]
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}):
        response = app.post(f"/api/association/activities/{activity_id}/confirm", headers=auth | headers)
        assert response.status_code == 403, headers
        assert app.post("/api/staff/links", json={"org": ORG}, headers=staff(app) | headers).status_code == 403
        assert app.post("/api/reports", json={"activity_id": activity_id, "reason": "ended"},
                        headers=headers).status_code == 403


def test_fields_are_checked_one_by_one(app):
    auth = link(app)
    activity_id = own_ids(app, auth)[0]
    form = app.get(f"/api/association/activities/{activity_id}", headers=auth).json()["form"]
    form |= {"name": {"fi": "", "sv": "", "en": ""}, "url": "javascript:alert(1)", "email": "nobody",
             "municipality": "Atlantis", "topics": []}
    form["description"]["fi"] = "x" * 2001
    response = app.post(f"/api/association/activities/{activity_id}", headers=auth, json={"edit": form})
    assert response.status_code == 422
    assert response.json()["errors"] == {"name": "required", "description.fi": "too_long", "url": "url",
                                         "email": "email", "municipality": "municipality", "topics": "choose"}
    assert app.get("/api/staff/review", headers=staff(app)).json()["changes"] == []
    # Not a form at all: a clear 422, nothing stored.
    assert app.post(f"/api/association/activities/{activity_id}", headers=auth,
                    json={"edit": {"kind": ["x"]}}).status_code == 422


def test_an_approved_edit_is_searchable_within_seconds(app, capsys):
    auth = link(app)
    activity_id = own_ids(app, auth)[0]
    form = app.get(f"/api/association/activities/{activity_id}", headers=auth).json()["form"]
    new_name = "Kirjoittajapiiri omaishoitajille Tikkurilassa"
    form["name"]["fi"] = new_name
    form["description"]["fi"] += " Kirjoitamme yhdessä runoja ja muistelmia."
    preview = app.post(f"/api/association/preview?id={activity_id}", headers=auth, json={"edit": form, "lang": "fi"})
    assert preview.json()["card"]["name"] == new_name
    assert services(app).searcher.get(activity_id).name.fi != new_name          # a preview stores nothing
    sent = app.post(f"/api/association/activities/{activity_id}", headers=auth, json={"edit": form}).json()
    assert sent["status"] == "pending"
    before = app.get("/api/activities/search", params={"q": "kirjoittajapiiri runoja omaishoitajille",
                                                       "municipality": "Vantaa"}).json()["results"]
    assert all(r["name"] != new_name for r in before)                 # not live before review
    [change] = app.get("/api/staff/review", headers=staff(app)).json()["changes"]
    assert change["activity_id"] == activity_id and change["before"]["name"] != new_name
    assert {"field": "name.fi", "before": change["before"]["name"], "after": new_name} in change["differences"]

    started = time.perf_counter()
    approved = app.post(f"/api/staff/review/{sent['change']}/approve", headers=staff(app)).json()
    results = app.get("/api/activities/search", params={"q": "kirjoittajapiiri runoja omaishoitajille",
                                                        "municipality": "Vantaa"}).json()["results"]
    searchable = time.perf_counter() - started
    assert results[0]["id"] == activity_id and results[0]["name"] == new_name
    assert searchable < 5
    with capsys.disabled():
        print(f"\n[live update] publish {approved['live_seconds']:.3f} s; approval to searchable {searchable:.3f} s")
    mine = {a["id"]: a for a in app.get("/api/association/activities", headers=auth).json()["activities"]}
    assert mine[activity_id]["change"]["status"] == "approved"
    log = app.get("/api/staff/audit", headers=staff(app)).json()["entries"]
    assert [(e["who"], e["action"]) for e in log[:3]] == [
        ("staff", "change approved"), (ORG, "change proposed"), ("staff", "link issued")]
    assert app.post(f"/api/staff/review/{sent['change']}/approve", headers=staff(app)).status_code == 404


def test_staff_send_a_change_back_with_a_reason_and_new_activities_wait_for_review(app):
    auth = link(app)
    form = app.get(f"/api/association/activities/{own_ids(app, auth)[0]}", headers=auth).json()["form"]
    form["name"] = {"fi": "Uusi kävelyryhmä omaishoitajille", "sv": "", "en": "Walks for carers"}
    new = app.post("/api/association/activities", headers=auth, json={"edit": form}).json()
    assert services(app).searcher.get(new["id"]) is None
    assert app.post(f"/api/staff/review/{new['change']}/return", headers=staff(app),
                    json={"reason": " "}).status_code == 422
    reason = "Lisää aika: milloin ryhmä kokoontuu? Soita 040 123 4567."
    assert app.post(f"/api/staff/review/{new['change']}/return", headers=staff(app),
                    json={"reason": reason}).status_code == 200
    listed = {a["id"]: a for a in app.get("/api/association/activities", headers=auth).json()["activities"]}
    assert listed[new["id"]]["status"] == "new"
    assert listed[new["id"]]["change"]["status"] == "returned"
    assert listed[new["id"]]["change"]["reason"].startswith("Lisää aika: milloin ryhmä kokoontuu?")
    assert "040 123 4567" not in listed[new["id"]]["change"]["reason"]          # scrubbed


def test_paused_is_hidden_and_unconfirmed_activities_disappear_after_the_set_time(app, monkeypatch):
    auth = link(app)
    ids = own_ids(app, auth)
    oldest = min((services(app).searcher.get(i) for i in ids), key=lambda a: a.checked)
    query = {"q": oldest.name.fi, "municipality": "Vantaa", "limit": 50}
    assert oldest.id in [r["id"] for r in app.get("/api/activities/search", params=query).json()["results"]]
    # Time travel by the setting: a day past twelve months after it was last checked.
    travel = oldest.checked.replace(year=oldest.checked.year + 1) + dt.timedelta(days=1)
    monkeypatch.setattr(app.app.state.settings, "today", travel)
    found = [r["id"] for r in app.get("/api/activities/search", params=query).json()["results"]]
    assert oldest.id not in found
    fresh, rows = stale(app)
    row = next(r for r in rows if r["id"] == oldest.id)
    assert row["hidden"] is True and row["org"] == ORG and fresh["today"] == travel.isoformat()
    # "Still current": back for residents at once, checked "today".
    confirmed = app.post(f"/api/association/activities/{oldest.id}/confirm", headers=auth).json()
    assert confirmed["checked"] == travel.isoformat()
    found = app.get("/api/activities/search", params=query).json()["results"]
    assert oldest.id in [r["id"] for r in found]
    assert next(r for r in found if r["id"] == oldest.id)["checked"] == travel.isoformat()
    hsds = app.get(f"/hsds/services/{_hsds_id(app, oldest.id)}").json()
    assert hsds["assured_date"] == travel.isoformat()
    # Paused: hidden from residents, still the association's.
    form = app.get(f"/api/association/activities/{oldest.id}", headers=auth).json()["form"] | {"status": "paused"}
    change = app.post(f"/api/association/activities/{oldest.id}", headers=auth, json={"edit": form}).json()["change"]
    app.post(f"/api/staff/review/{change}/approve", headers=staff(app))
    assert oldest.id not in [r["id"] for r in app.get("/api/activities/search", params=query).json()["results"]]
    assert oldest.id in own_ids(app, auth)


def stale(client, limit: int = 50) -> tuple[dict, list[dict]]:
    """The first page of /api/staff/freshness and every row, page by page."""
    pages = [client.get("/api/staff/freshness", headers=staff(client), params={"limit": limit}).json()]
    while pages[-1]["offset"] + limit < pages[-1]["total"]:
        params = {"limit": limit, "offset": pages[-1]["offset"] + limit}
        pages.append(client.get("/api/staff/freshness", headers=staff(client), params=params).json())
    return pages[0], [row for page in pages for row in page["activities"]]


def test_the_freshness_list_comes_a_page_at_a_time(app, monkeypatch):
    monkeypatch.setattr(app.app.state.settings, "today", dt.date(2045, 1, 1))   # nothing checked since
    active = [a for a in services(app).searcher.snapshot().activities if a.status == "active"]
    first, rows = stale(app, limit=37)
    assert first["total"] == len(rows) == len(active) > 37 and first["limit"] == 37 and first["offset"] == 0
    assert len(first["activities"]) == 37 and first["hidden_total"] == len(rows)       # twelve months: all hidden
    assert len({r["id"] for r in rows}) == len(rows)                                   # no row twice
    assert [(r["checked"], r["id"]) for r in rows] == sorted((r["checked"], r["id"]) for r in rows)
    assert stale(app, limit=200)[1] == rows                                            # the same order in any page size
    default = app.get("/api/staff/freshness", headers=staff(app)).json()
    assert default["limit"] == 20 and default["activities"] == rows[:20]
    last = app.get("/api/staff/freshness", headers=staff(app), params={"offset": len(rows) - 3}).json()
    assert last["activities"] == rows[-3:] and last["total"] == len(rows)
    past = app.get("/api/staff/freshness", headers=staff(app), params={"offset": len(rows) + 5}).json()
    assert past["activities"] == [] and past["total"] == len(rows)
    for bad in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "x"}):
        assert app.get("/api/staff/freshness", headers=staff(app), params=bad).status_code == 422, bad
    assert app.get("/api/staff/freshness", params={"limit": 5}).status_code == 401
    monkeypatch.setattr(app.app.state.settings, "freshness_hide_months", 0)           # never hidden
    assert app.get("/api/staff/freshness", headers=staff(app)).json()["hidden_total"] == 0


def _hsds_id(client, activity_id: str) -> str:
    from mukaan.catalogue.formats.hsds_export import uid
    return uid("service", activity_id)


def test_error_reports_are_scrubbed_limited_and_reach_the_staff_queue(app):
    activity_id = own_ids(app, link(app))[0]
    note = "Numero 040 123 4567 ei vastaa, kokeilin myös matti@example.fi"
    sent = app.post("/api/reports", json={"activity_id": activity_id, "reason": "contact", "note": note})
    assert sent.status_code == 200
    assert app.post("/api/reports", json={"activity_id": "no-such", "reason": "contact"}).status_code == 404
    assert app.post("/api/reports", json={"activity_id": activity_id, "reason": "hack"}).status_code == 422
    assert app.post("/api/reports", json={"activity_id": activity_id, "reason": "other",
                                          "note": "x" * 301}).status_code == 422
    assert app.post("/api/reports", json={"activity_id": activity_id, "reason": "ended"}).status_code == 200
    assert app.post("/api/reports", json={"activity_id": activity_id, "reason": "ended"}).status_code == 429
    reports = app.get("/api/staff/reports", headers=staff(app)).json()["reports"]
    assert [r["reason"] for r in reports] == ["ended", "contact"]
    assert "040 123 4567" not in reports[1]["note"] and "matti@example.fi" not in reports[1]["note"]
    assert "ei vastaa" in reports[1]["note"] and reports[1]["activity"]["id"] == activity_id
    assert reports[1]["org"] == ORG
    assert "session" not in str(services(app).editorial.db.rows("SELECT * FROM editorial_reports")).lower()
    assert app.post(f"/api/staff/reports/{reports[1]['id']}/handled", headers=staff(app)).json()["handled"]
    assert len(app.get("/api/staff/reports", headers=staff(app)).json()["reports"]) == 1
