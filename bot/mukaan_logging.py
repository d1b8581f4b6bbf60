"""Keeps what residents write out of Rasa's log (Rasa Open Source 3.6 runs in its own env).

Rasa's REST channel logs the message text at ERROR level when a turn is cancelled (the web
app gave up waiting: `rest.message.received.timeout`) or fails; Rasa Pro anonymises such
fields, Open Source does not. This filter, attached by bot/logging.yml (`rasa run
--logging-config-file bot/logging.yml`, as devtools/stack.py and deploy/rasa.Dockerfile do), drops
the conversation fields from Rasa's structured (JSON) log records and keeps the event name.
"""
from __future__ import annotations

import json
import logging

# The keys Rasa's own anonymiser would treat (rasa/utils/log_utils.py, _anonymizer).
CONVERSATION_KEYS = frozenset({
    "text", "response_text", "user_text", "slot_values", "parse_data_text", "parse_data_entities",
    "prediction_events", "tracker_latest_message", "prefilled_slots", "message", "response",
    "slot_candidates", "rasa_event", "rasa_events", "tracker_states", "current_states",
    "old_states", "successes", "current_entity", "next_entity", "states", "entity", "token_text",
    "user_message", "json_message",
})


class DropConversationText(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str) or not record.msg.startswith("{"):
            return True
        try:
            fields = json.loads(record.getMessage())
        except (TypeError, ValueError):
            return True
        if isinstance(fields, dict) and CONVERSATION_KEYS & fields.keys():
            kept = {k: v for k, v in fields.items() if k not in CONVERSATION_KEYS}
            record.msg, record.args = json.dumps(kept), None
        return True
