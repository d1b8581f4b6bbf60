"""Bring activities in from other formats, and give the catalogue out as Open Referral HSDS.

Three readers, each returning ``(activities, problems)`` like :func:`loader.read_yaml`, with
every problem carrying the file and a line:

* :func:`read_csv` — a spreadsheet (Excel "CSV UTF-8"), one activity per row;
* :func:`read_hsds` — Open Referral HSDS 3 JSON; :func:`export_hsds` writes the same shape,
  with what HSDS lacks (Swedish and English text, …) in an ``x_mukaan`` object per service;
* :func:`read_linked_events` — a Linked Events API response (the Helsinki region events API).

:func:`import_file` adds a file to the catalogue all-or-nothing: it validates everything
first, then writes ``imported-<name>.yaml`` into the data folder and refreshes the SQLite
store. If anything fails, the data folder and the store are left exactly as they were.
The formats and columns are described in ``catalogue/README.md``.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import os
import re
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from mukaan.nlp import fold
from mukaan_catalogue.gazette import gazette
from mukaan_catalogue.loader import CatalogueError, Problem, load_dir, parse_records, read_yaml
from mukaan_catalogue.schema import LANGS, WEEKDAYS, Activity
from mukaan_catalogue.taxonomy import kind_label, topic_label

FORMATS = ("csv", "hsds", "linked-events")
HELSINKI = ZoneInfo("Europe/Helsinki")

Record = tuple[dict, None, int]          # raw activity fields, no YAML node, line in the file


# --- small helpers ---------------------------------------------------------------------------

def _clean(d: dict) -> dict:
    """``d`` without empty values, so that defaults apply and missing fields are reported."""
    return {k: v for k, v in d.items() if v is not None and v != "" and v != [] and v != {}}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(str(text))).strip("-")


def _hhmm(value: str | None) -> str | None:
    """``17.30``, ``9:00``, ``17:30:00`` or ``17:30+03:00`` → ``17:30``; anything else as is."""
    m = re.fullmatch(r"(\d{1,2})[.:](\d{2})(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?", (value or "").strip())
    return f"{int(m[1]):02d}:{m[2]}" if m else (value or None)


def _date(value: str) -> dt.date | str:
    """``2026-09-15`` or ``15.9.2026`` → a date; anything else as is, for the validator to report."""
    value = value.strip()
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value)
    try:
        return dt.date(int(m[3]), int(m[2]), int(m[1])) if m else dt.date.fromisoformat(value)
    except ValueError:
        return value


_BOOLS = {"yes": True, "true": True, "kyllä": True, "kylla": True, "ja": True, "1": True,
          "no": False, "false": False, "ei": False, "nej": False, "0": False}


def _bool(value: str) -> bool | str | None:
    value = value.strip().lower()
    return _BOOLS.get(value, value or None)


def _split(value: str) -> list[str]:
    return [p.strip().lower() for p in re.split(r"[|,]", value) if p.strip()]


def _read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """The file as text (UTF-8, with or without a byte-order mark)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(str(path), 0, f"cannot read the file: {exc.strerror}")]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return None, [Problem(str(path), line, "the file is not UTF-8 text "
                              "(in Excel, save as 'CSV UTF-8')")]


def _read_json(path: Path) -> tuple[object, str, list[Problem]]:
    text, problems = _read_text(path)
    if text is None:
        return None, "", problems
    try:
        return json.loads(text), text, []
    except json.JSONDecodeError as exc:
        return None, text, [Problem(str(path), exc.lineno, f"JSON syntax: {exc.msg}")]


def _json_line(text: str, record_id) -> int:
    """The line of ``"id": "<record_id>"`` in the JSON text (1 if not found)."""
    m = re.search(r'"id"\s*:\s*' + re.escape(json.dumps(record_id, ensure_ascii=False)), text)
    return text.count("\n", 0, m.start()) + 1 if m else 1


# --- CSV -------------------------------------------------------------------------------------

_TEXT_COLUMNS = ("name", "description", "how_to_join", "schedule", "cost")
CSV_COLUMNS = (
    "id", "kind", "topics", "audience", "languages", "municipality", "online",
    *(f"{field}_{lang}" for field in _TEXT_COLUMNS for lang in LANGS),
    "weekdays", "start", "end", "dates", "cost_free",
    "organizer_name", "organizer_url", "organizer_email", "organizer_phone",
    "area", "address", "accessibility", "signup_required", "url", "updated", "source",
)
CSV_REQUIRED = ("id", "kind", "topics", "audience", "languages", "name_fi", "description_fi",
                "how_to_join_fi", "schedule_fi", "cost_free", "organizer_name", "updated")


def _csv_activity(row: dict[str, str], source: str) -> dict:
    def get(column: str) -> str:
        return (row.get(column) or "").strip()

    def text(field: str) -> dict:
        return _clean({lang: get(f"{field}_{lang}") for lang in LANGS})

    return _clean({
        "id": get("id"), "name": text("name"), "description": text("description"),
        "how_to_join": text("how_to_join"),
        "organizer": _clean({"name": get("organizer_name"), "url": get("organizer_url"),
                             "email": get("organizer_email"), "phone": get("organizer_phone")}),
        "kind": get("kind").lower(), "topics": _split(get("topics")),
        "audience": _split(get("audience")), "languages": _split(get("languages")),
        "municipality": get("municipality"), "online": _bool(get("online")),
        "area": get("area"), "address": get("address"),
        "schedule": _clean({"text": text("schedule"), "weekdays": _split(get("weekdays")),
                            "start": _hhmm(get("start")), "end": _hhmm(get("end")),
                            "dates": [_date(d) for d in _split(get("dates"))]}),
        "cost": _clean({"free": _bool(get("cost_free")), "text": text("cost")}),
        "accessibility": _split(get("accessibility")),
        "signup_required": _bool(get("signup_required")), "url": get("url"),
        "source": get("source") or source, "updated": _date(get("updated")),
    })


def _csv_records(path: Path, municipality: str | None = None) -> tuple[list[Record], list[Problem]]:
    text, problems = _read_text(path)
    if text is None:
        return [], problems
    file = str(path)
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)          # sniffed from the header line
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    unknown = [h for h in header if h and h not in CSV_COLUMNS]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if unknown:
        problems.append(Problem(file, 1, f"unknown column(s): {', '.join(unknown)}"))
    if missing:
        problems.append(Problem(file, 1, f"missing column(s): {', '.join(missing)}"))
    if problems:
        return [], problems
    records = []
    while True:
        line = reader.line_num + 1                    # where the next row starts
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(file, reader.line_num, f"CSV: {exc}"))
            break
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(Problem(file, line, f"the row has {len(cells)} cells but the header "
                                    f"{len(header)}: quote cells that contain {delimiter!r}"))
            continue
        raw = _csv_activity(dict(zip(header, cells)), f"csv:{path.name}")
        dates = [("updated", raw.get("updated"))]
        dates += [("dates", d) for d in raw.get("schedule", {}).get("dates", [])]
        bad = [f"{column}: {value!r} is not a date" for column, value in dates if isinstance(value, str)]
        if bad:                                        # clearer than the validator's message
            problems.append(Problem(file, line, f"{'; '.join(bad)} (write YYYY-MM-DD or D.M.YYYY)"))
            continue
        records.append((raw, None, line))
    return records, problems


# --- Open Referral HSDS ----------------------------------------------------------------------

_BYDAY = {d[:2].upper(): d for d in WEEKDAYS}        # MO → mon …
_POSTCODE = re.compile(r"\b\d{5}\b")


def _fi(value) -> dict | None:
    return {"fi": value} if value else None


def _group(rows, key: str) -> dict:
    out = defaultdict(list)
    for row in rows or []:
        if isinstance(row, dict):
            out[row.get(key)].append(row)
    return out


def _is_zero(amount) -> bool:
    try:
        return float(amount) == 0
    except (TypeError, ValueError):
        return False


def _hsds_schedule(schedules: list[dict], texts: dict | None) -> dict:
    weekdays, dates = [], []
    for s in schedules:
        for code in (s.get("byday") or "").split(","):
            day = _BYDAY.get(code.strip()[-2:].upper())
            if day and day not in weekdays:
                weekdays.append(day)
        if s.get("valid_from") and s.get("valid_from") == s.get("valid_to") and not s.get("byday"):
            dates.append(s["valid_from"])
    first = schedules[0] if schedules else {}
    return _clean({"text": texts or _fi(first.get("description")), "weekdays": weekdays,
                   "start": _hhmm(first.get("opens_at")), "end": _hhmm(first.get("closes_at")),
                   "dates": dates})


def _hsds_activity(s: dict, tables: dict, municipality: str | None, source: str) -> dict:
    x = s.get("x_mukaan") or {}
    org = s.get("organization") or tables["organizations"].get(s.get("organization_id")) or {}
    terms = defaultdict(list)
    for attribute in s.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        taxonomy = term.get("taxonomy") or ""
        if taxonomy.startswith("mukaan:") and term.get("code"):
            terms[taxonomy.removeprefix("mukaan:")].append(term["code"])
    links = s.get("service_at_locations") or tables["service_at_locations"].get(s.get("id"), [])
    places = [link.get("location") or tables["locations"].get(link.get("location_id")) for link in links]
    places = [p for p in places if p]
    physical = next((p for p in places if p.get("location_type", "physical") != "virtual"), {})
    address = (physical.get("addresses") or [{}])[0]
    street, postcode, city = address.get("address_1"), address.get("postal_code"), address.get("city")
    if street and postcode and postcode not in street:
        street = f"{street}, {postcode} {city or ''}".strip()
    areas = s.get("service_areas") or []
    phones = org.get("phones") or s.get("phones") or []
    return _clean({
        "id": slug(s.get("id") or ""),
        "name": x.get("name") or _fi(s.get("name")),
        "description": x.get("description") or _fi(s.get("description")),
        "how_to_join": x.get("how_to_join") or _fi(s.get("application_process")),
        "organizer": _clean({"name": org.get("name"), "url": org.get("website") or org.get("url"),
                             "email": org.get("email") or s.get("email"),
                             "phone": phones[0].get("number") if phones else None}),
        "kind": (terms["kind"] or [None])[0], "topics": terms["topic"],
        "audience": terms["audience"], "accessibility": terms["accessibility"],
        "languages": [slug(lang.get("code") or "").split("-")[0]
                      for lang in s.get("languages") or []] or ["fi"],
        "municipality": (areas[0].get("name") if areas else None) or city or municipality,
        "online": any(p.get("location_type") == "virtual" for p in places),
        "area": physical.get("name"), "address": street,
        "schedule": _hsds_schedule(s.get("schedules") or tables["schedules"].get(s.get("id"), []),
                                   x.get("schedule")),
        "cost": _clean({"free": any(_is_zero(o.get("amount")) for o in s.get("cost_options") or []),
                        "text": x.get("cost") or _fi(s.get("fees_description"))}),
        "signup_required": x.get("signup_required"), "url": s.get("url"),
        "source": x.get("source") or source, "updated": s.get("assured_date"),
    })


def _hsds_records(path: Path, municipality: str | None = None) -> tuple[list[Record], list[Problem]]:
    data, text, problems = _read_json(path)
    if problems:
        return [], problems
    tables = data if isinstance(data, dict) else {}
    services = data if isinstance(data, list) else tables.get("services") or tables.get("contents")
    if not isinstance(services, list):
        return [], [Problem(str(path), 1, "expected a list of HSDS services or an object with 'services'")]
    lookup = {
        "organizations": {o.get("id"): o for o in tables.get("organizations") or [] if isinstance(o, dict)},
        "locations": {p.get("id"): p for p in tables.get("locations") or [] if isinstance(p, dict)},
        "schedules": _group(tables.get("schedules"), "service_id"),
        "service_at_locations": _group(tables.get("service_at_locations"), "service_id"),
    }
    records = []
    for s in services:
        if not isinstance(s, dict):
            problems.append(Problem(str(path), 1, "each service must be a JSON object"))
        elif s.get("status", "active") == "active":        # inactive and defunct ones are left out
            line = _json_line(text, s.get("id"))
            try:
                records.append((_hsds_activity(s, lookup, municipality, f"hsds:{path.name}"), None, line))
            except (AttributeError, TypeError, ValueError) as exc:
                problems.append(Problem(str(path), line, f"unexpected HSDS structure: {exc}"))
    return records, problems


def _hsds_attribute(sid: str, taxonomy: str, code: str, label: str) -> dict:
    return {"id": f"{sid}-{taxonomy}-{code}", "link_entity": "service", "link_id": sid,
            "taxonomy_term": {"id": f"mukaan:{taxonomy}:{code}", "code": code, "name": label,
                              "taxonomy": f"mukaan:{taxonomy}"}}


def _hsds_service(a: Activity) -> dict:
    sid, s = a.id, a.schedule
    times = _clean({"opens_at": s.start, "closes_at": s.end, "description": s.text.fi})
    schedules = ([{"id": f"{sid}-weekly", "service_id": sid, "freq": "WEEKLY",
                   "byday": ",".join(d[:2].upper() for d in s.weekdays), **times}] if s.weekdays else [])
    schedules += [{"id": f"{sid}-{d}", "service_id": sid, "valid_from": d.isoformat(),
                   "valid_to": d.isoformat(), "dtstart": d.isoformat(), **times} for d in s.dates]
    places = []
    if a.area or a.address:
        postcode = _POSTCODE.search(a.address or "")
        address = _clean({"id": f"{sid}-address", "address_1": a.address,
                          "city": a.municipality.fi if a.municipality else None,
                          "postal_code": postcode[0] if postcode else None,
                          "country": "FI", "address_type": "physical"})
        places.append(_clean({"id": f"{sid}-place", "location_type": "physical", "name": a.area,
                              "addresses": [address] if a.address else []}))
    if a.online:
        places.append(_clean({"id": f"{sid}-online", "location_type": "virtual", "url": a.url}))
    o = a.organizer
    attributes = ([_hsds_attribute(sid, "kind", a.kind, kind_label(a.kind, "fi"))]
                  + [_hsds_attribute(sid, "topic", t, topic_label(t, "fi")) for t in a.topics]
                  + [_hsds_attribute(sid, "audience", v, v) for v in a.audience]
                  + [_hsds_attribute(sid, "accessibility", v, v) for v in a.accessibility])
    text = {"name": a.name, "description": a.description, "how_to_join": a.how_to_join,
            "schedule": s.text, "cost": a.cost.text}
    return _clean({
        "id": sid, "name": a.name.fi, "description": a.description.fi, "url": a.url,
        "status": "active", "application_process": a.how_to_join.fi,
        "fees_description": a.cost.text.fi if a.cost.text else None,
        "assured_date": a.updated.isoformat(),
        "organization": _clean({"id": f"org-{slug(o.name)}", "name": o.name, "website": o.url,
                                "email": o.email,
                                "phones": [{"id": f"{sid}-phone", "number": o.phone}] if o.phone else []}),
        "languages": [{"id": f"{sid}-lang-{code}", "service_id": sid, "code": code} for code in a.languages],
        "schedules": schedules or [{"id": f"{sid}-schedule", "service_id": sid, **times}],
        "service_areas": ([{"id": f"{sid}-area", "service_id": sid, "name": a.municipality.fi,
                            "description": f"municipality {a.municipality.code}"}]
                          if a.municipality else []),
        "service_at_locations": [{"id": f"{sid}-at-{p['id']}", "service_id": sid,
                                  "location_id": p["id"], "location": p} for p in places],
        "cost_options": ([{"id": f"{sid}-free", "service_id": sid, "option": "free",
                           "amount": 0, "currency": "EUR"}] if a.cost.free else []),
        "attributes": attributes,
        "x_mukaan": _clean({**{k: v.model_dump(exclude_none=True) for k, v in text.items() if v is not None},
                            "signup_required": a.signup_required, "source": a.source}),
    })


def export_hsds(activities: list[Activity]) -> dict:
    """The activities as HSDS 3 services (organization, schedules, locations nested)."""
    return {"x_mukaan": {"version": 1, "about": "Mukaan activity catalogue as Open Referral "
                         "HSDS 3 services; each service's x_mukaan object carries the Finnish, "
                         "Swedish and English texts and fields HSDS lacks (catalogue/README.md)."},
            "services": [_hsds_service(a) for a in activities]}


# --- Linked Events ---------------------------------------------------------------------------

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
    "luonto": "nature", "natur": "nature", "nature": "nature", "retkeily": "nature",
    "kulttuuri": "culture", "kultur": "culture", "culture": "culture", "musiikki": "culture",
    "musik": "culture", "music": "culture", "teatteri": "culture", "taide": "culture",
}
LE_AUDIENCES = {
    "yso:p4354": "children", "lapset": "children", "barn": "children", "children": "children",
    "yso:p11617": "youth", "nuoret": "youth", "unga": "youth", "youth": "youth",
    "yso:p27976": "adults", "aikuiset": "adults", "vuxna": "adults", "adults": "adults",
    "yso:p2433": "seniors", "ikaantyneet": "seniors", "seniorit": "seniors", "aldre": "seniors",
    "yso:p13050": "families", "lapsiperheet": "families", "barnfamiljer": "families", "families": "families",
}
LE_DEFAULT_TOPICS = ["culture"]
LE_DEFAULT_AUDIENCE = ["adults"]
LE_HOW_TO_JOIN = {"fi": "Katso lisätiedot ja mahdollinen ilmoittautuminen tapahtuman sivulta.",
                  "sv": "Se mer information och eventuell anmälan på evenemangets sida.",
                  "en": "See the event page for details and any registration."}
_AND = {"fi": "ja", "sv": "och", "en": "and"}


def _ref_id(ref) -> str:
    """``{"@id": ".../keyword/yso:p4354/"}`` or ``{"id": "yso:p4354"}`` → ``yso:p4354``."""
    if not isinstance(ref, dict):
        return str(ref or "")
    return ref.get("id") or (ref.get("@id") or "").rstrip("/").rsplit("/", 1)[-1]


def _multi(value) -> dict:
    """A Linked Events multilingual field ({fi, sv, en, …} or a plain string) → {fi, sv, en}."""
    value = {"fi": value} if isinstance(value, str) else value
    if not isinstance(value, dict):
        return {}
    return _clean({lang: value[lang].strip() for lang in LANGS if isinstance(value.get(lang), str)})


def _with_fi(text: dict) -> dict | None:
    """Finnish is required: an event without it uses its Swedish or English text there."""
    if text and "fi" not in text:
        text = {"fi": text.get("sv") or text["en"], **text}
    return text or None


def _plain(text: dict) -> dict:
    return {k: re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", v))).strip()
            for k, v in text.items()}


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
    text = days[0] if len(days) == 1 else f"{', '.join(days[:-1])} {_AND[lang]} {days[-1]}"
    if start:
        span = f"{start}–{end}" if end else start
        text += {"fi": f" klo {span.replace(':', '.')}", "sv": f" kl. {span.replace(':', '.')}",
                 "en": f", {span}"}[lang]
    return text


def _keywords(event: dict) -> list[str]:
    keys = []
    for ref in (event.get("keywords") or []) + (event.get("audience") or []):
        keys.append(_ref_id(ref).lower())
        if isinstance(ref, dict):
            keys += [fold(n) for n in _multi(ref.get("name")).values()]
    return keys


def _le_place(event: dict, option: str | None) -> tuple[dict, str | None]:
    """(place fields, problem) from the event's location."""
    place = event.get("location") or {}
    if "internet" in _ref_id(place):
        return {"online": True, "municipality": option}, None
    if not place.get("address_locality") and not place.get("name"):
        if option:
            return {"municipality": option}, None
        return {}, ("municipality: the event's location is not embedded (fetch the events with "
                    "?include=location) and no --municipality was given")
    locality = _multi(place.get("address_locality"))
    found = next(filter(None, map(gazette().resolve, locality.values())), None)
    municipality = found.fi if found else next(iter(locality.values()), option)
    street = _multi(place.get("street_address")).get("fi")
    postal = " ".join(p for p in (place.get("postal_code"), locality.get("fi") or municipality) if p)
    return {"municipality": municipality, "area": _multi(place.get("name")).get("fi"),
            "address": f"{street}, {postal}" if street else None}, None


def _le_activity(event: dict, subs: list[dict], option: str | None) -> tuple[dict, list[str]]:
    recurring = event.get("super_event_type") == "recurring"
    times = [(_local(e.get("start_time")), _local(e.get("end_time"))) for e in (subs or [event])]
    times = sorted((t for t in times if t[0]), key=lambda t: t[0])
    first_start, first_end = times[0] if times else (None, None)
    dates = sorted({s.date() for s, _ in times})
    start = first_start.strftime("%H:%M") if first_start and event.get("has_start_time", True) else None
    end = first_end.strftime("%H:%M") if first_end and event.get("has_end_time", True) else None
    keys = _keywords(event)
    kinds = [LE_KINDS[k] for k in keys if k in LE_KINDS]
    topics = list(dict.fromkeys(LE_TOPICS[k] for k in keys if k in LE_TOPICS))
    audience = list(dict.fromkeys(LE_AUDIENCES[k] for k in keys if k in LE_AUDIENCES))
    offer = (event.get("offers") or [{}])[0]
    info = _multi(event.get("info_url"))
    place, problem = _le_place(event, option)
    provider = _with_fi(_multi(event.get("provider")))
    problems = [problem] if problem else []
    if not provider:
        problems.append("organizer: the event has no provider (who runs it)")
    languages = [_ref_id(ref).split("_")[0].lower() for ref in event.get("in_language") or []]
    updated = _local(event.get("last_modified_time") or event.get("date_published"))
    return _clean({
        "id": slug(event.get("id") or ""),
        "name": _with_fi(_multi(event.get("name"))),
        "description": _with_fi(_plain(_multi(event.get("description") or event.get("short_description")))),
        "how_to_join": LE_HOW_TO_JOIN,
        "organizer": {"name": provider["fi"]} if provider else None,
        "kind": (kinds[0] if recurring and kinds else "event"),
        "topics": topics or LE_DEFAULT_TOPICS, "audience": audience or LE_DEFAULT_AUDIENCE,
        "languages": list(dict.fromkeys(languages)) or ["fi"],
        **place,
        "schedule": _clean({"text": {lang: _when(dates, start, end, lang) for lang in LANGS} if dates else None,
                            "start": start, "end": end, "dates": dates}),
        "cost": _clean({"free": bool(offer.get("is_free")), "text": _with_fi(_multi(offer.get("price")))}),
        "signup_required": bool(event.get("enrolment_start_time") or event.get("enrolment_url")),
        "url": next((u for u in info.values() if u.startswith("http")), None),
        "source": f"linked-events:{event.get('id')}",
        "updated": updated.date() if updated else dt.date.today(),
    }), problems


def _le_records(path: Path, municipality: str | None = None) -> tuple[list[Record], list[Problem]]:
    data, text, problems = _read_json(path)
    if problems:
        return [], problems
    events = data.get("data") if isinstance(data, dict) and "data" in data else data
    events = [events] if isinstance(events, dict) else events
    if not isinstance(events, list):
        return [], [Problem(str(path), 1, "expected a Linked Events response {\"meta\", \"data\": [events]}")]
    events = [e for e in events if isinstance(e, dict)
              and not e.get("deleted") and e.get("event_status") != "EventCancelled"]
    by_id = {_ref_id(e): e for e in events}
    records = []
    for event in events:
        parent = by_id.get(_ref_id(event.get("super_event")))
        if parent and parent.get("super_event_type") == "recurring":
            continue                                   # part of a series: becomes its dates
        if event.get("super_event_type") == "umbrella":
            continue                                   # its sub-events are imported one by one
        subs = [by_id[_ref_id(r)] for r in event.get("sub_events") or [] if _ref_id(r) in by_id]
        line = _json_line(text, event.get("id"))
        try:
            raw, bad = _le_activity(event, subs, municipality)
        except (AttributeError, TypeError, ValueError) as exc:
            raw, bad = {}, [f"unexpected Linked Events structure: {exc}"]
        problems += [Problem(str(path), line, f"{event.get('id')}: {b}") for b in bad]
        if not bad:
            records.append((raw, None, line))
    return records, problems


# --- reading any format, importing into the catalogue ----------------------------------------

_READERS = {"csv": _csv_records, "hsds": _hsds_records, "linked-events": _le_records}


def detect_format(path: Path) -> str | None:
    """``csv``, ``hsds`` or ``linked-events`` from the file's extension and content."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if suffix != ".json":
        return None
    data, _, problems = _read_json(path)
    if problems:
        return "hsds"                                  # let the reader report the problem
    if isinstance(data, dict) and "data" in data and "services" not in data:
        return "linked-events"
    first = data[0] if isinstance(data, list) and data else data
    return "linked-events" if isinstance(first, dict) and "start_time" in first else "hsds"


def _read(path: Path, fmt: str | None, municipality: str | None):
    """(activity, line) pairs and problems; ids repeated within the file are problems too."""
    path = Path(path)
    fmt = fmt or detect_format(path)
    if fmt not in _READERS:
        return [], [Problem(str(path), 0, f"cannot tell the format: give one of {', '.join(FORMATS)}")]
    records, problems = _READERS[fmt](path, municipality)
    pairs, seen = [], {}
    for record in records:
        found, bad = parse_records([record], str(path))
        problems.extend(bad)
        for a in found:
            if a.id in seen:
                problems.append(Problem(str(path), record[2],
                                        f"id {a.id!r} is used twice (also line {seen[a.id]})"))
            seen.setdefault(a.id, record[2])
            pairs.append((a, record[2]))
    return pairs, sorted(problems, key=lambda p: p.line)


def read_file(path: Path, fmt: str | None = None, municipality: str | None = None):
    """``(activities, problems)`` from a CSV, HSDS or Linked Events file."""
    pairs, problems = _read(path, fmt, municipality)
    return [a for a, _ in pairs], problems


def read_csv(path: Path):
    return read_file(path, "csv")


def read_hsds(path: Path, municipality: str | None = None):
    return read_file(path, "hsds", municipality)


def read_linked_events(path: Path, municipality: str | None = None):
    return read_file(path, "linked-events", municipality)


class _FlowDumper(yaml.SafeDumper):
    """Short lists of plain values in flow style (``topics: [grief, loneliness]``), as in the data files."""


_FlowDumper.add_representer(list, lambda d, v: d.represent_sequence(
    "tag:yaml.org,2002:seq", v, flow_style=all(isinstance(i, (str, dt.date)) and len(str(i)) < 30 for i in v)))
_FlowDumper.add_representer(str, lambda d, v: d.represent_scalar(
    "tag:yaml.org,2002:str", v, style="|" if "\n" in v else None))


def to_yaml(activities: list[Activity], header: str = "") -> str:
    """The activities in the shape of the data files (municipality by name, no empty fields)."""
    records = []
    for a in activities:
        d = a.model_dump(exclude_none=True)
        d["municipality"] = a.municipality.fi if a.municipality else None
        d["schedule"] = _clean(d["schedule"])
        records.append({k: v for k, v in d.items() if v is not None and v != []})
    body = yaml.dump(records, Dumper=_FlowDumper, allow_unicode=True, sort_keys=False, width=100)
    return header + body.replace("\n- id:", "\n\n- id:")


def _write(target: Path, data: bytes) -> None:
    """Replace ``target`` in one step: readers never see half a file."""
    tmp = target.with_name(f".{target.name}.tmp")          # not *.yaml: never loaded
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def import_file(path: Path, *, data_dir: Path, store=None, embedder=None, fmt: str | None = None,
                municipality: str | None = None, dry_run: bool = False) -> dict:
    """Validate ``path`` fully; then write ``data_dir/imported-<name>.yaml`` and make ``store``
    hold the whole data folder. Raises :class:`CatalogueError` (nothing changed) on problems.

    Importing the same file again replaces its earlier ``imported-…`` file."""
    path, data_dir = Path(path), Path(data_dir)
    pairs, problems = _read(path, fmt, municipality)
    if not pairs and not problems:
        problems = [Problem(str(path), 1, "no activities found")]
    if problems:
        raise CatalogueError(problems)
    target = data_dir / f"imported-{slug(path.stem) or 'file'}.yaml"
    owners: dict[str, str] = {}
    if any(data_dir.glob("*.yaml")):
        load_dir(data_dir)                             # the folder itself must be valid
        for f in sorted(data_dir.glob("*.yaml")):
            if f != target:
                owners.update((a.id, f.name) for a in read_yaml(f)[0])
    problems = [Problem(str(path), line, f"id {a.id!r} is already in the catalogue ({owners[a.id]})")
                for a, line in pairs if a.id in owners]
    if problems:
        raise CatalogueError(problems)
    result = {"file": target, "activities": len(pairs), "dry_run": dry_run}
    if dry_run:
        return result

    previous = target.read_bytes() if target.exists() else None
    header = (f"# Imported from {path.name} on {dt.date.today().isoformat()} by `catalogue import`.\n"
              "# Human-editable like the other files; importing the same file again replaces this one.\n")
    done = False
    try:
        try:
            _write(target, to_yaml([a for a, _ in pairs], header).encode("utf-8"))
        except OSError as exc:
            raise CatalogueError([Problem(str(target), 0, f"cannot write: {exc.strerror}")]) from exc
        activities = load_dir(data_dir)                # the same check `build-index` makes
        if store is not None:
            if embedder is None:
                from mukaan_catalogue.embedding import get_embedder
                embedder = get_embedder()
            result.update(store.replace_all(activities, embedder))
        done = True
    finally:
        if not done:                                   # put the data folder back as it was
            if previous is None:
                target.unlink(missing_ok=True)
            else:
                _write(target, previous)
    return result
