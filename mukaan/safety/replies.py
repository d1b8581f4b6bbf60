"""The crisis reply for each class, put together from its texts (mukaan/texts/crisis.py).

A reply is made of lines: a word of sympathy, the emergency number, then the helplines that
fit each class found (in a fixed order, each line once), then a closing line. A message that
speaks of two things ("he hits me and I want to die") gets the helplines of both.
"""
from __future__ import annotations

from mukaan.texts.crisis import BUTTONS, CLOSING, EMERGENCY, LINES, OPENING, QUIET

LINE_ORDER = ("child", "mieli", "nollalinja", "seri", "police")

# The helplines each class gets.
LINES_FOR = {
    "suicidal": ("mieli",),
    "self_harm": ("mieli",),
    "domestic_violence": ("nollalinja", "mieli"),
    "sexual_abuse": ("seri", "nollalinja", "mieli"),
    "child_abuse": ("child",),
    "threat_to_kill": ("police", "nollalinja"),
    "danger_to_others": ("mieli",),
}

VIOLENCE = {"domestic_violence", "sexual_abuse", "threat_to_kill"}


def crisis_reply(classes: str | list[str], lang: str) -> tuple[str, list[tuple[str, str]]]:
    """The crisis message for ``classes`` (most important first) and its buttons (title,
    payload), in ``lang``."""
    lang = lang if lang in OPENING else "fi"
    classes = [classes] if isinstance(classes, str) else list(classes) or ["suicidal"]
    first = classes[0]
    opening = OPENING[lang]["violence" if first in VIOLENCE else first if first in OPENING[lang] else "suicidal"]
    emergency = EMERGENCY[lang]["others" if first == "danger_to_others" else "self"]
    wanted = {line for c in classes for line in LINES_FOR.get(c, ("mieli",))}
    lines = [LINES[lang][name] for name in LINE_ORDER if name in wanted]
    closing = [] if first == "danger_to_others" else [CLOSING[lang]]
    return "\n".join([f"{opening} {emergency}", *lines, *closing]), BUTTONS[lang]


def quiet_line(lang: str) -> str:
    return QUIET.get(lang, QUIET["fi"])
