"""The search form's question, the catalogue search and what the resident sees of it."""
from __future__ import annotations

import logging
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import services
from actions.slots import ANY, INTENT_KIND, follow_up, lang_of, message_text, when_of
from mukaan.catalogue import when
from mukaan.catalogue.fit import Person, fits
from mukaan.catalogue.present import as_text, card, result_card
from mukaan.catalogue.ranking import Filters, today
from mukaan.gazette import gazette
from mukaan.needs import is_unmet
from mukaan.texts import say
from mukaan.texts.labels import kind_label, topic_label

log = logging.getLogger(__name__)

# Which catalogue kinds answer each need the resident can name.
SEARCH_KINDS = {
    "peer_support": ("peer_support",),
    "volunteering": ("volunteering",),
    "befriending": ("befriending",),
    "club": ("club", "event", "meeting_place"),
    "meeting_place": ("meeting_place", "club"),
    "practical_help": ("practical_help", "advice"),
    "advice": ("advice", "practical_help"),
    "event": ("event", "club"),
}
MIN_LOCAL = 2  # fewer relevant matches than this widens the search to nearby municipalities
CANDIDATES = 6  # results searched per result shown, so that enough are left after fits()


def search_request(tracker: Tracker) -> tuple[str, Filters, dict[str, str]]:
    """The query text, the filters and what was understood, as phrases for the results' intro
    (``about``: the topics, ``where``: the place, ``when``: the time; each may be empty). Time
    words are a filter (``Filters.when``), not words to rank by."""
    lang = lang_of(tracker)
    kind = tracker.get_slot("kind")
    situation = tracker.get_slot("situation")
    municipality = tracker.get_slot("municipality")
    topics = tracker.get_slot("topics") or []
    parts = []
    if situation and situation != ANY and when.strip(situation):
        parts.append(when.strip(situation))
    if kind:
        parts.append(kind_label(kind, lang))
    query = ". ".join(parts) or kind_label("meeting_place", lang)
    filters = Filters(municipality=None if municipality in (None, ANY) else municipality,
                      kinds=SEARCH_KINDS.get(kind, ()), online_only=bool(tracker.get_slot("online")))
    asked = when_of(tracker)
    if asked:
        filters.today = today(services().settings)
        filters.when = when.window(asked, filters.today)
        if filters.kinds and "event" not in filters.kinds:   # what happens on a day is often an event
            filters.kinds = (*filters.kinds, "event")
    place = gazette().resolve(filters.municipality) if filters.municipality else None
    labels = [topic_label(t, lang) for t in topics[:3]]
    listed = [", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels
    about = say("about", lang, topics=say("and", lang).join(listed))
    return query, filters, {"about": about if labels else "",
                            "where": say("where", lang, place=place.name(lang)) if place else say("anywhere", lang),
                            "when": say(f"when_{asked}", lang) if asked else ""}


def person_of(tracker: Tracker) -> Person:
    """The resident as the search sees them: their words, age group and languages (the page's
    language and any they asked for)."""
    situation = tracker.get_slot("situation")
    return Person(words=situation if situation and situation != ANY else "",
                  age_group=tracker.get_slot("age_group"),
                  languages={lang_of(tracker), *(tracker.get_slot("wanted_languages") or [])})


def fitting(query: str, lang: str, limit: int, filters: Filters, exclude: tuple[str, ...],
            person: Person) -> list:
    """The best ``limit`` results that fit the person (mukaan/catalogue/fit.py)."""
    results = services().searcher.search(query, lang=lang, limit=limit * CANDIDATES, filters=filters, exclude=exclude)
    return [r for r in results if fits(r.activity, person)][:limit]


def named(area: str, words: str) -> bool:
    """Whether the resident's words name a district, inflected or not ("Leppävaarassa")."""
    stem = area.lower()[:max(4, len(area) - 2)]
    return any(w.startswith(stem) for w in re.findall(r"\w+", words.lower()))


def nearest(tracker: Tracker, query: str, filters: Filters, limit: int, exclude: tuple[str, ...],
            person: Person) -> list:
    """"Nearer": in-person activities only, in the resident's municipality and its neighbours;
    those in a district the resident named first, then the rest of their municipality."""
    filters.nearby, filters.include_national, filters.online_only = True, False, False
    home = gazette().resolve(filters.municipality)
    words = tracker.get_slot("situation") or ""

    def distance(r) -> int:
        a = r.activity
        if a.municipality is None or home is None or a.municipality.code != home.code:
            return 2
        return 0 if a.area and named(a.area, words) else 1
    results = [r for r in fitting(query, lang_of(tracker), limit * 2, filters, exclude, person)
               if not r.activity.online]
    return sorted(results, key=distance)[:limit]


def run_search(tracker: Tracker, limit: int, exclude: tuple[str, ...] = ()) -> tuple[list, bool]:
    """Results for the tracker's slots that fit the resident. When fewer than MIN_LOCAL results
    (local or online) share a topic with the need, nearby municipalities are included; after
    "nearer" (the ``near`` slot) only in-person activities, the nearest first."""
    query, filters, _ = search_request(tracker)
    lang = lang_of(tracker)
    wanted = set(tracker.get_slot("topics") or [])
    person = person_of(tracker)
    if tracker.get_slot("near") and filters.municipality:
        return nearest(tracker, query, filters, limit, exclude, person), False
    results = fitting(query, lang, limit, filters, exclude, person)
    if not filters.municipality:
        return results, False
    relevant = [r for r in results if not wanted or wanted & set(r.activity.topics)]
    if len(relevant) >= MIN_LOCAL:
        return results, False
    filters.nearby = True
    wider = fitting(query, lang, limit, filters, exclude, person)
    widened = any(r.activity.municipality is not None and r.activity.municipality.fi != filters.municipality
                  for r in wider)
    return wider, widened


def show(dispatcher: CollectingDispatcher, results: list, lang: str, intro: str) -> list[str]:
    cards = [result_card(r, lang, today(services().settings)) for r in results]
    dispatcher.utter_message(text=intro)
    dispatcher.utter_message(json_message={"activities": cards, "text_version": as_text(cards, lang)})
    dispatcher.utter_message(text=say("follow_up", lang), buttons=[
        {"title": say("more", lang), "payload": "/ask_more"},
        {"title": say("start_over", lang), "payload": "/start_over"},
    ])
    return [c["id"] for c in cards]


class ActionAskSituation(Action):
    """The search form's question about the situation, worded for the need named so far."""

    def name(self) -> str:
        return "action_ask_situation"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        kind = tracker.get_slot("kind")
        # One worded question per need a resident can name (bot/domain.yml), else the general one.
        asked = kind if kind in INTENT_KIND.values() else "general"
        dispatcher.utter_message(response=f"utter_ask_situation_{asked}")
        return []


# Topics after which the next question first says a word of sympathy (mukaan/texts/).
SYMPATHY = {"grief": "sympathy_grief"}
SYMPATHY.update(dict.fromkeys(("mental_health", "chronic_illness", "memory_disorders", "caregiving",
                               "violence", "divorce", "substance_use"), "sympathy_hard"))


class ActionAskMunicipality(Action):
    """The search form's question about the municipality: a word of sympathy first when the
    resident told of grief or illness, and a marker (``ask``) that lets the kiosk offer its town."""

    def name(self) -> str:
        return "action_ask_municipality"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        topics = tracker.get_slot("topics") or []
        sympathy = next((SYMPATHY[t] for t in ("grief", *topics) if t in topics and t in SYMPATHY), None)
        if sympathy:
            dispatcher.utter_message(text=say(sympathy, lang))
        dispatcher.utter_message(response="utter_ask_municipality", json_message={"ask": "municipality"})
        return []


def search_and_show(dispatcher: CollectingDispatcher, tracker: Tracker, more: bool) -> list[dict[str, Any]]:
    """The last search's results, or with ``more`` its next results (none of those shown
    already). One path for both actions, so a follow-up gives the same answer whichever
    intent the classifier chose for it."""
    lang = lang_of(tracker)
    near = bool(tracker.get_slot("near"))
    if near and tracker.get_slot("municipality") in (None, ANY):
        dispatcher.utter_message(text=say("near_where", lang))
        return []
    shown = list(tracker.get_slot("shown") or []) if more else []
    try:
        results, widened = run_search(tracker, limit=services().settings.results_per_turn, exclude=tuple(shown))
    except Exception:  # the resident gets a polite message, the log gets the details
        log.exception("search failed")
        dispatcher.utter_message(text=say("search_failed", lang))
        return []
    if more:
        if not results:
            dispatcher.utter_message(text=say("no_more", lang))
            return []
        return [SlotSet("shown", shown + show(dispatcher, results, lang, say("more_intro", lang)))]
    topics = tracker.get_slot("topics") or []
    if is_unmet(results, topics):
        municipality = tracker.get_slot("municipality")
        services().needs.record(kind=tracker.get_slot("kind"), topics=topics, lang=lang,
                               municipality=None if municipality == ANY else municipality)
    _, _, summary = search_request(tracker)
    if not results:
        dispatcher.utter_message(text=say("no_results_when", lang, when=summary["when"]) if summary["when"]
                                 else say("no_results", lang))
        return [SlotSet("shown", [])]
    intro = "results_near" if near else "results_nearby" if widened else "results"
    return [SlotSet("shown", show(dispatcher, results, lang, say(intro, lang, **summary)))]


class ActionSearch(Action):
    """The search when the form is complete, and the follow-ups that change it ("entä
    verkossa?", "jotain lähempää?"); "something else" shows the next results instead."""

    def name(self) -> str:
        return "action_search"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[dict[str, Any]]:
        return search_and_show(dispatcher, tracker, more=follow_up(tracker) == "more")


class ActionSearchMore(Action):
    """"Show more" / "something else": the next results of the last search. "Nearer" asked in
    words the classifier took for "more" searches again instead."""

    def name(self) -> str:
        return "action_search_more"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        if not tracker.get_slot("situation") and not tracker.get_slot("kind"):
            dispatcher.utter_message(text=say("no_activity_yet", lang_of(tracker)))
            return []
        return search_and_show(dispatcher, tracker, more=follow_up(tracker) != "nearer")


_ORDINALS = {
    0: r"\b(1|eka|ensimm\w*|f[oö]rsta|first)\b",
    1: r"\b(2|toka|toi\w*|andra|second)\b",
    2: r"\b(3|kolm\w*|tredje|third)\b",
}


class ActionActivityDetails(Action):
    """Answers a question about one of the activities shown (the first, unless named)."""

    def name(self) -> str:
        return "action_activity_details"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        shown = tracker.get_slot("shown") or []
        if not shown:
            dispatcher.utter_message(text=say("no_activity_yet", lang))
            return []
        text = message_text(tracker).lower()
        index = next((i for i, rx in _ORDINALS.items() if i < len(shown) and re.search(rx, text)), 0)
        activity = services().searcher.get(shown[index])
        if activity is None:
            dispatcher.utter_message(text=say("no_activity_yet", lang))
            return []
        card_ = card(activity, lang, today=today(services().settings))
        aspects = [e.get("value") for e in tracker.latest_message.get("entities") or []
                   if e.get("entity") == "aspect"]
        values = {
            "time": card_["schedule"], "place": ", ".join(p for p in (card_["place"], card_["address"]) if p),
            "cost": card_["cost"] or say("unknown", lang), "join": card_["how_to_join"],
            "accessibility": ", ".join(card_["accessibility_labels"]) or say("unknown", lang),
        }
        lines = [f"{card_['name']}"]
        asked = [a for a in aspects if a in values or a == "contact"]
        for aspect in [a for a in asked if a in values] or ([] if asked else list(values)):
            lines.append(say(f"detail_{aspect}", lang, value=values[aspect]))
        contact = ", ".join(v for v in card_["organizer_contact"].values() if v)
        who = f"{card_['organizer']} ({contact})" if contact else card_["organizer"]
        lines.append(say("detail_contact", lang, value=who))
        dispatcher.utter_message(text="\n".join(lines))
        return []
