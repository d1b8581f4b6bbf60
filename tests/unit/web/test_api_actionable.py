"""Recommendations a resident can act on, through the HTTP API (in-process, real catalogue):
contacts and labels on every card, nothing out of date, and the staff console's hints
(did you mean, no good match, expired activities, unmet needs with labels). Dates are passed in."""
import datetime as dt
import re

import pytest

from tests.conftest import web_app
from web.rasa_client import to_messages

TOKEN = "staff-token-for-these-tests"
TODAY = "2026-12-04"


@pytest.fixture(scope="module")
def client():
    with web_app({"MUKAAN_STAFF_TOKEN": TOKEN, "MUKAAN_KIOSK_MUNICIPALITY": "Kotka"}) as c:
        yield c


STAFF = {"Authorization": f"Bearer {TOKEN}"}


def search(client, **params):
    r = client.get("/api/activities/search", params={"today": TODAY, **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_cards_carry_contacts_a_map_link_and_labels(client):
    results = search(client, q="omaishoitajan vertaistukiryhmä", municipality="Vantaa", lang="en")["results"]
    assert results
    for a in results:
        contact = a["organizer_contact"]
        assert contact["phone"] or contact["email"] or contact["url"]
        if a["address"]:
            assert a["map_url"].startswith("https://www.openstreetmap.org/search?query=")
            assert "Vantaa" in a["map_url"] or a["online"]
        assert all("_" not in label for label in a["accessibility_labels"])
        assert len(a["language_names"]) == len(a["languages"])
        assert "Finnish" in a["language_names"] or "fi" not in a["languages"]


def test_areas_written_in_finnish_are_named_in_the_readers_language(client):
    for lang, name in (("sv", "Hela Finland"), ("en", "All of Finland"), ("fi", "Koko Suomi")):
        results = search(client, q="verkkoryhmä", online="true", lang=lang, limit=20)["results"]
        places = {a["place"] for a in results}
        assert name in places, places
        assert lang == "fi" or "Koko Suomi" not in places


@pytest.mark.parametrize("q,municipality,activity,last", [
    ("yhdistysmessut", "Porvoo", "porvoo-foreningsmassan-2026", "2026-09-26"),
    ("muistisairaan läheisten keskusteluryhmä", "Porvoo", "porvoo-minnesvanner-narstaende", "2026-11-19"),
    ("rantojen siivoustalkoot", "Turku", "turku-ruissalo-rantatalkoot-2026", "2026-09-26"),
])
def test_activities_that_are_over_are_never_found(client, q, municipality, activity, last):
    before = dt.date.fromisoformat(last) - dt.timedelta(days=1)
    results = search(client, q=q, municipality=municipality, limit=50, today=before.isoformat())["results"]
    found = [a["id"] for a in results]
    assert activity in found, "the day before its last date it is on"
    found = [a["id"] for a in search(client, q=q, municipality=municipality, limit=50)["results"]]
    assert activity not in found, f"on {TODAY} it is over"


def test_staff_see_which_activities_are_over(client):
    rows = client.get("/api/staff/expired", params={"today": TODAY, "lang": "sv"}, headers=STAFF).json()["rows"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["porvoo-foreningsmassan-2026"]["last_date"] == "2026-09-26"
    assert by_id["porvoo-foreningsmassan-2026"]["municipality"] == "Borgå"
    assert "tuusula-jouluaatto-yhdessa-2026" not in by_id        # on 24.12.2026: still to come
    assert [r["last_date"] for r in rows] == sorted((r["last_date"] for r in rows), reverse=True)
    early = client.get("/api/staff/expired", params={"today": "2026-06-01"}, headers=STAFF).json()["rows"]
    assert "porvoo-foreningsmassan-2026" not in {r["id"] for r in early}
    assert client.get("/api/staff/expired").status_code == 401


@pytest.mark.parametrize("typed,lang,suggestion", [("Vantta", "fi", "Vantaa"), ("Esbå", "sv", "Esbo"),
                                                   ("Helsinky", "en", "Helsinki")])
def test_a_misspelt_municipality_gets_a_suggestion(client, typed, lang, suggestion):
    r = client.get("/api/activities/search", params={"q": "seuraa", "municipality": typed, "lang": lang})
    assert r.status_code == 422
    assert r.json() == {"detail": f"Unknown municipality: {typed}", "did_you_mean": suggestion}
    unknown = client.get("/api/activities/search", params={"q": "x", "municipality": "Atlantis"}).json()
    assert unknown["did_you_mean"] is None


def test_a_search_with_no_good_match_says_so(client):
    poor = search(client, q="sukellusseura", municipality="Nivala", topic="lgbtq", kind="event")
    assert poor["good_match"] is False
    good = search(client, q="omaishoitajan vertaistukiryhmä", municipality="Vantaa")
    assert good["good_match"] is True and good["results"]


def test_unmet_needs_have_labels_in_the_staff_language(client):
    needs_log = client.app.state.services.needs
    needs_log.record(kind="club", topics=["nature", "substance_use"], municipality=None, lang="sv")
    body = client.get("/api/staff/needs", params={"lang": "sv"}, headers=STAFF).json()
    row = next(r for r in body["rows"] if r["topic"] == "nature" and r["lang"] == "sv")
    assert row["topic_label"] == "Natur" and row["municipality_label"] == "inte angivet"
    assert row["lang_label"] == "Svenska"
    for r in body["rows"]:
        for key in ("kind_label", "topic_label", "municipality_label", "lang_label"):
            assert r[key] != "-" and not re.fullmatch(r"[a-z]+_[a-z_]+", r[key]), r
    labels = {t["label"] for t in body["by_topic"]}
    assert "Natur" in labels and "nature" not in labels
    assert sum(t["count"] for t in body["by_topic"]) == sum(r["count"] for r in body["rows"])


def test_kiosk_offers_its_own_municipality(client):
    assert client.get("/api/kiosk/config").json()["municipality"] == {"fi": "Kotka", "sv": "Kotka"}
    town = client.get("/api/kiosk/config", params={"municipality": "raasepori"}).json()["municipality"]
    assert town == {"fi": "Raasepori", "sv": "Raseborg"}
    assert client.get("/api/kiosk/config", params={"municipality": "Atlantis"}).json()["municipality"] is None


def test_the_municipality_question_is_marked_for_the_kiosk():
    rasa = [{"text": "Otan osaa suruusi."},
            {"text": "Missä kunnassa asut?", "buttons": [{"title": "Ei väliä", "payload": "/dont_care"}]},
            {"custom": {"ask": "municipality"}}]
    messages, _ = to_messages(rasa)
    assert [m.get("ask") for m in messages] == [None, "municipality"]
