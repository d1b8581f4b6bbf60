"""The conversation's time words ("tänä viikonloppuna", "i kväll", "this weekend") with tracker
fixtures: read from the messages (no slot, no retraining), passed to the search, said in the
results' intro, and the next time on the cards."""
import asyncio
import datetime as dt

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.search import ActionSearch, search_request
from actions.slots import ValidateSlotMappings, is_refinement, when_of

pytestmark = pytest.mark.usefixtures("action_services")
WED = dt.date(2026, 12, 9)   # the demo's Saturday 12.12. has Tapiola's Christmas porridge


@pytest.fixture
def on_wednesday(services, monkeypatch):
    monkeypatch.setattr(services.settings, "today", WED)
    monkeypatch.setattr(services.settings, "freshness_hide_months", 0)


def user(text):
    return {"event": "user", "text": text}


def tracker(text, slots=None, lang="fi", events=(), intent="inform"):
    return Tracker(sender_id="t", slots={"language": lang, **(slots or {})},
                   latest_message={"text": text, "intent": {"name": intent}, "entities": [],
                                   "metadata": {"lang": lang}},
                   events=list(events), paused=False, followup_action=None, active_loop={},
                   latest_action_name="action_listen")


def run(t):
    d = CollectingDispatcher()
    asyncio.run(ActionSearch().run(d, t, {}))
    return d.messages


def test_the_latest_time_word_since_starting_over_counts():
    said = [user("mitä tekemistä tänään"), {"event": "action", "name": "action_start_over"},
            user("onko jotain viikonloppuna"), user("Espoossa")]
    assert when_of(tracker("Espoossa", events=said)) == "this_weekend"
    assert when_of(tracker("entä huomenna?", events=said + [user("entä huomenna?")])) == "tomorrow"
    assert when_of(tracker("milloin vain", events=said + [user("milloin vain")])) is None
    assert when_of(tracker("Espoossa", events=said[:2] + [user("Espoossa")])) is None   # started over
    assert when_of(tracker("/start_over", events=said)) == "this_weekend"   # a button has no words


def test_a_time_word_after_results_changes_the_search_not_the_situation():
    slots = {"shown": ["x"], "situation": "kaipaan seuraa", "municipality": "Espoo"}
    t = tracker("entä huomenna?", slots=slots, intent="describe_situation")
    assert is_refinement(t)
    assert ValidateSlotMappings().extract_situation(CollectingDispatcher(), t, {}) == {}


def test_time_words_filter_and_are_not_searched_for(on_wednesday):
    t = tracker("Espoossa", slots={"situation": "kaipaan seuraa tänä viikonloppuna", "municipality": "Espoo"},
                events=[user("kaipaan seuraa tänä viikonloppuna"), user("Espoossa")])
    query, filters, summary = search_request(t)
    assert "viikonlop" not in query
    assert filters.when.days == (dt.date(2026, 12, 12), dt.date(2026, 12, 13))
    assert summary["when"] == ", tänä viikonloppuna"
    t = tracker("Espoossa", slots={"situation": "kaipaan seuraa", "kind": "befriending", "municipality": "Espoo"},
                events=[user("kaipaan seuraa viikonloppuna")])
    assert search_request(t)[1].kinds == ("befriending", "event")   # events happen on days
    t = tracker("Espoossa", slots={"situation": "kaipaan seuraa", "kind": "befriending", "municipality": "Espoo"})
    assert search_request(t)[1].kinds == ("befriending",)


@pytest.mark.parametrize("lang, words, intro, next_time", [
    ("fi", "kaipaan seuraa tänä viikonloppuna", "tänä viikonloppuna.", "la 12.12. klo 12"),
    ("sv", "jag är ensam, finns det något i helgen", "i helgen.", "lör 12.12 kl. 12"),
    ("en", "I feel lonely, anything this weekend?", "this weekend.", "Sat 12 Dec, 12 noon"),
])
def test_results_say_the_time_and_cards_the_next_time(on_wednesday, lang, words, intro, next_time):
    t = tracker("Esbo" if lang == "sv" else "Espoo", lang=lang,
                slots={"situation": words, "municipality": "Espoo"}, events=[user(words)])
    messages = run(t)
    assert messages[0]["text"].endswith(intro)
    cards = next(m["custom"]["activities"] for m in messages if m.get("custom"))
    dated = [c for c in cards if c["next_date"]]
    assert dated and all("2026-12-12" <= c["next_date"] <= "2026-12-13" for c in dated)
    porridge = [c for c in cards if c["id"] == "espoo-joulupuuro-tapiola-2026"]
    assert porridge and porridge[0]["next_time"] == next_time
    # Those known to happen then come first; none known to happen on other days at all.
    assert cards.index(porridge[0]) < len(dated)

