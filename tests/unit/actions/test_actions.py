"""Custom actions driven with tracker fixtures, against the real catalogue index."""
import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import ActionCrisis, ActionStartOver
from actions.search import (
    ActionActivityDetails,
    ActionAskMunicipality,
    ActionAskSituation,
    ActionSearch,
    ActionSearchMore,
)
from actions.slots import ValidateSlotMappings

pytestmark = pytest.mark.usefixtures("action_services")


def tracker(text="", intent="describe_situation", slots=None, lang="fi", entities=None, requested=None,
            active_loop=None, confidence=0.9, metadata=None):
    slots = {"language": lang, **(slots or {})}
    if requested:
        slots["requested_slot"] = requested
    return Tracker(sender_id="test", slots=slots,
                   latest_message={"text": text, "intent": {"name": intent, "confidence": confidence},
                                   "entities": entities or [], "metadata": {"lang": lang, **(metadata or {})}},
                   events=[], paused=False, followup_action=None,
                   active_loop={"name": active_loop} if active_loop else {}, latest_action_name="action_listen")


def run(action, t):
    d = CollectingDispatcher()
    events = asyncio.run(action.run(d, t, {}))
    return d.messages, events


def extract(t):
    v = ValidateSlotMappings()
    out = {}
    for slot in ("language", "kind", "situation", "municipality", "age_group"):
        out.update(getattr(v, f"extract_{slot}")(CollectingDispatcher(), t, {}))
    return out


def test_situation_and_inflected_municipality_from_one_message():
    slots = extract(tracker("Hei, olen eläkkeellä Vantaalla ja kaipaisin seuraa"))
    assert slots["situation"].startswith("Hei, olen eläkkeellä")
    assert slots["municipality"] == "Vantaa"
    assert {"seniors", "loneliness"} <= set(slots["topics"])


def test_need_without_situation_leaves_the_situation_to_ask():
    slots = extract(tracker("Hej, jag bor i Esbo och vill bli frivillig", intent="look_for_volunteering", lang="sv"))
    assert slots["kind"] == "volunteering" and slots["municipality"] == "Espoo"
    assert "situation" not in slots


def test_answer_to_the_situation_question_is_taken_as_it_is():
    slots = extract(tracker("lasten ja nuorten kanssa", intent="inform", requested="situation",
                            slots={"kind": "volunteering"}, active_loop="search_form"))
    assert slots["situation"] == "lasten ja nuorten kanssa"


def test_short_answer_keeps_the_need_unless_it_names_another():
    answer = dict(requested="situation", slots={"kind": "volunteering"}, active_loop="search_form")
    slots = extract(tracker("med invandrare", intent="look_for_befriending", lang="sv", **answer))
    assert "kind" not in slots and slots["situation"] == "med invandrare"
    slots = extract(tracker("itse asiassa haluaisin vertaistukea", intent="look_for_peer_support", **answer))
    assert slots["kind"] == "peer_support"


def test_doesnt_matter_and_unknown_answers():
    assert extract(tracker("ei väliä", intent="dont_care", requested="municipality"))["municipality"] == "any"
    assert extract(tracker("/dont_care", intent="dont_care", requested="situation"))["situation"] == "any"
    assert "municipality" not in extract(tracker("en tiedä", intent="inform", requested="municipality"))


def test_fuzzy_place_only_for_short_place_answers():
    asked = dict(requested="municipality", active_loop="search_form")
    assert extract(tracker("tampereel", intent="inform", **asked))["municipality"] == "Tampere"
    for text, intent in [("kiitti", "thank"), ("someone is threatening to kill me", "crisis"),
                         ("vem är du?", "bot_challenge"), ("how do I get started?", "help")]:
        assert "municipality" not in extract(tracker(text, intent=intent, **asked)), text


def test_unchanged_slot_is_not_set_again():
    t = tracker("asun Espoossa", intent="inform", slots={"municipality": "Espoo"})
    assert "municipality" not in extract(t)


def test_situation_question_follows_the_need():
    messages, _ = run(ActionAskSituation(), tracker(slots={"kind": "volunteering"}))
    assert messages[0]["response"] == "utter_ask_situation_volunteering"
    messages, _ = run(ActionAskSituation(), tracker(slots={}))
    assert messages[0]["response"] == "utter_ask_situation_general"


@pytest.mark.parametrize("lang,situation,municipality,kind,topics", [
    ("fi", "Mun mies sairastaa Alzheimeria ja tarvitsen vertaistukea", "Helsinki", "peer_support",
     {"caregiving", "memory_disorders"}),
    ("sv", "med barn och unga", "Espoo", "volunteering", {"youth", "families"}),
    ("en", "I feel lonely since I moved here", "Espoo", None, {"loneliness", "immigrants"}),
])
def test_search_returns_three_relevant_activities_in_language(searcher, lang, situation, municipality, kind, topics):
    t = tracker(slots={"situation": situation, "municipality": municipality, "kind": kind}, lang=lang)
    messages, events = run(ActionSearch(), t)
    cards = next(m["custom"]["activities"] for m in messages if m.get("custom"))
    assert len(cards) == 3
    assert any(set(c["topics"]) & topics for c in cards)
    for c in cards:
        assert c["online"] or c["municipality_fi"] == municipality
        if kind:
            assert c["kind"] == kind
    assert messages[-1]["buttons"]
    shown = next(e for e in events if e["name"] == "shown")["value"]
    assert shown == [c["id"] for c in cards]
    if lang == "sv":
        assert "Här är" in messages[0]["text"] or "grannkommun" in messages[0]["text"]


def test_more_excludes_what_was_shown(searcher):
    slots = {"situation": "kaipaan seuraa", "municipality": "Espoo", "kind": None}
    _, events = run(ActionSearch(), tracker(slots=slots))
    shown = events[0]["value"]
    messages, events = run(ActionSearchMore(), tracker(slots={**slots, "shown": shown}))
    more = next(m["custom"]["activities"] for m in messages if m.get("custom"))
    assert not {c["id"] for c in more} & set(shown)


def test_crisis_guess_on_an_everyday_phrase_is_overruled():
    messages, events = run(ActionCrisis(), tracker("jag håller på att dö av tristess hemma", intent="crisis",
                                                   lang="sv"))
    assert not messages
    assert {"event": "followup", "name": "search_form"} in [{k: e.get(k) for k in ("event", "name")} for e in events]


@pytest.mark.parametrize("confidence, checked, crisis", [
    (0.6, True, False),     # both routes of the check found nothing, and the NLU guess is weak
    (0.97, True, True),     # the NLU classifier is sure
    (0.6, False, True),     # the check ran without its classifier: the NLU guess counts
])
def test_a_weak_crisis_guess_after_the_full_check_is_taken_as_the_situation(confidence, checked, crisis):
    text = "haluan lopettaa kaiken"     # no everyday phrase the lexicon knows
    messages, events = run(ActionCrisis(), tracker(text, intent="crisis", confidence=confidence,
                                                   metadata={"crisis_checked": checked}))
    if crisis:
        assert "112" in messages[0]["text"] and not events
    else:
        assert not messages
        assert [e.get("value") for e in events if e.get("name") == "situation"] == [text]
        assert {"event": "followup", "name": "search_form"} in [{k: e.get(k) for k in ("event", "name")}
                                                                for e in events]


def test_crisis_action_and_start_over_keep_the_language():
    messages, _ = run(ActionCrisis(), tracker("jag vill inte leva", intent="crisis", lang="sv"))
    assert "112" in messages[0]["text"] and "09 2525 0112" in messages[0]["text"]
    messages, events = run(ActionStartOver(), tracker(lang="en"))
    assert events[0]["event"] == "reset_slots" and events[1]["value"] == "en"
    assert messages[0]["text"].startswith("Let's start over")


def details(text, aspects, lang="fi", shown=("espoo-omaishoitajien-iltapiiri",)):
    entities = [{"entity": "aspect", "value": a} for a in aspects]
    messages, _ = run(ActionActivityDetails(), tracker(text, intent="ask_details", lang=lang, entities=entities,
                                                       slots={"shown": list(shown)}))
    return messages[0]["text"]


def test_asking_for_the_number_answers_from_the_shown_activity(searcher):
    activity = searcher.get("espoo-omaishoitajien-iltapiiri")
    text = details("mikä heidän puhelinnumeronsa on", ["contact"])
    assert activity.organizer.phone in text and "Järjestäjä" in text
    assert "Milloin" not in text, "only what was asked"
    assert "Missä" in details("missä se on?", ["place"]) and "Milloin" in details("milloin ne kokoontuvat", ["time"])


def test_details_show_labels_not_codes(searcher):
    accessible = next(a for a in searcher.snapshot().activities if "accessible_toilet" in a.accessibility)
    text = details("is it accessible", ["accessibility"], lang="en", shown=(accessible.id,))
    assert "accessible_toilet" not in text and "_" not in text.split("\n")[1]


@pytest.mark.parametrize("lang,topics,opening", [
    ("fi", ["grief"], "Otan osaa"), ("sv", ["grief", "loneliness"], "Jag beklagar"),
    ("en", ["chronic_illness"], "Thank you for telling me"), ("fi", ["exercise"], None),
])
def test_municipality_question_after_grief_or_illness_starts_with_sympathy(lang, topics, opening):
    messages, _ = run(ActionAskMunicipality(), tracker(slots={"topics": topics}, lang=lang))
    question = messages[-1]
    assert question["response"] == "utter_ask_municipality" and question["custom"] == {"ask": "municipality"}
    if opening:
        assert messages[0]["text"].startswith(opening) and len(messages) == 2
    else:
        assert len(messages) == 1


@pytest.mark.parametrize("text,lang", [("entä verkossa?", "fi"), ("och på nätet?", "sv"), ("and online?", "en"),
                                       ("helst på svenska", "sv")])
def test_a_follow_up_narrows_the_last_search(text, lang):
    last = {"situation": "kaipaan seuraa", "topics": ["loneliness"], "municipality": "Turku", "kind": "befriending",
            "shown": ["x"]}
    slots = extract(tracker(text, intent="inform", lang=lang, slots=last))
    assert "situation" not in slots and "kind" not in slots and "municipality" not in slots
    v = ValidateSlotMappings()
    if "svenska" in text:
        wanted = v.extract_wanted_languages(CollectingDispatcher(), tracker(text, slots=last), {})
        assert wanted == {"wanted_languages": ["sv"]}
    else:
        assert v.extract_online(CollectingDispatcher(), tracker(text, slots=last), {}) == {"online": True}
    # Without results shown first, the same words start a search of their own.
    assert "situation" in extract(tracker("entä verkossa jotain liikuntaa?", lang="fi", slots={}))


def test_online_follow_up_searches_online_only(searcher):
    slots = {"situation": "kaipaan seuraa", "municipality": "Turku", "kind": None, "online": True}
    messages, _ = run(ActionSearch(), tracker(slots=slots))
    cards = next(m["custom"]["activities"] for m in messages if m.get("custom"))
    assert cards and all(c["online"] for c in cards)


@pytest.mark.parametrize("text,lang", [("entä äidilleni?", "fi"), ("för min mamma i stället", "sv"),
                                       ("for my mother instead", "en")])
def test_for_someone_else_keeps_the_need_and_adds_them(text, lang):
    last = {"situation": "kaipaan seuraa", "topics": ["loneliness"], "municipality": "Turku", "shown": ["x"]}
    slots = extract(tracker(text, intent="describe_situation", lang=lang, slots=last))
    assert slots["situation"] == f"kaipaan seuraa. {text}" and "topics" not in slots and "kind" not in slots
