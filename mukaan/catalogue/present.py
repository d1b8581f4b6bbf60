"""How an activity is shown: the JSON card the pages render and a plain-text version for
chat channels without cards. Both in the reader's language, falling back to Finnish."""
from __future__ import annotations

from urllib.parse import quote

from mukaan.catalogue.ranking import Result, explain
from mukaan.catalogue.schema import ACCESSIBILITY, AUDIENCES, KINDS, TOPICS, Activity
from mukaan.texts.cards import AREAS, DEMO, FREE, ONLINE
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


def card(activity: Activity, lang: str, score: float | None = None, why: str | None = None) -> dict:
    """The public JSON form of an activity (the API contract's `activity`)."""
    a = activity
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


def result_card(result: Result, lang: str) -> dict:
    return card(result.activity, lang, result.score, result.why)


def as_text(cards: list[dict], lang: str) -> str:
    """A numbered plain-text list of activity cards."""
    lines = []
    for i, c in enumerate(cards, 1):
        lines.append(f"{i}. {c['name']} ({c['organizer']})")
        lines.append(f"   {c['place']} · {c['schedule']}" + (f" · {c['cost']}" if c["cost"] else ""))
        lines.append(f"   {c['how_to_join']}")
        if c["url"]:
            lines.append(f"   {c['url']}")
    return "\n".join(lines)
