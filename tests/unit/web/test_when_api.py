"""GET /api/activities/search?when=…: the time window, its errors, and the next time on cards."""


import pytest


def search(client, **params):
    return client.get("/api/activities/search", params={"limit": 50, "today": "2026-12-09", **params})


@pytest.mark.parametrize("bad", ["someday", "2026-12-31..2026-12-01", "2026-02-30", "x" * 31])
def test_a_bad_when_is_422_with_a_message(client, bad):
    r = search(client, when=bad)
    assert r.status_code == 422
    assert "when" in str(r.json()["detail"])


def test_this_weekend_finds_the_weekends_events_first(client):
    r = search(client, q="tekemistä ja seuraa", municipality="Espoo", when="this_weekend")
    assert r.status_code == 200
    cards = r.json()["results"]
    dated = [c for c in cards if c["next_date"]]
    assert {"espoo-joulupuuro-tapiola-2026", "espoo-lautapelipaiva-leppavaara-2026"} <= {c["id"] for c in dated}
    assert all(c["next_date"] in ("2026-12-12", "2026-12-13") for c in dated)
    game = next(c for c in cards if c["id"] == "espoo-lautapelipaiva-leppavaara-2026")
    assert game["next_time"] == "su 13.12. klo 13"
    # The Christmas Eve chat (24.12.) is not this weekend; without when it is found.
    assert "online-jouluaaton-juttutupa-2026" not in {c["id"] for c in cards}
    assert "online-jouluaaton-juttutupa-2026" in {
        c["id"] for c in search(client, q="jouluaatto yksin verkossa", lang="fi").json()["results"]}


def test_a_date_range_and_the_next_time_in_each_language(client):
    r = search(client, q="jouluaatto yksinäisyys", when="2026-12-24..2026-12-24", lang="sv")
    chat = next(c for c in r.json()["results"] if c["id"] == "online-jouluaaton-juttutupa-2026")
    assert chat["next_time"] == "tors 24.12 kl. 18"
    en = search(client, q="Christmas Eve lonely", when="2026-12-20..2026-12-27", lang="en").json()["results"]
    assert next(c for c in en if c["id"] == "online-jouluaaton-juttutupa-2026")["next_time"] == "Thu 24 Dec, 6 pm"
    after = search(client, q="jouluaatto yksin", today="2026-12-25").json()["results"]
    assert "online-jouluaaton-juttutupa-2026" not in {c["id"] for c in after}   # over: gone by itself
