"""Dated events: time windows (when.py), the search's ``when`` filter on every backend, and the
next time on cards (present.py)."""
import datetime as dt

import pytest

from mukaan.catalogue.loader import load_dir
from mukaan.catalogue.present import as_text, card, next_time
from mukaan.catalogue.ranking import Filters
from mukaan.catalogue.when import find, strip, window
from tests.conftest import FIXTURES, open_searcher

WED = dt.date(2026, 12, 9)   # a Wednesday


@pytest.mark.parametrize("name, today, start, end", [
    ("today", WED, WED, WED),
    ("tomorrow", WED, dt.date(2026, 12, 10), dt.date(2026, 12, 10)),
    ("this_week", WED, WED, dt.date(2026, 12, 13)),
    ("this_weekend", WED, dt.date(2026, 12, 12), dt.date(2026, 12, 13)),
    ("this_weekend", dt.date(2026, 12, 12), dt.date(2026, 12, 12), dt.date(2026, 12, 13)),   # Saturday
    ("this_weekend", dt.date(2026, 12, 13), dt.date(2026, 12, 13), dt.date(2026, 12, 13)),   # Sunday: today
    ("next_week", dt.date(2026, 12, 13), dt.date(2026, 12, 14), dt.date(2026, 12, 20)),
    ("sat", WED, dt.date(2026, 12, 12), dt.date(2026, 12, 12)),
    ("wed", WED, WED, WED),
    ("2026-12-24..2026-12-26", WED, dt.date(2026, 12, 24), dt.date(2026, 12, 26)),
    ("2026-12-24", WED, dt.date(2026, 12, 24), dt.date(2026, 12, 24)),
])
def test_windows(name, today, start, end):
    assert window(name, today).days == (start, end)


@pytest.mark.parametrize("bad", ["someday", "2026-12-31..2026-12-01", "2026-13-01", "2026-01-01..2027-06-01"])
def test_bad_window_says_why(bad):
    with pytest.raises(ValueError, match="when"):
        window(bad, WED)


def test_weekdays_of_a_window():
    assert window("this_weekend", WED).weekdays == {"sat", "sun"}
    assert len(window("next_week", WED).weekdays) == 7


@pytest.mark.parametrize("text, name", [
    ("mitä tekemistä tänä viikonloppuna Espoossa", "this_weekend"),
    ("onko jotain viikonloppuna", "this_weekend"),
    ("tänään", "today"), ("tänää illal", "tonight"), ("tänä iltana", "tonight"),
    ("huomenna", "tomorrow"), ("tällä viikolla", "this_week"), ("ensi viikolla", "next_week"),
    ("lauantaina", "sat"), ("la tai su", "sat"), ("sunnuntaina kirkon jälkeen", "sun"),
    ("något i kväll", "tonight"), ("i dag", "today"), ("i morgon kväll", "tomorrow"),
    ("vad händer i helgen i Esbo", "this_weekend"), ("den här veckan", "this_week"), ("på lördag", "sat"),
    ("anything this weekend?", "this_weekend"), ("tonight", "tonight"), ("tomorrow evening", "tomorrow"),
    ("this week", "this_week"), ("on Saturday", "sat"),
    ("milloin vain", "any"), ("any time", "any"),
    ("haluan vertaistukea surussa", None), ("kahvila Satu", None), ("i dagens samhälle", None),
])
def test_time_words(text, name):
    assert find(text) == name


def test_time_words_are_taken_out_of_the_query():
    assert strip("mitä tekemistä tänä viikonloppuna Espoossa") == "mitä tekemistä Espoossa"
    assert strip("board games on Saturday") == "board games"


def _dated(base, **changes):
    schedule = base.schedule.model_copy(update=changes.pop("schedule"))
    return base.model_copy(update={**changes, "schedule": schedule})


@pytest.fixture
def dated_searcher(backend_store, embedder):
    """The fixture catalogue (weekly activities on mon, tue, wed and sat, and one without days)
    with a one-off event on Saturday 12.12. and a series on Tuesdays 1.12. and 15.12."""
    acts = load_dir(FIXTURES / "catalogue")
    club = next(a for a in acts if a.id == "helsinki-retkikerho")
    event = _dated(club, id="helsinki-joulumyyjaiset", kind="event",
                   schedule={"dates": [dt.date(2026, 12, 12)], "weekdays": [], "start": "11:00"})
    series = _dated(club, id="helsinki-talviretket",
                    schedule={"dates": [dt.date(2026, 12, 1), dt.date(2026, 12, 15)], "weekdays": ["tue"],
                              "start": "17:30"})
    backend_store.replace_all([*acts, event, series], embedder)
    return open_searcher(backend_store, embedder)


UNSCHEDULED = "online-velkaneuvonta"   # no dates nor weekdays: passes every window, ranked last


@pytest.mark.parametrize("when, expected", [
    ("this_weekend", {"helsinki-retkikerho", "helsinki-joulumyyjaiset"}),
    ("today", {"espoo-kielikahvila-matinkyla"}),
    ("next_week", {"espoo-omaishoitajien-iltapiiri", "espoo-kielikahvila-matinkyla", "vantaa-surevien-ryhma",
                   "helsinki-retkikerho", "helsinki-talviretket"}),
    ("2026-12-15..2026-12-15", {"espoo-omaishoitajien-iltapiiri", "helsinki-talviretket"}),
    ("2026-12-14..2026-12-15", {"espoo-omaishoitajien-iltapiiri", "vantaa-surevien-ryhma", "helsinki-talviretket"}),
    ("2026-12-01..2026-12-08", set()),   # all past: what happened on 1.12. does not count
])
@pytest.mark.parametrize("query", ["", "retki luontoon tai tapahtuma"])
def test_when_keeps_what_happens_in_the_window(dated_searcher, when, expected, query):
    f = Filters(today=WED, when=window(when, WED))
    ids = [r.activity.id for r in dated_searcher.search(query, filters=f, limit=20)]
    assert set(ids) == expected | {UNSCHEDULED}
    assert ids[-1] == UNSCHEDULED   # days not known: after those known to happen then


def test_without_when_nothing_changes(dated_searcher):
    ids = {r.activity.id for r in dated_searcher.search("", filters=Filters(today=WED), limit=20)}
    assert {"helsinki-joulumyyjaiset", "helsinki-talviretket", "vantaa-surevien-ryhma"} <= ids


def test_next_time_on_cards(dated_searcher):
    series = dated_searcher.get("helsinki-talviretket")
    assert next_time(series, "fi", WED) == "ti 15.12. klo 17.30"
    assert next_time(series, "sv", WED) == "tis 15.12 kl. 17.30"
    assert next_time(series, "en", WED) == "Tue 15 Dec, 5.30 pm"
    assert next_time(series, "fi", dt.date(2026, 12, 1)) == "ti 1.12. klo 17.30"
    assert next_time(series, "fi", dt.date(2026, 12, 16)) is None   # over
    event = dated_searcher.get("helsinki-joulumyyjaiset")
    assert card(event, "sv", today=WED)["next_time"] == "lör 12.12 kl. 11"
    assert card(event, "en", today=WED)["next_date"] == "2026-12-12"
    untimed = event.model_copy(update={"schedule": event.schedule.model_copy(update={"start": None})})
    assert next_time(untimed, "fi", WED) == "la 12.12."
    weekly = dated_searcher.get("helsinki-retkikerho")    # ongoing: nothing new on the card
    assert card(weekly, "fi", today=WED)["next_time"] is None
    text = as_text([card(event, "fi", today=WED), card(weekly, "fi", today=WED)], "fi")
    assert "Seuraavan kerran: la 12.12. klo 11" in text and text.count("Seuraavan kerran") == 1
