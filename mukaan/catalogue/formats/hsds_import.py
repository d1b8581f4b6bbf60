"""Open Referral HSDS 3 in the shapes publishers write it: one service, a list of services, an
API page (``contents``), an organisation with its services nested, a document set (tables of
services, organisations, locations … linked by id), and the tabular package (a folder or zip
of ``services.csv``, ``organizations.csv``, ``locations.csv`` …, or a lone ``services.csv``).

Mukaan's own export adds an ``x_mukaan`` object per service (the Mukaan profile,
``hsds_export.py``); its values win over the plain HSDS fields."""
from __future__ import annotations

import datetime as dt
import zipfile
from collections import defaultdict
from pathlib import Path

from mukaan.catalogue.formats.common import (
    Notes,
    Options,
    Record,
    clean,
    decode,
    detect_lang,
    file_by_language,
    finish,
    hhmm,
    items,
    json_line,
    municipality_in,
    parse_date,
    read_json,
    slug,
)
from mukaan.catalogue.formats.csv_import import table_rows
from mukaan.catalogue.loader import Problem
from mukaan.catalogue.schema import WEEKDAYS
from mukaan.gazette import gazette

_BYDAY = {d[:2].upper(): d for d in WEEKDAYS}        # MO → mon …
_LANG3 = {"fin": "fi", "swe": "sv", "eng": "en"}
# Tables of the tabular package and the column that links a row to its parent.
_CHILDREN = {          # table: (field on the parent, link columns)
    "phones": ("phones", ("service_id", "organization_id", "location_id", "contact_id")),
    "contacts": ("contacts", ("service_id", "organization_id", "location_id")),
    "addresses": ("addresses", ("location_id",)),
    "accessibility": ("accessibility", ("location_id",)),
    "languages": ("languages", ("service_id", "location_id")),
    "schedules": ("schedules", ("service_id", "location_id", "service_at_location_id")),
    "service_areas": ("service_areas", ("service_id",)),
    "cost_options": ("cost_options", ("service_id",)),
}


_PARENTS = {"service_id": "services", "organization_id": "organizations", "location_id": "locations",
            "contact_id": "contacts", "service_at_location_id": "service_at_locations"}


def _group(rows, key: str) -> dict:
    out = defaultdict(list)
    for row in rows or []:
        if isinstance(row, dict):
            out[row.get(key)].append(row)
    return out


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _phone(phones) -> str | None:
    number = next((p.get("number") for p in phones or [] if isinstance(p, dict) and p.get("number")), None)
    return str(number).strip().strip('"').strip() if number else None


# --- the shapes ------------------------------------------------------------------------------

def _services(data) -> tuple[list[tuple[dict, dict | None, str]], dict, str | None]:
    """``[(service, its organisation or None, JSON path)]``, the document set's tables, or a
    problem when the JSON is none of the HSDS shapes."""
    tables = data if isinstance(data, dict) else {}
    if isinstance(data, list):
        return [(s, None, f"[{i}]") for i, s in enumerate(data)], {}, None
    if not isinstance(data, dict):
        return [], {}, "expected HSDS: a service, a list of services, an organisation or an API page"
    if "contents" in data:                                 # an API page of services or organisations
        out = []
        for i, item in enumerate(items(data.get("contents"))):
            if isinstance(item, dict) and "services" in item and "status" not in item:
                out += [(s, item, f"contents[{i}].services[{j}]") for j, s in enumerate(items(item["services"]))]
            else:
                out.append((item, None, f"contents[{i}]"))
        return out, {}, None
    if isinstance(data.get("services"), list):
        if data.get("name") and "organizations" not in data:   # an organisation, services nested
            return [(s, data, f"services[{i}]") for i, s in enumerate(data["services"])], tables, None
        return [(s, None, f"services[{i}]") for i, s in enumerate(data["services"])], tables, None
    if data.get("id") and data.get("name"):
        return [(data, None, "$")], {}, None
    return [], {}, "expected HSDS: a service, a list of services, an organisation or an API page"


def _lookup(tables: dict) -> dict:
    orgs = {o.get("id"): o for o in tables.get("organizations") or [] if isinstance(o, dict)}
    locations = {p.get("id"): p for p in tables.get("locations") or [] if isinstance(p, dict)}
    if tables.get("name") and isinstance(tables.get("locations"), list):   # an organisation's own
        locations.update((p.get("id"), p) for p in tables["locations"] if isinstance(p, dict))
    return {"organizations": orgs, "locations": locations,
            "schedules": _group(tables.get("schedules"), "service_id"),
            "service_at_locations": _group(tables.get("service_at_locations"), "service_id")}


# --- one service ---------------------------------------------------------------------------

def _schedule(schedules: list[dict], texts: dict | None, lang: str, notes: Notes) -> dict:
    weekdays, dates = [], []
    for s in schedules:
        for code in (s.get("byday") or "").split(","):
            day = _BYDAY.get(code.strip()[-2:].upper())
            if day and day not in weekdays:
                weekdays.append(day)
        if s.get("valid_from") and s.get("valid_from") == s.get("valid_to") and not s.get("byday"):
            dates.append(parse_date(s["valid_from"]))
    first = schedules[0] if schedules else {}
    text = texts or (file_by_language(first["description"], lang, notes, "schedule")
                     if first.get("description") else None)
    return clean({"text": text, "weekdays": weekdays, "start": hhmm(first.get("opens_at")),
                  "end": hhmm(first.get("closes_at")), "dates": [d for d in dates if isinstance(d, dt.date)]})


def _cost(s: dict, x: dict, lang: str, notes: Notes) -> dict:
    options = [o for o in s.get("cost_options") or [] if isinstance(o, dict)]
    free = any(_number(o.get("amount")) == 0 for o in options)
    if x.get("cost"):
        return clean({"free": free, "text": x["cost"]})
    parts = [s.get("fees_description")] if s.get("fees_description") else []
    for o in options:
        amount = _number(o.get("amount"))
        if amount:
            words = " ".join(str(w) for w in (f"{amount:g}", (o.get("currency") or "").upper(),
                                              o.get("amount_description")) if w)
            parts.append(f"{words} ({o['option']})" if o.get("option") else words)
    text = file_by_language(" ".join(parts), lang, notes, "cost") if parts else None
    return clean({"free": free, "text": text})


def _municipality(s: dict, physical: dict, options: Options, notes: Notes) -> tuple[str | None, bool]:
    """(municipality, online-only?) — the option first, then service areas and addresses named
    in the gazette or the places file; an error says what to give when nothing resolves."""
    if options.municipality:
        return options.municipality, False
    address = (physical.get("addresses") or [{}])[0]
    names = [a.get("name") for a in s.get("service_areas") or [] if isinstance(a, dict)]
    names += [address.get("city"), address.get("region")]
    for name in filter(None, names):
        mapped = options.places.get(str(name).lower())
        found = gazette().resolve(mapped or name)
        if found:
            return found.fi, False
    found = municipality_in(*filter(None, names))
    if found:
        notes.note(f"municipality: {found} found in the service area or address text")
        return found, False
    return None, True


def _where(s: dict, tables: dict, notes: Notes) -> dict:
    """The service's locations: the physical one's name, address, coordinates and
    accessibility text, whether one is virtual, and the contacts at them."""
    links = s.get("service_at_locations") or tables["service_at_locations"].get(s.get("id"), [])
    places = [link.get("location") or tables["locations"].get(link.get("location_id")) for link in links]
    places = [p for p in places if isinstance(p, dict)]
    physical = next((p for p in places if p.get("location_type", "physical") != "virtual"), {})
    address = (physical.get("addresses") or [{}])[0]
    street, postcode, city = address.get("address_1"), address.get("postal_code"), address.get("city")
    if street and postcode and postcode not in street:
        street = f"{street}, {postcode} {city or ''}".strip()
    lat, lon = _number(physical.get("latitude")), _number(physical.get("longitude"))
    coordinates = None
    if lat is not None and lon is not None:
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            coordinates = {"lat": lat, "lon": lon}
        else:
            notes.note(f"coordinates: ({lat:g}, {lon:g}) are not a place on Earth; left out")
    access = " ".join(" ".join(filter(None, (a.get("description"), a.get("details"))))
                      for p in places for a in p.get("accessibility") or [] if isinstance(a, dict))
    contacts = [c for link in links for c in link.get("contacts") or []]
    return {"physical": physical, "city": city, "street": street, "coordinates": coordinates, "access": access,
            "online": any(p.get("location_type") == "virtual" for p in places), "contacts": contacts}


def _languages(s: dict, lang: str, notes: Notes) -> list[str]:
    languages = []
    for item in s.get("languages") or []:
        code = str(item.get("code") or "").lower().split("-")[0]
        code = _LANG3.get(code, code)
        if len(code) == 2:
            languages.append(code)
        elif code:
            notes.note(f"languages: {code!r} is no ISO 639-1 code; left out")
    return list(dict.fromkeys(languages)) or [lang]


def _updated(s: dict, options: Options, notes: Notes) -> dt.date:
    updated = parse_date(s.get("assured_date") or s.get("last_modified") or "")
    if not isinstance(updated, dt.date):
        notes.warn("updated: no assured_date; the import day is used", "check the information")
        return options.today
    if (options.today - updated).days > 365:
        notes.warn(f"updated: last checked {updated.isoformat()}, over a year ago",
                   "check the information with the organiser")
    return updated


def _terms(s: dict) -> dict[str, list[str]]:
    """Mukaan's taxonomy codes among the service's attributes: {"kind": [...], "topic": [...]}."""
    terms = defaultdict(list)
    for attribute in s.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        taxonomy = str(term.get("taxonomy") or (term.get("taxonomy_detail") or {}).get("name") or "")
        if taxonomy.startswith("mukaan:") and term.get("code"):
            terms[taxonomy.removeprefix("mukaan:")].append(term["code"])
    return terms


def _activity(s: dict, org: dict | None, tables: dict, options: Options, source: str, notes: Notes) -> dict:
    x = s.get("x_mukaan") or {}                      # Mukaan's own profile: its values win
    org = s.get("organization") or org or tables["organizations"].get(s.get("organization_id")) or {}
    lang = detect_lang(s.get("description") or "") or detect_lang(s.get("name") or "") or "fi"

    def text(field: str, value) -> dict | None:
        if x.get(field):
            return x[field]
        return file_by_language(value, lang, notes, field) if value else None

    where = _where(s, tables, notes)
    municipality, unplaced = _municipality(s, where["physical"], options, notes)
    if unplaced and not where["online"]:
        named = [a.get("name", "")[:40] for a in s.get("service_areas") or []] + [where["city"]]
        notes.error(f"municipality: the service areas and addresses name no Finnish municipality "
                    f"({', '.join(filter(None, named))})",
                    "give --municipality NAME or a --places file that maps these names")
    terms = _terms(s)
    contacts = [clean({"name": c.get("name"), "title": c.get("title"), "email": c.get("email"),
                       "phone": _phone(c.get("phones"))})
                for c in (s.get("contacts") or []) + where["contacts"] if isinstance(c, dict)]
    raw = clean({
        "id": x.get("id") or slug(s.get("id") or ""),
        "name": text("name", s.get("name")),
        "description": text("description", s.get("description")),
        "how_to_join": text("how_to_join", s.get("application_process")),
        "organizer": clean({"name": org.get("name"), "url": org.get("website") or org.get("url"),
                            "email": org.get("email") or s.get("email"),
                            "phone": _phone(org.get("phones") or s.get("phones"))}) if org.get("name") else None,
        "kind": (terms["kind"] or [None])[0], "topics": terms["topic"],
        "audience": terms["audience"], "accessibility": terms["accessibility"],
        "languages": _languages(s, lang, notes),
        "municipality": municipality, "online": where["online"],
        "area": where["physical"].get("name"), "address": x.get("address") or where["street"],
        "schedule": _schedule(s.get("schedules") or tables["schedules"].get(s.get("id"), []),
                              x.get("schedule"), lang, notes),
        "cost": _cost(s, x, lang, notes),
        "signup_required": x.get("signup_required"), "url": s.get("url"),
        "source": x.get("source") or source, "updated": _updated(s, options, notes),
        "min_age": s.get("minimum_age"), "max_age": s.get("maximum_age"),
        "coordinates": x.get("coordinates") or where["coordinates"], "contacts": x.get("contacts") or contacts,
        "accessibility_text": x.get("accessibility_text") or (file_by_language(where["access"], lang, notes,
                                                                                "accessibility")
                                                               if where["access"] else None),
        "series": x.get("series"), "inferred": x.get("inferred", []), "review": x.get("review", []),
    })
    return raw if x else finish(raw, notes, default_kind="advice")


def _records(services, tables: dict, text: str, file: str, name: str, options: Options):
    records, problems = [], []
    lookup = _lookup(tables)
    for s, org, where, *row_line in services:
        line = row_line[0] if row_line else json_line(text, s.get("id")) if isinstance(s, dict) else 1
        notes = Notes(file, line, str(s.get("id", "")) if isinstance(s, dict) else "", where)
        if not isinstance(s, dict):
            notes.error("each service must be a JSON object")
        elif s.get("status", "active") != "active":        # inactive and defunct ones are left out
            notes.note(f"status {s.get('status')!r}: skipped")
        else:
            try:
                raw = _activity(s, org, lookup, options, f"hsds:{name}", notes)
            except (AttributeError, TypeError, ValueError) as exc:
                notes.error(f"unexpected HSDS structure: {exc}")
            if not notes.failed:
                records.append((raw, None, line))
        problems += notes.found
    return records, problems


def hsds_records(path: Path, options: Options) -> tuple[list[Record], list[Problem]]:
    if path.is_dir() or path.suffix.lower() in (".zip", ".csv"):
        return _package_records(path, options)
    data, text, problems = read_json(path)
    if problems:
        return [], problems
    services, tables, problem = _services(data)
    if problem:
        return [], [Problem(str(path), 1, problem)]
    return _records(services, tables, text, str(path), path.name, options)


# --- the tabular package -------------------------------------------------------------------

def _package_tables(path: Path) -> tuple[dict[str, list[tuple[int, dict]]], list[Problem]]:
    """Every ``*.csv`` of a folder, a zip, or one services.csv: {table: [(line, row)]}."""
    files: dict[str, tuple[str, bytes]] = {}
    try:
        if path.is_dir():
            files = {f.stem.lower(): (str(f), f.read_bytes()) for f in sorted(path.glob("*.csv"))}
        elif path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as z:
                for info in z.infolist():
                    if info.filename.lower().endswith(".csv") and info.file_size < 50_000_000:
                        files[Path(info.filename).stem.lower()] = (f"{path}!{info.filename}", z.read(info))
        else:
            files = {"services": (str(path), path.read_bytes())}
    except (OSError, zipfile.BadZipFile) as exc:
        return {}, [Problem(str(path), 0, f"cannot read the HSDS package: {exc}")]
    tables, problems = {}, []
    for table, (name, data) in files.items():
        text, bad = decode(data, name)
        if text is None:
            problems += bad
            continue
        _, rows, bad = table_rows(text, name)
        problems += bad
        tables[table] = [(line, {k: v.strip() for k, v in row.items() if k and v and v.strip()})
                         for line, row in rows]
    if "services" not in tables:
        problems.append(Problem(str(path), 0, "no services.csv in the HSDS package"))
    return tables, problems


def _package_records(path: Path, options: Options):
    tables, problems = _package_tables(path)
    if problems:
        return [], problems
    rows = {t: [row for _, row in table] for t, table in tables.items()}
    by_id = {link: {row.get("id"): row for row in rows.get(table, [])}
             for link, table in _PARENTS.items()}
    for table, (attr, links) in _CHILDREN.items():        # nest each child row under its parent
        for child in rows.get(table, []):
            for link in links:
                parent = by_id[link].get(child.get(link)) if child.get(link) else None
                if parent is not None:
                    parent.setdefault(attr, []).append(child)
    terms = {t.get("id"): t for t in rows.get("taxonomy_terms", [])}
    for attribute in rows.get("attributes", []):
        attribute["taxonomy_term"] = terms.get(attribute.get("taxonomy_term_id"), {})
        service = by_id["service_id"].get(attribute.get("link_id"))
        if service is not None:
            service.setdefault("attributes", []).append(attribute)
    for service in rows.get("services", []):
        for key in ("minimum_age", "maximum_age"):
            age = _number(service.get(key))
            service[key] = int(age) if age is not None else None
    document = {k: v for k, v in rows.items() if k in ("services", "organizations", "locations",
                                                     "service_at_locations")}
    services = [(s, None, "services.csv", line) for line, s in tables["services"]]
    return _records(services, document, "", str(path), path.name, options)
