"""One time format per language in schedule texts (docs/glossary.md, "Times and dates").

- Suomi: ``klo 18–21``, ``klo 17.30–20.30``; Svenska: ``kl. 18–21``, ``kl. 17.30–20.30``.
- English: ``5.30–8.30 pm``, ``10 am – 12 noon``, ``8 pm – midnight``, ``at 6 pm``.

``normalise`` rewrites a text into its language's format (24-hour English ranges, ``18:00``,
``9 am–4 pm``, ``12–4 pm``, ``noon to 8 pm`` …); a text is in the format when ``normalise``
leaves it as it is and ``problems`` finds nothing else.
"""
from __future__ import annotations

import re

from mukaan.texts.cards import CLOCK

_T = r"\d{1,2}(?:[.:]\d\d)?"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b"
_NOT_TIMES = r"(?:times|hours|years|sessions|weeks|people)\b"
# A time range in English: "5.30–8.30 pm", "9 am–4 pm", "noon to 8 pm", "18–21", "17:00–18:30".
# Not date ranges ("15–16 Sept") nor counts ("2–4 times").
_EN_RANGE = re.compile(
    rf"(?<![\d.:/])(?P<a>{_T}|noon)(?:\s?(?P<ap>am|pm|noon)\b)?\s?(?:–|-|\bto\b)\s?"
    rf"(?P<b>{_T}|noon|midnight)(?:\s?(?P<bp>am|pm|noon)\b)?(?![\d:/])(?!\s?(?:{_MONTH}|{_NOT_TIMES}))",
    re.IGNORECASE)
# A time in Finnish or Swedish after "klo" / "kl.": "klo 18–21", "kl. 17.30".
_NORDIC = re.compile(rf"\b(?P<word>klo|kello|kl\.?)\s?(?P<a>{_T})(?:\s?[–-]\s?(?P<b>{_T}))?(?![\d:])")
NOON, MIDNIGHT = 12 * 60, 24 * 60


def _minutes(time: str, suffix: str | None) -> int:
    hours, _, mins = time.replace(":", ".").partition(".")
    h, m = int(hours), int(mins or 0)
    if suffix == "am":
        h %= 12
    elif suffix == "pm":
        h = h % 12 + 12
    return h * 60 + m


def _clock(t: int) -> tuple[str, str | None]:
    """A time of day in English: ("5.30", "pm"), ("12 noon", None), ("midnight", None)."""
    if t == NOON:
        return "12 noon", None
    if t >= MIDNIGHT - 1 or t == 0:
        return "midnight", None
    h, m = divmod(t, 60)
    return (f"{h % 12 or 12}.{m:02d}" if m else f"{h % 12 or 12}"), ("am" if h < 12 else "pm")


def english_range(start: int, end: int) -> str:
    """A range in minutes after midnight, as English writes it: "5.30–8.30 pm", "10 am – 12 noon"."""
    (a, sa), (b, sb) = _clock(start), _clock(end)
    if sa and sa == sb:
        return f"{a}–{b} {sa}"
    return f"{a}{' ' + sa if sa else ''} – {b}{' ' + sb if sb else ''}"


def _en_range(m: re.Match) -> str:
    a, ap, b, bp = m["a"], (m["ap"] or "").lower() or None, m["b"], (m["bp"] or "").lower() or None
    if a.lower() == "noon":
        a, ap = "12", "noon"
    if b.lower() in ("noon", "midnight"):
        b, bp = "12", b.lower()
    if ap is None and bp is None:  # a 24-hour range: "18–21", "17:00–18:30"
        start, end = _minutes(a, None), _minutes(b, None)
    else:
        end = NOON if bp == "noon" else MIDNIGHT if bp == "midnight" else _minutes(b, bp)
        if ap == "noon":
            start = NOON
        elif ap:
            start = _minutes(a, ap)
        else:  # "5–8 pm": the start in the same half of the day, unless that is after the end
            start = _minutes(a, "pm" if bp in ("pm", "midnight") else "am")
            if start > end:
                start = _minutes(a, "am")
    return english_range(start, end)


def _nordic_time(t: str) -> str:
    hours, _, mins = t.replace(":", ".").partition(".")
    return str(int(hours)) + (f".{mins}" if mins and mins != "00" else "")


def _nordic(m: re.Match, lang: str) -> str:
    times = "–".join(_nordic_time(t) for t in (m["a"], m["b"]) if t)
    return f"{CLOCK[lang]} {times}"


def normalise(text: str, lang: str) -> str:
    """``text`` with its times written in the format of ``lang``."""
    if lang == "en":
        return _EN_RANGE.sub(_en_range, text)
    if lang in CLOCK:
        return _NORDIC.sub(lambda m: _nordic(m, lang), text)
    return text


def problems(text: str, lang: str) -> list[str]:
    """What in ``text`` is not in the time format of ``lang`` (empty when all is well)."""
    found = []
    if normalise(text, lang) != text:
        found.append(f"should read: {normalise(text, lang)!r}")
    if re.search(r"\d:\d\d", text):
        found.append("a time with a colon")
    if lang == "en" and re.search(r"(?<!12 )\bnoon\b", text):
        found.append("'noon' without '12'")
    if lang in CLOCK and re.search(r"\b(am|pm)\b", text):
        found.append("am/pm in a Finnish or Swedish text")
    return found


def clock(hhmm: str, lang: str) -> str:
    """A time of day "HH:MM" as ``lang`` writes it alone: "klo 17.30", "kl. 18", "5.30 pm"."""
    if lang == "en":
        text, suffix = _clock(_minutes(hhmm, None))
        return f"{text} {suffix}" if suffix else text
    return f"{CLOCK.get(lang, CLOCK['fi'])} {_nordic_time(hhmm)}"
