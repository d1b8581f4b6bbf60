"""Which of Finnish, Swedish and English a message is written in (lingua), so the bot can
follow a resident who clearly writes in another language than the page's."""
from __future__ import annotations

import re
from functools import lru_cache

from lingua import Language, LanguageDetectorBuilder

from mukaan_catalogue.gazette import gazette

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
    Municipality names are left out: "I live in Espoo" is English, not Finnish."""
    if text.startswith("/"):
        return None
    words = [w for w in _WORD.findall(text) if gazette().resolve(w) is None]
    if len(words) < MIN_WORDS:
        return None
    values = _detector().compute_language_confidence_values(" ".join(words))
    if not values:
        return None
    top, second = values[0], (values[1].value if len(values) > 1 else 0.0)
    if top.value >= MIN_CONFIDENCE and top.value - second >= MIN_MARGIN:
        return _CODES[top.language]
    return None
