"""How an activity is shown: the JSON card the pages render and a plain-text version for
chat channels without cards. Both in the reader's language, falling back to Finnish."""
from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from mukaan.catalogue.ranking import Result, explain
from mukaan.catalogue.schema import ACCESSIBILITY, AUDIENCES, KINDS, TOPICS, Activity
from mukaan.catalogue.times import clock
from mukaan.catalogue.when import helsinki_today
from mukaan.texts.cards import AREAS, DEMO, FREE, MONTH_ABBR_EN, NEXT_TIME, ONLINE, WEEKDAY_ABBR
from mukaan.texts.labels import ACCESSIBILITY_LABELS, AUDIENCE_LABELS, LANGUAGE_NAMES, kind_label, label, topic_label

OSM_SEARCH = "https://www.openstreetmap.org/search?query="


def map_url(address: str | None, municipality: str | None) -> str | None:
    """An OpenStreetMap search link for a street address (no third-party script on the page)."""
    if not address:
        return None
    return OSM_SEARCH + quote(", ".join(p for p in (address, municipality) if p))


def taxonomy_options(lang: str) -> dict[str, list[dict[str, str]]]:
    """The kinds, topics (by label), audiences and accessibility features as
    ``{"value", "label"}`` in ``lang``: for the staff console's filters and the editor."""
    def option(value: str, text: str) -> dict[str, str]:
        return {"value": value, "label": text}
    return {
        "kinds": [option(k, kind_label(k, lang)) for k in KINDS],
        "topics": sorted((option(t, topic_label(t, lang)) for t in TOPICS), key=lambda o: o["label"]),
        "audiences": [option(a, label(AUDIENCE_LABELS, a, lang)) for a in AUDIENCES],
        "accessibility": [option(a, label(ACCESSIBILITY_LABELS, a, lang)) for a in ACCESSIBILITY],
    }


def _t(text, lang: str) -> str | None:
    return text.get(lang) if text is not None else None


def next_date(activity: Activity, today: dt.date) -> dt.date | None:
    """The first of the activity's dates from ``today`` on (None: no dates, or all passed)."""
    return min((d for d in activity.schedule.dates if d >= today), default=None)


def next_time(activity: Activity, lang: str, today: dt.date) -> str | None:
    """The next time of a dated activity as ``lang`` writes it: "ti 9.12. klo 17.30",
    "tis 9.12 kl. 17.30", "Tue 9 Dec, 5.30 pm" (the time only when the schedule has one)."""
    day = next_date(activity, today)
    if day is None:
        return None
    lang = lang if lang in WEEKDAY_ABBR else "fi"
    weekday = WEEKDAY_ABBR[lang][day.weekday()]
    start = activity.schedule.start
    if lang == "en":
        text = f"{weekday} {day.day} {MONTH_ABBR_EN[day.month - 1]}"
        return f"{text}, {clock(start, lang)}" if start else text
    text = f"{weekday} {day.day}.{day.month}" + ("" if lang == "sv" else ".")
    return f"{text} {clock(start, lang)}" if start else text


def card(activity: Activity, lang: str, score: float | None = None, why: str | None = None,
         today: dt.date | None = None) -> dict:
    """The public JSON form of an activity (the API contract's `activity`); ``next_time`` is
    counted from ``today`` (default: today in Finland; callers pass ``ranking.today(settings)``)."""
    a = activity
    today = today or helsinki_today()
    upcoming = next_date(a, today)
    area = AREAS.get(a.area or "", {}).get(lang, a.area)
    place = ", ".join(p for p in (area, a.municipality.name(lang) if a.municipality else None) if p)
    cost = _t(a.cost.text, lang) or (FREE.get(lang, FREE["fi"]) if a.cost.free else None)
    return {
        "id": a.id,
        "name": a.name.get(lang),
        "kind": a.kind,
        "kind_label": kind_label(a.kind, lang),
        "topics": list(a.topics),
        "topic_labels": [topic_label(t, lang) for t in a.topics],
        "municipality": a.municipality.name(lang) if a.municipality else None,
        "municipality_fi": a.municipality.fi if a.municipality else None,
        "municipality_code": a.municipality.code if a.municipality else None,
        "online": a.online,
        "place": place or ONLINE.get(lang, ONLINE["fi"]).capitalize(),
        "address": a.address,
        "languages": list(a.languages),
        "audience": list(a.audience),
        "description": a.description.get(lang),
        "how_to_join": a.how_to_join.get(lang),
        "schedule": a.schedule.text.get(lang),
        "next_date": upcoming.isoformat() if upcoming else None,   # dated activities only
        "next_time": next_time(a, lang, today),
        "cost": cost,
        "free": a.cost.free,
        "accessibility": list(a.accessibility),
        "accessibility_labels": [label(ACCESSIBILITY_LABELS, x, lang) for x in a.accessibility],
        "language_names": [label(LANGUAGE_NAMES, x, lang) for x in a.languages],
        "signup_required": a.signup_required,
        "organizer": a.organizer.name,
        "organizer_contact": {"url": a.organizer.url, "email": a.organizer.email, "phone": a.organizer.phone},
        "map_url": map_url(a.address, a.municipality.fi if a.municipality else None),
        "url": a.url or a.organizer.url,
        "updated": a.updated.isoformat(),
        "checked": a.checked.isoformat(),     # last checked: confirmed by the organiser, else updated
        "status": a.status,
        "demo": a.source == "demo",
        "demo_label": DEMO.get(lang, DEMO["fi"]) if a.source == "demo" else None,
        "text_lang": a.description.lang_of(lang),
        "inferred": list(a.inferred),       # imported fields guessed from the text: staff check them
        "score": round(score, 4) if score is not None else None,
        "why": why if why is not None else explain(a, [], lang),
    }


def result_card(result: Result, lang: str, today: dt.date | None = None) -> dict:
    return card(result.activity, lang, result.score, result.why, today)


def as_text(cards: list[dict], lang: str) -> str:
    """A numbered plain-text list of activity cards."""
    lines = []
    for i, c in enumerate(cards, 1):
        lines.append(f"{i}. {c['name']} ({c['organizer']})")
        lines.append(f"   {c['place']} · {c['schedule']}" + (f" · {c['cost']}" if c["cost"] else ""))
        if c.get("next_time"):
            lines.append(f"   {NEXT_TIME.get(lang, NEXT_TIME['fi'])}: {c['next_time']}")
        lines.append(f"   {c['how_to_join']}")
        if c["url"]:
            lines.append(f"   {c['url']}")
    return "\n".join(lines)
