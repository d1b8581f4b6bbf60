"""Linked Events (the events API of Helsinki, Espoo, Turku and others) as cities publish it:
API pages (``data`` + ``meta``), a plain list, or one event; locations embedded, by reference
(resolved through a places file: Linked Events ``place`` pages) or missing.

A series — a ``recurring`` super-event with its sub-events, or sub-events of one super-event
that is not in the file — becomes one activity with its upcoming dates. Postponed, cancelled
and deleted events, ``umbrella`` super-events and past events are skipped, each with a line in
the report. The mapping is described in ``catalogue/README.md``."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

from mukaan.catalogue.formats.common import (
    Notes,
    Options,
    Record,
    audience_from_ages,
    clean,
    file_by_language,
    finish,
    items,
    join_words,
    json_line,
    municipality_in,
    plain,
    read_json,
    slug,
)
from mukaan.catalogue.loader import Problem
from mukaan.catalogue.schema import AUDIENCES, LANGS
from mukaan.gazette import gazette
from mukaan.nlp import fold
from mukaan.texts.imports import AT, LE_HOW_TO_JOIN

HELSINKI = ZoneInfo("Europe/Helsinki")

# Keyword → Mukaan value. Keys are YSO ids or keyword names in Finnish, Swedish or English,
# lower-case with ä/ö/å folded to a/o/a. Documented in catalogue/README.md.
LE_KINDS = {
    "vertaistuki": "peer_support", "kamratstod": "peer_support", "peer support": "peer_support",
    "vapaaehtoistoiminta": "volunteering", "vapaaehtoistyo": "volunteering",
    "frivilligverksamhet": "volunteering", "volunteering": "volunteering",
    "ystavatoiminta": "befriending", "vanverksamhet": "befriending",
    "kerhot": "club", "kerho": "club", "klubbar": "club", "clubs": "club",
    "kohtaamispaikat": "meeting_place", "motesplatser": "meeting_place",
    "neuvonta": "advice", "radgivning": "advice", "advice": "advice",
}
LE_TOPICS = {
    "yksinaisyys": "loneliness", "ensamhet": "loneliness", "loneliness": "loneliness",
    "mielenterveys": "mental_health", "psykisk halsa": "mental_health", "mental health": "mental_health",
    "omaishoitajat": "caregiving", "omaishoito": "caregiving", "narstaendevardare": "caregiving",
    "muistisairaudet": "memory_disorders", "dementia": "memory_disorders",
    "suru": "grief", "sorg": "grief", "grief": "grief",
    "yso:p6165": "immigrants", "maahanmuuttajat": "immigrants", "invandrare": "immigrants",
    "yso:p7179": "disability", "vammaiset": "disability",
    "yso:p9607": "unemployment", "tyonhakijat": "unemployment", "tyottomat": "unemployment",
    "yso:p13050": "families", "lapsiperheet": "families", "barnfamiljer": "families", "families": "families",
    "yso:p11617": "youth", "nuoret": "youth", "unga": "youth", "youth": "youth",
    "yso:p2433": "seniors", "ikaantyneet": "seniors", "seniorit": "seniors", "aldre": "seniors",
    "liikunta": "exercise", "motion": "exercise", "exercise": "exercise", "ulkoilu": "exercise",
    "yso:p916": "exercise", "luonto": "nature", "natur": "nature", "nature": "nature", "retkeily": "nature",
    "kulttuuri": "culture", "kultur": "culture", "culture": "culture", "musiikki": "culture",
    "musik": "culture", "music": "culture", "teatteri": "culture", "taide": "culture",
    "yso:p1808": "culture", "yso:p2625": "culture", "yso:p2851": "culture",
}
LE_AUDIENCES = {
    "yso:p4354": "children", "lapset": "children", "barn": "children", "children": "children",
    "yso:p11617": "youth", "nuoret": "youth", "unga": "youth", "youth": "youth",
    "yso:p27976": "adults", "aikuiset": "adults", "vuxna": "adults", "adults": "adults",
    "yso:p2433": "seniors", "ikaantyneet": "seniors", "seniorit": "seniors", "aldre": "seniors",
    "yso:p13050": "families", "lapsiperheet": "families", "barnfamiljer": "families", "families": "families",
}
SKIPPED_STATUS = {"EventCancelled": "cancelled", "EventPostponed": "postponed (no new time yet)"}


def ref_id(ref) -> str:
    """``{"@id": ".../keyword/yso:p4354/"}`` or ``{"id": "yso:p4354"}`` → ``yso:p4354``."""
    if not isinstance(ref, dict):
        return str(ref or "")
    return str(ref.get("id") or str(ref.get("@id") or "").rstrip("/").rsplit("/", 1)[-1])


def multi(value) -> dict:
    """A Linked Events multilingual field ({fi, sv, en, …} or a plain string) → {fi, sv, en}."""
    value = {"fi": value} if isinstance(value, str) else value
    if not isinstance(value, dict):
        return {}
    return clean({lang: value[lang].strip() for lang in LANGS if isinstance(value.get(lang), str)})


def _local(stamp: str | None) -> dt.datetime | None:
    if not stamp:
        return None
    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return moment.astimezone(HELSINKI) if moment.tzinfo else moment


def _when(dates: list[dt.date], start: str | None, end: str | None, lang: str) -> str:
    """``13.10., 20.10. ja 27.10.2026 klo 17.00–18.30`` in fi, sv or en."""
    one_year = len({d.year for d in dates}) == 1
    days = [f"{d.day}.{d.month}." + ("" if one_year else str(d.year)) for d in dates]
    if one_year:
        days[-1] += str(dates[-1].year)
    text = join_words(days, lang)
    if start:
        span = f"{start}–{end}" if end else start
        text += AT[lang].format(span if lang == "en" else span.replace(":", "."))
    return text


def _keywords(event: dict) -> list[str]:
    keys = []
    for ref in (event.get("keywords") or []) + (event.get("audience") or []):
        keys.append(ref_id(ref).lower())
        if isinstance(ref, dict):
            keys += [fold(n) for n in multi(ref.get("name")).values()]
    return keys


def read_places(data) -> dict:
    """A places file: Linked Events ``place`` pages (``{"data": [place, …]}``, a list, one
    place) → {place id: place}; or a plain mapping {"name in the data": "municipality"} →
    {lower-case name: municipality}."""
    if isinstance(data, dict) and not any(k in data for k in ("data", "id", "@id")):
        return {str(k).lower(): v for k, v in data.items() if isinstance(v, str)}
    places = data.get("data") if isinstance(data, dict) and "data" in data else data
    places = [places] if isinstance(places, dict) else places
    return {ref_id(p): p for p in places or [] if isinstance(p, dict)}


def _place(event: dict, options: Options, notes: Notes) -> dict:
    """The place fields from the event's location (embedded, or found in the places file)."""
    place = event.get("location") or {}
    place = options.places.get(ref_id(place)) if isinstance(options.places.get(ref_id(place)), dict) else place
    if "internet" in ref_id(place) or event.get("is_virtualevent"):
        return {"online": True, "municipality": options.municipality}
    locality = multi(place.get("address_locality"))
    divisions = [multi(d.get("name")).get("fi") for d in place.get("divisions") or []
                 if isinstance(d, dict) and d.get("type") == "muni"]
    found = next(filter(None, map(gazette().resolve, [*locality.values(), *divisions])), None)
    extra = " ".join(multi(event.get("location_extra_info")).values())
    municipality = options.municipality or (found.fi if found else None)
    if municipality is None and extra:
        municipality = municipality_in(extra)
        if municipality:
            notes.note(f"municipality: {municipality} found in location_extra_info")
    if municipality is None:
        embedded = bool(place.get("address_locality") or place.get("name"))
        notes.error("municipality: " + ("the location names no Finnish municipality" if embedded else
                                        "the event's location is not embedded (fetch the events with "
                                        "?include=location)" if place else "the event has no location"),
                    "give --municipality NAME, or --places with the Linked Events place pages")
        return {}
    street = multi(place.get("street_address")).get("fi")
    postal = " ".join(p for p in (place.get("postal_code"), locality.get("fi") or municipality) if p)
    position = (place.get("position") or {}).get("coordinates") or []
    return clean({"municipality": municipality, "area": multi(place.get("name")).get("fi"),
                  "address": f"{street}, {postal}" if street else None,
                  "coordinates": {"lon": position[0], "lat": position[1]} if len(position) == 2 else None})


def _organizer(event: dict, notes: Notes) -> dict | None:
    provider = multi(event.get("provider"))
    if provider:
        return {"name": provider.get("fi") or next(iter(provider.values()))}
    publisher = event.get("publisher")
    name = multi(publisher.get("name")) if isinstance(publisher, dict) else {}
    if name:
        notes.note("organizer: no provider; the publisher's name is used")
        return {"name": name.get("fi") or next(iter(name.values()))}
    return None


def _activity(event: dict, subs: list[dict], options: Options, notes: Notes) -> dict | None:
    series = bool(subs)
    times = [(_local(e.get("start_time")), _local(e.get("end_time"))) for e in (subs or [event])]
    times = sorted((t for t in times if t[0]), key=lambda t: t[0])
    past = [s for s, e in times if (e or s).date() < options.today]
    times = [(s, e) for s, e in times if (e or s).date() >= options.today]
    if past and not times:
        notes.note(f"past: ended {past[-1].date().isoformat()}; skipped")
        return None
    if past:
        notes.note(f"schedule: {len(past)} past date(s) left out")
    first_start, first_end = times[0] if times else (None, None)
    dates = sorted({s.date() for s, _ in times})
    start = first_start.strftime("%H:%M") if first_start and event.get("has_start_time", True) else None
    end = first_end.strftime("%H:%M") if first_end and event.get("has_end_time", True) else None
    keys = _keywords(event)
    kinds = [LE_KINDS[k] for k in keys if k in LE_KINDS]
    audience = list(dict.fromkeys(LE_AUDIENCES[k] for k in keys if k in LE_AUDIENCES))
    ages = (event.get("audience_min_age"), event.get("audience_max_age"))
    if not audience and any(a is not None for a in ages):
        audience = [a for a in AUDIENCES if a in audience_from_ages(*ages)]
    offer = (event.get("offers") or [{}])[0] or {}
    info = multi(event.get("info_url"))
    languages = [ref_id(ref).split("_")[0].lower() for ref in event.get("in_language") or []]
    updated = _local(event.get("last_modified_time") or event.get("date_published"))
    price = {k: plain(v) for k, v in multi(offer.get("price")).items()}
    text = lambda value, name: file_by_language(value, None, notes, name) or None  # noqa: E731
    description = text({k: plain(v) for k, v in multi(event.get("description")
                                                       or event.get("short_description")).items()},
                       "description") or {}
    return {
        "id": slug(event.get("id") or ""),
        "name": text(multi(event.get("name")), "name"),
        "description": description,
        "how_to_join": LE_HOW_TO_JOIN,
        "organizer": _organizer(event, notes),
        "kind": (kinds[0] if series and kinds else None if series else "event"),
        "topics": list(dict.fromkeys(LE_TOPICS[k] for k in keys if k in LE_TOPICS)),
        "audience": audience, "min_age": ages[0], "max_age": ages[1],
        "languages": list(dict.fromkeys(languages)) or list(description)[:1] or ["fi"],
        **_place(event, options, notes),
        "schedule": clean({"text": {lang: _when(dates, start, end, lang) for lang in LANGS} if dates else None,
                           "start": start, "end": end, "dates": dates}),
        "cost": clean({"free": bool(offer.get("is_free")), "text": text(price, "cost") if price else None}),
        "signup_required": bool(event.get("enrolment_start_time") or event.get("enrolment_url")),
        "url": next((u for u in info.values() if u.startswith("http")), None),
        "source": f"linked-events:{event.get('id')}",
        "series": ref_id(event.get("super_event")) or (event.get("id") if series else None),
        "updated": updated.date() if updated else options.today,
    }


def _plan(events: list[dict]) -> list[tuple[dict, list[dict]]]:
    """What becomes an activity: (event, its sub-events). A recurring super-event takes its
    sub-events in the file; sub-events of a super-event not in the file form one series."""
    by_id = {ref_id(e): e for e in events}
    orphans = defaultdict(list)
    plan = []
    for event in events:
        parent_id = ref_id(event.get("super_event"))
        parent = by_id.get(parent_id)
        if parent and parent.get("super_event_type") == "recurring":
            continue                                   # part of a series: becomes its dates
        if parent_id and not parent and event.get("sub_event_type", "sub_recurring") == "sub_recurring":
            orphans[parent_id].append(event)
            continue
        subs = [by_id[ref_id(r)] for r in items(event.get("sub_events")) if ref_id(r) in by_id]
        if event.get("super_event_type") == "recurring" and not subs:
            subs = [e for e in events if ref_id(e.get("super_event")) == ref_id(event)]
        plan.append((event, subs))
    for subs in orphans.values():
        plan.append((subs[0], subs if len(subs) > 1 else []))
    return plan


def le_records(path: Path, options: Options) -> tuple[list[Record], list[Problem]]:
    data, text, problems = read_json(path)
    if problems:
        return [], problems
    events = data.get("data") if isinstance(data, dict) and "data" in data else data
    events = [events] if isinstance(events, dict) else events
    if not isinstance(events, list):
        return [], [Problem(str(path), 1, "expected a Linked Events response {\"meta\", \"data\": [events]}")]
    prefix = "data" if isinstance(data, dict) and "data" in data else ""
    where = {id(e): f"{prefix}[{i}]" if prefix or len(events) > 1 else "$" for i, e in enumerate(events)}
    records, kept = [], []
    for event in events:
        notes = Notes(str(path), json_line(text, event.get("id")) if isinstance(event, dict) else 1,
                      str(event.get("id", "")) if isinstance(event, dict) else "", where[id(event)])
        if not isinstance(event, dict):
            notes.error("each event must be a JSON object")
        elif event.get("deleted"):
            notes.note("deleted: skipped")
        elif event.get("event_status") in SKIPPED_STATUS:
            notes.note(f"{SKIPPED_STATUS[event['event_status']]}: skipped")
        elif event.get("super_event_type") == "umbrella":
            notes.note("umbrella event: skipped (its sub-events are imported one by one)")
        else:
            kept.append(event)
        problems += notes.found
    for event, subs in _plan(kept):
        notes = Notes(str(path), json_line(text, event.get("id")), str(event.get("id", "")), where[id(event)])
        raw = None
        try:
            raw = _activity(event, subs, options, notes)
        except (AttributeError, TypeError, ValueError) as exc:
            notes.error(f"unexpected Linked Events structure: {exc}")
        if raw is not None:                          # its warnings too, even when it fails
            if len(subs) > 1 and ref_id(event.get("super_event")):
                raw["id"] = slug(ref_id(event["super_event"]))
            raw = finish(clean(raw), notes, default_kind="club" if subs else "event")
            if not notes.failed:
                records.append((raw, None, notes.line))
        problems += notes.found
    return records, problems


def is_linked_events(data) -> bool:
    if isinstance(data, dict) and "data" in data and "services" not in data:
        return True
    first = data[0] if isinstance(data, list) and data else data
    return isinstance(first, dict) and ("start_time" in first or "@context" in first and "event_status" in first)

