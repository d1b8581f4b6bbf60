"""Follow-ups after results, "nearer" and "something else", in fi/sv/en: the slot extraction
keeps the last search and the search actions answer from it (real catalogue index)."""
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.search import ActionSearch, ActionSearchMore
from actions.slots import ValidateSlotMappings, follow_up
from mukaan.texts import say
from tests.unit.actions.test_actions import extract, run, tracker

pytestmark = pytest.mark.usefixtures("action_services")

LAST = {"situation": "asun Leppävaarassa ja kaipaan seuraa", "topics": ["loneliness"], "municipality": "Espoo",
        "kind": None, "shown": ["x"], "online": True}
NEARER = [("lähempänä", "fi"), ("jotain lähempää?", "fi"), ("närmare", "sv"), ("något närmare?", "sv"),
          ("nearer, closer to me", "en"), ("anything closer?", "en")]
ELSE = [("jotain muuta", "fi"), ("näytä muita", "fi"), ("något annat", "sv"), ("visa andra", "sv"),
        ("something else", "en"), ("show me others", "en")]


def cards_of(messages) -> list[dict]:
    return next((m["custom"]["activities"] for m in messages if (m.get("custom") or {}).get("activities")), [])


def distance(card: dict, municipality: str, district: str) -> int:
    """0: in the district the resident named, 1: elsewhere in their municipality, 2: a neighbour."""
    if card["municipality_fi"] != municipality:
        return 2
    return 0 if (card["place"] or "").startswith(district) else 1


@pytest.mark.parametrize("text,lang", NEARER + ELSE)
def test_nearer_and_something_else_keep_the_last_search(text, lang):
    t = tracker(text, intent="inform", lang=lang, slots=LAST)
    slots = extract(t)
    assert "situation" not in slots and "kind" not in slots and "municipality" not in slots
    v = ValidateSlotMappings()
    near = v.extract_near(CollectingDispatcher(), t, {})
    online = v.extract_online(CollectingDispatcher(), t, {})
    if (text, lang) in NEARER:
        assert follow_up(t) == "nearer" and near == {"near": True} and online == {"online": False}
    else:
        assert follow_up(t) == "more" and near == {} and online == {}
    # Before any results the same words are no follow-up.
    assert follow_up(tracker(text, intent="inform", lang=lang, slots={**LAST, "shown": None})) is None


def test_nearer_is_not_taken_from_a_new_situation():
    t = tracker("asun lähellä Tapiolaa ja haluaisin liikuntaryhmän", lang="fi", slots=LAST)
    assert follow_up(t) is None
    assert ValidateSlotMappings().extract_near(CollectingDispatcher(), t, {}) == {}


# The resident's words, municipality and district; what they said after the results; how near the
# first result is (the catalogue has nothing in Swedish in Kallio: then elsewhere in Helsinki).
NEAR_CASES = [
    ("fi", "asun Leppävaarassa ja kaipaan vertaistukea omaishoitajana", "Espoo", "Leppävaara", "jotain lähempää?", 0),
    ("sv", "jag bor i Kallio och känner mig ensam", "Helsinki", "Kallio", "närmare", 1),
    ("en", "I live in Kallio and feel lonely", "Helsinki", "Kallio", "nearer, closer to me", 0),
]


@pytest.mark.parametrize("lang,situation,municipality,district,text,first", NEAR_CASES)
def test_nearer_drops_online_activities_and_ranks_the_residents_area_first(searcher, lang, situation,
                                                                           municipality, district, text, first):
    last = {**LAST, "situation": situation, "municipality": municipality, "topics": [], "online": False}
    before = cards_of(run(ActionSearch(), tracker("", lang=lang, slots=last))[0])
    slots = {**last, "near": True}
    messages, events = run(ActionSearch(), tracker(text, intent="inform", lang=lang, slots=slots))
    cards = cards_of(messages)
    assert cards and [c["id"] for c in cards] != [c["id"] for c in before]
    assert not any(c["online"] for c in cards)
    far = [distance(c, municipality, district) for c in cards]
    assert far == sorted(far) and far[0] == first, [c["place"] for c in cards]
    assert messages[0]["text"].startswith(say("results_near", lang, about="", where="", when="")[:12])
    assert next(e for e in events if e["name"] == "shown")["value"] == [c["id"] for c in cards]
    # The classifier may take "something nearer" for "more": the same answer comes back.
    again, _ = run(ActionSearchMore(), tracker(text, intent="ask_more", lang=lang, slots=slots))
    assert [c["id"] for c in cards_of(again)] == [c["id"] for c in cards]


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_nearer_without_a_municipality_asks_where(searcher, lang):
    slots = {**LAST, "municipality": "any", "near": True}
    messages, events = run(ActionSearch(), tracker(NEARER[0][0], intent="inform", lang=lang, slots=slots))
    assert [m["text"] for m in messages] == [say("near_where", lang)] and events == []


@pytest.mark.parametrize("text,lang", ELSE[::2])
def test_something_else_shows_the_next_results_whichever_action_answers(searcher, text, lang):
    first, events = run(ActionSearch(), tracker("", lang=lang, slots={**LAST, "online": False, "shown": None}))
    shown = events[0]["value"]
    assert len(shown) == 3
    for action, intent in ((ActionSearch(), "inform"), (ActionSearchMore(), "ask_more")):
        messages, events = run(action, tracker(text, intent=intent, lang=lang,
                                               slots={**LAST, "online": False, "shown": shown}))
        cards = cards_of(messages)
        assert cards and not {c["id"] for c in cards} & set(shown)
        assert messages[0]["text"] == say("more_intro", lang)
        assert events[0]["value"] == shown + [c["id"] for c in cards]


@pytest.mark.parametrize("text,lang", ELSE[::2])
def test_something_else_says_plainly_when_there_is_no_more(searcher, text, lang):
    everything = [a.id for a in searcher.snapshot().activities]
    messages, events = run(ActionSearch(), tracker(text, intent="inform", lang=lang,
                                                   slots={**LAST, "online": False, "shown": everything}))
    assert [m["text"] for m in messages] == [say("no_more", lang)] and events == []
