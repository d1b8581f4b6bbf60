"""Slot extraction on every user turn (Rasa's ``action_validate_slot_mappings``).

All search slots have custom mappings and are read here from the latest message: its
intent, entities, text and the page's language (message metadata). An extractor returns
a slot only when it found something new, so the search form can tell whether the resident
answered its question.
"""
from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker, ValidationAction
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from mukaan.catalogue import when
from mukaan.catalogue.fit import age_group_for, age_group_of, asked_languages
from mukaan.catalogue.taxonomy import detect_kinds, detect_topics
from mukaan.gazette import find_municipalities, resolve_fuzzy
from mukaan.texts import LANGS

INTENT_KIND = {
    "look_for_peer_support": "peer_support",
    "look_for_volunteering": "volunteering",
    "look_for_befriending": "befriending",
    "look_for_activity": "club",
    "look_for_meeting_place": "meeting_place",
    "look_for_practical_help": "practical_help",
}
ANY = "any"  # the resident said "doesn't matter"
# Needs named in so many words ("vertaistukea", "frivillig"); other kind words ("siivous",
# "kahvila") also describe what a volunteer or a club does, so they do not change the need.
EXPLICIT_NEEDS = {"peer_support", "volunteering", "befriending"}
# Intents whose short answer may be a misspelt municipality.
FUZZY_PLACE_INTENTS = {"inform", "describe_situation", "nlu_fallback"}
# Intents whose text never describes the resident's situation.
NOT_A_SITUATION = {"greet", "goodbye", "thank", "affirm", "help", "bot_challenge", "out_of_scope",
                   "crisis", "start_over", "ask_more", "ask_details", "change_language", "feedback"}


# "Online" in so many words: the next search is limited to activities on the net.
ONLINE_CUE = re.compile(r"verkossa|verkon kautta|netissä|netin kautta|etänä|på nätet|online|distans|"
                        r"internet|video", re.IGNORECASE)


# "For my mother instead": the same need, for someone else (fit.py then fits the activities to them).
FOR_SOMEONE = re.compile(r"\b(äidil|isäl|mummol|mummil|vaaril|ukil|puolisol|miehel|vaimol|lapsel|pojal|"
                         r"tyttärel|ystäväl)\w*|\b(for|åt|för) (my|min|mitt|mina)\b", re.IGNORECASE)


# "Nearer": the last search again, in person only and the resident's own area first.
NEARER_CUE = re.compile(r"lähemp|läheltä|lähellä|närmare|nära (mig|hem)|\b(nearer|closer)\b|near (me|home)",
                        re.IGNORECASE)
# "Something else": the next results of the last search, none of those already shown.
MORE_CUE = re.compile(r"\b(jotain|jokin|joku|jotakin) (ihan |aivan )?(muu|toi)\w*|\bmuita\b|\bmuut\b|seuraav|"
                      r"n[åa]got (helt )?annat|\b(visa|några|finns det) andra\b|andra (alternativ|förslag)|\bfler\b|"
                      r"\bnästa\b|something (else|different)|anything else|\b(show( me)?|any|some) others?\b|"
                      r"\bother (ones|options|suggestions)\b|\bnext\b", re.IGNORECASE)


def is_refinement(tracker: Tracker) -> bool:
    """A short follow-up after results that only changes the last search ("entä verkossa?",
    "helst på svenska", "and online?", "jotain lähempää?", "något annat"): the situation and
    the need stay as they were."""
    text = message_text(tracker)
    if not tracker.get_slot("shown") or not text or len(text.split()) > 6:
        return False
    if detect_topics(text, lang_of(tracker)):
        return False
    return bool(ONLINE_CUE.search(text) or asked_languages(text) or FOR_SOMEONE.search(text)
                or NEARER_CUE.search(text) or MORE_CUE.search(text) or when.find(text))


def follow_up(tracker: Tracker) -> str | None:
    """Which follow-up the latest message is, when it is one: "nearer" or "more" (the others
    only set their slots: online, wanted_languages, the situation)."""
    if not is_refinement(tracker):
        return None
    text = message_text(tracker)
    return "nearer" if NEARER_CUE.search(text) else "more" if MORE_CUE.search(text) else None


def when_of(tracker: Tracker) -> str | None:
    """When the resident wants the activity to happen (a name of when.NAMES), or None.

    Read from the words, not kept in a slot (a new slot would mean retraining Rasa): the
    latest message with a time word since the conversation started over counts ("tänä
    viikonloppuna", "i kväll", "on Saturday"); "milloin vain" / "any time" takes it back."""
    texts = [message_text(tracker)]
    for event in reversed(tracker.events or []):
        if event.get("event") == "action" and event.get("name") in ("action_start_over", "action_restart"):
            break
        if event.get("event") in ("restart", "session_started"):
            break
        if event.get("event") == "user":
            texts.append((event.get("text") or "").strip())
    for text in texts:
        found = when.find(text) if text and not text.startswith("/") else None
        if found:
            return None if found == when.ANY else found
    return None


def message_text(tracker: Tracker) -> str:
    text = (tracker.latest_message.get("text") or "").strip()
    return "" if text.startswith("/") else text  # a button payload carries no words


def intent_of(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def lang_of(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "fi"


def _changed(tracker: Tracker, slot: str, value: Any) -> dict[str, Any]:
    return {} if tracker.get_slot(slot) == value else {slot: value}


class ValidateSlotMappings(ValidationAction):
    async def get_validation_events(self, dispatcher, tracker, domain) -> list:
        # No per-slot validators: extraction already normalises the values.
        return [SlotSet(k, v) for k, v in tracker.slots_to_validate().items()]

    def extract_language(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                         domain: DomainDict) -> dict[str, Any]:
        metadata = tracker.latest_message.get("metadata") or {}
        lang = metadata.get("lang")
        return _changed(tracker, "language", lang) if lang in LANGS else {}

    def extract_kind(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     domain: DomainDict) -> dict[str, Any]:
        intent = intent_of(tracker)
        answering = tracker.get_slot("requested_slot") == "situation" and tracker.get_slot("kind")
        if answering:
            # An answer to "what kind of volunteering?" keeps the need unless it names another
            # one in so many words: the classifier's guess on a short answer is not enough.
            kinds = [k for k in detect_kinds(message_text(tracker), lang_of(tracker)) if k in EXPLICIT_NEEDS]
            return _changed(tracker, "kind", kinds[0]) if kinds else {}
        if is_refinement(tracker):
            return {}
        if intent in INTENT_KIND:
            return _changed(tracker, "kind", INTENT_KIND[intent])
        if intent in ("describe_situation", "nlu_fallback"):
            kinds = detect_kinds(message_text(tracker), lang_of(tracker))
            if kinds:
                return _changed(tracker, "kind", kinds[0])
            if not tracker.active_loop_name:
                # A new situation outside the form starts a new search: forget the old kind.
                return _changed(tracker, "kind", None)
        return {}

    def extract_situation(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> dict[str, Any]:
        intent = intent_of(tracker)
        text = message_text(tracker)
        asked = tracker.get_slot("requested_slot") == "situation"
        lang = lang_of(tracker)
        if asked and intent in ("dont_care", "deny"):
            return {"situation": ANY, "topics": []}
        if is_refinement(tracker) and FOR_SOMEONE.search(text) and tracker.get_slot("situation") not in (None, ANY):
            return {"situation": f"{tracker.get_slot('situation')}. {text}"}  # the same need, for them
        if not text or intent in NOT_A_SITUATION or is_refinement(tracker):
            return {}
        topics = detect_topics(text, lang)
        describes = (intent in ("describe_situation", "nlu_fallback")
                     or (intent in INTENT_KIND and topics)
                     or (asked and not (intent == "inform" and find_municipalities(text, lang) and not topics)))
        if not describes:
            return {}
        return {"situation": text, "topics": topics}

    def extract_municipality(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> dict[str, Any]:
        text = message_text(tracker)
        asked = tracker.get_slot("requested_slot") == "municipality"
        if asked and intent_of(tracker) in ("dont_care", "deny"):
            return {"municipality": ANY}
        if not text:
            return {}
        found = find_municipalities(text, lang_of(tracker))
        if not found and asked and intent_of(tracker) in FUZZY_PLACE_INTENTS and len(text.split()) <= 3:
            # A short answer to "which municipality?" with a typo ("tampereel"). Never for
            # thanks, help or a crisis: "kiitti" is not Iitti.
            fuzzy = resolve_fuzzy(text)
            found = [fuzzy] if fuzzy else []
        return _changed(tracker, "municipality", found[0].fi) if found else {}

    def extract_age_group(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                          domain: DomainDict) -> dict[str, Any]:
        for entity in tracker.latest_message.get("entities") or []:
            if entity.get("entity") == "age_group":
                return _changed(tracker, "age_group", entity.get("value"))
            if entity.get("entity") == "age":
                try:
                    age = int(str(entity.get("value")).strip())
                except ValueError:
                    continue
                return _changed(tracker, "age_group", age_group_for(age))
        group = age_group_of(message_text(tracker))  # "olen eläkeläinen", "I'm a student"
        return _changed(tracker, "age_group", group) if group else {}

    def extract_online(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                       domain: DomainDict) -> dict[str, Any]:
        if ONLINE_CUE.search(message_text(tracker)):
            return _changed(tracker, "online", True)
        return _changed(tracker, "online", False) if follow_up(tracker) == "nearer" else {}

    def extract_near(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     domain: DomainDict) -> dict[str, Any]:
        """"Nearer" after results: in person only, the resident's own area first (until they
        ask for online activities again)."""
        if follow_up(tracker) == "nearer":
            return _changed(tracker, "near", True)
        return _changed(tracker, "near", False) if ONLINE_CUE.search(message_text(tracker)) else {}

    def extract_wanted_languages(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> dict[str, Any]:
        """Languages asked for in so many words ("på svenska", "englanniksi"), kept for the conversation."""
        asked = asked_languages(message_text(tracker))
        kept = list(tracker.get_slot("wanted_languages") or [])
        return _changed(tracker, "wanted_languages", kept + [c for c in asked if c not in kept]) if asked else {}
