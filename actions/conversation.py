"""Crisis reply, starting over, and changing the language of the conversation."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action
from rasa_sdk.events import AllSlotsReset, FollowupAction, SlotSet

from actions.services import services
from actions.slots import lang_of, message_text
from mukaan.safety import check, crisis_reply, is_calm_phrase
from mukaan.texts import LANGS, say


class ActionCrisis(Action):
    """Emergency guidance. The web app checks every message (mukaan.safety: lexicon and
    classifier) before Rasa sees it; this action answers when the NLU classifier finds a crisis
    the check missed, and is sure enough of it where the check ran with both routes."""

    def name(self) -> str:
        return "action_crisis"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        text = message_text(tracker)
        if is_calm_phrase(text, lang) or _overruled(tracker):
            # "jag dör av tristess", "haluun lopettaa tupakoinnin": everyday, not a crisis.
            # Treat it as a situation.
            return [SlotSet("situation", text), FollowupAction("search_form")]
        category = check(text, lang).category or "suicidal"
        text, buttons = crisis_reply(category, lang)
        dispatcher.utter_message(text=text, buttons=[{"title": t, "payload": p} for t, p in buttons])
        return []


def _overruled(tracker) -> bool:
    """The web app's check ran with both routes and found no crisis (message metadata), and
    the NLU classifier's crisis guess is below the setting crisis_nlu_confidence."""
    message = tracker.latest_message
    if not (message.get("metadata") or {}).get("crisis_checked"):
        return False
    confidence = (message.get("intent") or {}).get("confidence", 1.0)
    return confidence < services().settings.crisis_nlu_confidence


class ActionStartOver(Action):
    def name(self) -> str:
        return "action_start_over"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        lang = lang_of(tracker)
        dispatcher.utter_message(text=say("start_over_done", lang))
        return [AllSlotsReset(), SlotSet("language", lang)]


class ActionChangeLanguage(Action):
    def name(self) -> str:
        return "action_change_language"

    async def run(self, dispatcher, tracker, domain) -> list[dict[str, Any]]:
        wanted = next((e.get("value") for e in tracker.latest_message.get("entities") or []
                       if e.get("entity") == "language" and e.get("value") in LANGS), None)
        lang = wanted or lang_of(tracker)
        dispatcher.utter_message(text=say("language_changed", lang), json_message={"set_lang": lang})
        return [SlotSet("language", lang)]
