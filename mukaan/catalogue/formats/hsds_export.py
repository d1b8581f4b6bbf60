"""The catalogue as Open Referral HSDS 3.0: services (with organisation, locations, schedules
and taxonomy terms nested), organisations, taxonomies and taxonomy terms, shaped so that each
validates against the official HSDS 3.0 JSON schema.

Every id is a UUID derived from Mukaan's own slugs (:func:`uid`), so it stays the same from
one export to the next. What HSDS has no place for (Swedish and English texts, Mukaan's id,
whether to sign up, the source, inferred fields, …) travels in an ``x_mukaan`` object per
service: the Mukaan HSDS profile, published as ``hsds_profile.json`` (served at
``/hsds/profile``). ``import_hsds`` reads it back, so import → export → import is exact."""
from __future__ import annotations

import json
import re
import uuid
from functools import lru_cache
from pathlib import Path

from mukaan.catalogue.formats.common import clean, slug
from mukaan.catalogue.loader import shown
from mukaan.catalogue.schema import ACCESSIBILITY, AUDIENCES, KINDS, TOPICS, Activity
from mukaan.texts.labels import ACCESSIBILITY_LABELS, AUDIENCE_LABELS, KIND_LABELS, TOPIC_LABELS

HSDS_VERSION = "3.0"
PROFILE_FILE = Path(__file__).parent / "hsds_profile.json"
NAMESPACE = uuid.UUID("6b1c2f0e-5d3a-5e4b-9c1d-6d756b61616e")     # fixed: ids must never change
_POSTCODE = re.compile(r"\b\d{5}\b")
TAXONOMIES = {            # taxonomy: (codes, labels, description)
    "kind": (KINDS, KIND_LABELS, "What kind of activity it is (peer support, club, …)"),
    "topic": (TOPICS, TOPIC_LABELS, "What the activity is about (loneliness, grief, …)"),
    "audience": (AUDIENCES, AUDIENCE_LABELS, "Whom the activity is for (age groups, families)"),
    "accessibility": (ACCESSIBILITY, ACCESSIBILITY_LABELS, "Accessibility features of the activity"),
}


def uid(kind: str, key: str) -> str:
    """The stable UUID of a ``kind`` of record (service, organization, …) with Mukaan key ``key``."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def organization_key(name: str) -> str:
    return slug(name)


@lru_cache(maxsize=1)
def profile() -> dict:
    return json.loads(PROFILE_FILE.read_text(encoding="utf-8"))


# --- taxonomies ----------------------------------------------------------------------------

def taxonomy(name: str) -> dict:
    return {"id": uid("taxonomy", name), "name": f"mukaan:{name}", "description": TAXONOMIES[name][2],
            "version": "1"}


def taxonomy_term(name: str, code: str) -> dict:
    labels = TAXONOMIES[name][1].get(code, {})
    return clean({"id": uid("taxonomy_term", f"{name}:{code}"), "code": code,
                  "name": labels.get("fi") or code,
                  "description": " / ".join(labels.get(lang) for lang in ("en", "sv") if labels.get(lang)) or code,
                  "taxonomy": f"mukaan:{name}", "taxonomy_id": uid("taxonomy", name),
                  "taxonomy_detail": taxonomy(name), "language": "fi"})


def taxonomies() -> list[dict]:
    return [taxonomy(name) for name in TAXONOMIES]


def taxonomy_terms() -> list[dict]:
    return [taxonomy_term(name, code) for name, (codes, _, _) in TAXONOMIES.items() for code in codes]


# --- organisations ------------------------------------------------------------------------

def organization(a: Activity) -> dict:
    o = a.organizer
    oid = uid("organization", organization_key(o.name))
    return clean({"id": oid, "name": o.name, "website": o.url, "email": o.email,
                  "description": f"{o.name}: organiser of activities in the Mukaan catalogue.",
                  "phones": [{"id": uid("phone", f"organization:{oid}"), "number": o.phone}] if o.phone else []})


def organizations(activities: list[Activity]) -> list[dict]:
    """One record per organiser, in order of first appearance."""
    out: dict[str, dict] = {}
    for a in shown(activities):
        org = organization(a)
        out.setdefault(org["id"], org)
    return list(out.values())


# --- services ------------------------------------------------------------------------------

def _schedules(a: Activity, sid: str) -> list[dict]:
    s = a.schedule
    times = clean({"opens_at": s.start, "closes_at": s.end, "description": s.text.get("fi")})
    out = ([{"id": uid("schedule", f"{a.id}:weekly"), "service_id": sid, "freq": "WEEKLY",
             "byday": ",".join(d[:2].upper() for d in s.weekdays), **times}] if s.weekdays else [])
    out += [{"id": uid("schedule", f"{a.id}:{d}"), "service_id": sid, "valid_from": d.isoformat(),
             "valid_to": d.isoformat(), "dtstart": d.isoformat(), **times} for d in s.dates]
    return out or [{"id": uid("schedule", a.id), "service_id": sid, **times}]


def _locations(a: Activity) -> list[dict]:
    places = []
    if a.area or a.address or a.coordinates:
        postcode = _POSTCODE.search(a.address or "")
        city = a.municipality.fi if a.municipality else None
        address = ({"id": uid("address", a.id), "address_1": a.address, "city": city,
                    "state_province": city, "postal_code": postcode[0], "country": "FI",
                    "address_type": "physical"} if a.address and postcode and city else None)
        places.append(clean({
            "id": uid("location", f"{a.id}:place"), "location_type": "physical", "name": a.area,
            "description": a.address if a.address and not address else None,
            "latitude": a.coordinates.lat if a.coordinates else None,
            "longitude": a.coordinates.lon if a.coordinates else None,
            "addresses": [address] if address else [],
            "accessibility": ([{"id": uid("accessibility", a.id), "description": a.accessibility_text.get("fi")}]
                              if a.accessibility_text else [])}))
    if a.online:
        places.append(clean({"id": uid("location", f"{a.id}:online"), "location_type": "virtual",
                             "name": "Online", "url": a.url}))
    return places


def service_at_locations(a: Activity) -> list[dict]:
    sid = uid("service", a.id)
    return [{"id": uid("service_at_location", p["id"]), "service_id": sid, "location_id": p["id"],
             "location": p} for p in _locations(a)]


def _attributes(a: Activity, sid: str) -> list[dict]:
    pairs = ([("kind", a.kind)] + [("topic", t) for t in a.topics] + [("audience", v) for v in a.audience]
             + [("accessibility", v) for v in a.accessibility])
    return [{"id": uid("attribute", f"{a.id}:{name}:{code}"), "link_id": sid, "link_type": "service",
             "link_entity": "service", "taxonomy_term_id": uid("taxonomy_term", f"{name}:{code}"),
             "taxonomy_term": taxonomy_term(name, code)} for name, code in pairs]


def _profile_fields(a: Activity) -> dict:
    texts = {"name": a.name, "description": a.description, "how_to_join": a.how_to_join,
             "schedule": a.schedule.text, "cost": a.cost.text, "accessibility_text": a.accessibility_text}
    given = {k: v.model_dump(exclude_none=True) for k, v in texts.items() if v is not None}
    return clean({"id": a.id, "address": a.address, **given,
                  "signup_required": a.signup_required, "source": a.source, "series": a.series,
                  "contacts": [c.model_dump(exclude_none=True) for c in a.contacts],
                  "coordinates": a.coordinates.model_dump() if a.coordinates else None,
                  "inferred": a.inferred, "review": a.review})


def service(a: Activity) -> dict:
    """One activity as a fully nested HSDS 3.0 service, with the ``x_mukaan`` profile object."""
    sid = uid("service", a.id)
    org = organization(a)
    return clean({
        "id": sid, "organization_id": org["id"], "name": a.name.get("fi"),
        "description": a.description.get("fi"), "url": a.url, "email": a.organizer.email,
        "status": "active", "application_process": a.how_to_join.get("fi"),
        "fees_description": a.cost.text.get("fi") if a.cost.text else None,
        "minimum_age": a.min_age, "maximum_age": a.max_age,
        "assured_date": a.checked.isoformat(),
        "organization": org,
        "languages": [{"id": uid("language", f"{a.id}:{code}"), "service_id": sid, "code": code}
                      for code in a.languages],
        "schedules": _schedules(a, sid),
        "service_areas": ([{"id": uid("service_area", a.id), "service_id": sid, "name": a.municipality.fi,
                            "description": f"Municipality {a.municipality.fi} (code {a.municipality.code})"}]
                          if a.municipality else []),
        "service_at_locations": service_at_locations(a),
        "cost_options": ([{"id": uid("cost_option", a.id), "service_id": sid, "option": "free",
                           "amount": 0, "currency": "EUR"}] if a.cost.free else []),
        "contacts": [clean({"id": uid("contact", f"{a.id}:{i}"), "service_id": sid, **c.model_dump(exclude={"phone"}),
                            "phones": [{"id": uid("phone", f"{a.id}:contact:{i}"), "number": c.phone}]
                            if c.phone else []}) for i, c in enumerate(a.contacts)],
        "attributes": _attributes(a, sid),
        "x_mukaan": _profile_fields(a),
    })


def page(items: list, number: int, size: int, total: int) -> dict:
    """An HSDS API page (``total_items … contents``)."""
    pages = max(1, -(-total // size)) if size else 1
    return {"total_items": total, "total_pages": pages, "page_number": number, "size": len(items),
            "first_page": number == 1, "last_page": number >= pages, "empty": total == 0,
            "contents": items}


def export_hsds(activities: list[Activity]) -> dict:
    """The catalogue (what residents may see) as one HSDS API page of fully nested services."""
    services = [service(a) for a in shown(activities)]
    return page(services, 1, len(services), len(services))
