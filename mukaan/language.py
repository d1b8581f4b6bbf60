"""Which of Finnish, Swedish and English a message is written in (lingua), so the bot can
follow a resident who clearly writes in another language than the page's, and the rule
(:func:`decide`) that keeps a conversation in its language from turn to turn."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

from mukaan.gazette import is_place_word

_CODES = {Language.FINNISH: "fi", Language.SWEDISH: "sv", Language.ENGLISH: "en"}
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
MIN_WORDS = 2          # one word ("moi", "Espoo") is never enough
MIN_CONFIDENCE = 0.6   # lingua's relative confidence of the top language
MIN_MARGIN = 0.3       # ... and its lead over the second


@lru_cache(maxsize=1)
def _detector():
    detector = LanguageDetectorBuilder.from_languages(*_CODES).with_preloaded_language_models().build()
    return detector


def warm_up() -> None:
    _detector()


def detect(text: str) -> str | None:
    """"fi", "sv" or "en" when the text clearly is in that language, otherwise None.
    Place names (municipalities, districts, spoken forms) are left out: "I live in Espoo" is
    English, not Finnish, and "Borgå" alone is no language at all."""
    if text.startswith("/"):
        return None
    words = [w for w in _WORD.findall(text) if not is_place_word(w)]
    if len(words) < MIN_WORDS:
        return None
    values = _detector().compute_language_confidence_values(" ".join(words))
    if not values:
        return None
    top, second = values[0], (values[1].value if len(values) > 1 else 0.0)
    if top.value >= MIN_CONFIDENCE and top.value - second >= MIN_MARGIN:
        return _CODES[top.language]
    return None


@dataclass(frozen=True)
class Remembered:
    """What a session keeps of its language between turns (no text): the conversation's
    language, and the language the page asked for last time."""
    lang: str
    page: str | None = None


@dataclass(frozen=True)
class Decision:
    lang: str
    switched: bool      # the resident's own words switched it: say so, once


def decide(page: str | None, remembered: Remembered | None, written_in: str | None,
           default: str = "fi") -> Decision:
    """The language a turn is answered in.

    The conversation keeps the language it has (``remembered``); a turn sent without a
    language (``page`` None) continues in it. A page that asks for another language than it
    asked for last time (its language buttons) changes it without a notice. Only a message
    clearly written in another language (``written_in``, from :func:`detect`: never a place
    name, a number or a one-word answer) switches it, with a notice — once, because the next
    turn starts from the new language."""
    if remembered is None:
        current = page or default
    elif page and page != remembered.page:
        current = page
    else:
        current = remembered.lang
    if written_in and written_in != current:
        return Decision(written_in, True)
    return Decision(current, False)
