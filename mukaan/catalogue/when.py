"""When a resident wants something to happen: a search's time window ("today", "this weekend",
a date range) as days in Finland's time zone, and the time words residents use for it.

``window(name, today)`` turns the search API's ``when`` (and the conversation's) into a
``Window``; ``find(text)`` spots a time word in a message ("viikonloppuna", "i kväll",
"on Saturday") and ``strip(text)`` takes them out of the words the search ranks by.
Weeks start on Monday; "this weekend" is the coming Saturday and Sunday (on a Sunday, today).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from mukaan.catalogue.schema import WEEKDAYS

HELSINKI = ZoneInfo("Europe/Helsinki")
ANY = "any"               # "milloin vain", "when ever": no time window
MAX_DAYS = 366            # the longest date range the API takes
NAMES = ("today", "tonight", "tomorrow", "this_week", "this_weekend", "next_week", *WEEKDAYS)


def helsinki_today() -> dt.date:
    """Today in Finland (the server's clock may be in UTC)."""
    return dt.datetime.now(HELSINKI).date()


@dataclass(frozen=True)
class Window:
    """The days from ``start`` to ``end`` (both included), and what was asked (``name``: one of
    NAMES, or "dates" for a range given as dates)."""
    start: dt.date
    end: dt.date
    name: str = "dates"

    @property
    def days(self) -> tuple[dt.date, dt.date]:
        return self.start, self.end

    @property
    def weekdays(self) -> frozenset[str]:
        """The weekdays (schema.WEEKDAYS) that fall in the window."""
        n = min((self.end - self.start).days + 1, 7)
        return frozenset(WEEKDAYS[(self.start + dt.timedelta(days=i)).weekday()] for i in range(n))


def window(when: str, today: dt.date) -> Window:
    """The window ``when`` names as seen on ``today``: one of NAMES, "YYYY-MM-DD" or
    "YYYY-MM-DD..YYYY-MM-DD". A ValueError says what is wrong with any other value."""
    when = when.strip().lower()
    day = dt.timedelta(days=1)
    if when in ("today", "tonight"):
        return Window(today, today, when)
    if when == "tomorrow":
        return Window(today + day, today + day, when)
    if when == "this_week":
        return Window(today, today + (6 - today.weekday()) * day, when)
    if when == "this_weekend":
        saturday = today + max(5 - today.weekday(), 0) * day if today.weekday() < 6 else today
        return Window(saturday, today + (6 - today.weekday()) * day, when)
    if when == "next_week":
        monday = today + (7 - today.weekday()) * day
        return Window(monday, monday + 6 * day, when)
    if when in WEEKDAYS:
        on = today + ((WEEKDAYS.index(when) - today.weekday()) % 7) * day
        return Window(on, on, when)
    start, sep, end = when.partition("..")
    try:
        first = dt.date.fromisoformat(start)
        last = dt.date.fromisoformat(end) if sep else first
    except ValueError:
        raise ValueError(f"when must be one of {', '.join(NAMES)}, a date YYYY-MM-DD "
                         "or a range YYYY-MM-DD..YYYY-MM-DD") from None
    if last < first:
        raise ValueError("when: the range ends before it starts")
    if (last - first).days >= MAX_DAYS:
        raise ValueError(f"when: the range is longer than {MAX_DAYS} days")
    return Window(first, last)


# Time words in Finnish, Swedish and English, with their common inflected and colloquial forms.
# Checked in this order at each position; the first time word in the message counts.
_WORDS = {
    ANY: r"milloin (vain|tahansa|vaan)|ajalla ei (ole )?väliä|när som helst|any ?time|whenever",
    "tonight": r"tänä (iltana|iltapäivänä)|tänää?n? illal(la)?|tän iltana|täna iltana|"
               r"i ?kväll|i eftermiddag|tonight|this (evening|afternoon)",
    "today": r"tänään\b|tänää\b|tänä päivänä|i ?dag\b|today",
    "tomorrow": r"huomisiltana|huomenn?a( illalla)?|huomen\b|i ?morgon( ?kväll)?|tomorrow( evening| night)?",
    "this_weekend": r"((tänä|tulevana|ensi|nyt) )?viikonlopp?u\w*|viikonlopulla|viikkari\w*|"
                    r"(nu )?(i|till|under) helgen|helgen\b|(this|the|at the|on the) weekend|weekend",
    "next_week": r"ensi viikol\w*|ensi viikon aikana|nästa vecka|(i|under) nästa vecka|next week",
    "this_week": r"tällä viikol\w*|tämän viikon aikana|tän viikon|(den här|denna) veckan?|i veckan|"
                 r"this week|later this week",
    "mon": r"maanantai\w*|(på )?måndag\w*|(on )?monday\w*",
    "tue": r"tiistai\w*|(på )?tisdag\w*|(on )?tuesday\w*",
    "wed": r"keskiviikko\w*|keskiviikkona|(på )?onsdag\w*|(on )?wednesday\w*",
    "thu": r"torstai\w*|(på )?torsdag\w*|(on )?thursday\w*",
    "fri": r"perjantai\w*|(på )?fredag\w*|(on )?friday\w*",
    "sat": r"lauantai\w*|\bla\b|(på )?lördag\w*|(on )?saturday\w*",
    "sun": r"sunnuntai\w*|\bsu\b|(på )?söndag\w*|(on )?sunday\w*",
}
_FIND = re.compile("|".join(rf"(?P<{'w_' + name}>\b(?:{rx}))" for name, rx in _WORDS.items()), re.IGNORECASE)


def find(text: str) -> str | None:
    """The time the message asks for: a name of NAMES, ANY ("whenever"), or None (no time word).
    The first time word counts: "tomorrow evening" is tomorrow."""
    m = _FIND.search(text or "")
    return m.lastgroup.removeprefix("w_") if m else None


def strip(text: str) -> str:
    """``text`` without its time words: "this weekend" is a filter, not words to rank by."""
    return " ".join(_FIND.sub(" ", text).split())
