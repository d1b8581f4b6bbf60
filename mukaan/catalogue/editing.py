"""An association's edit of one activity: the fields it may change (``ActivityEdit``), the
checks on them with an error code per field (the pages show each code's message in the
editor's language), which activities belong to which organisation, and the freshness lists.

Error codes: ``required`` (no text in any language), ``too_long``, ``url``, ``email``,
``phone``, ``municipality``, ``choose`` (pick at least one), ``place`` (a municipality or
online), ``invalid``.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mukaan.catalogue.formats.common import slug
from mukaan.catalogue.formats.hsds_export import organization_key
from mukaan.catalogue.ranking import months_before
from mukaan.catalogue.schema import AUDIENCES, KINDS, LANGS, TOPICS, Activity
from mukaan.gazette import gazette

TEXT_FIELDS = {"name": 120, "description": 2000, "how_to_join": 600, "schedule": 300, "cost_text": 200}
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{4,20}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


class Texts(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    fi: str = Field("", max_length=4000)
    sv: str = Field("", max_length=4000)
    en: str = Field("", max_length=4000)

    def given(self) -> dict[str, str]:
        return {lang: getattr(self, lang) for lang in LANGS if getattr(self, lang)}


class ActivityEdit(BaseModel):
    """What an association fills in (the catalogue schema's fields it owns)."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: Texts = Texts()
    description: Texts = Texts()
    how_to_join: Texts = Texts()
    schedule: Texts = Texts()
    cost_text: Texts = Texts()
    free: bool = True
    kind: str = Field("club", max_length=40)
    topics: list[str] = Field([], max_length=len(TOPICS))
    audience: list[str] = Field([], max_length=len(AUDIENCES))
    municipality: str = Field("", max_length=80)
    online: bool = False
    address: str = Field("", max_length=200)
    url: str = Field("", max_length=300)
    email: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    languages: list[str] = Field(["fi"], max_length=10)
    status: Literal["active", "paused", "ended"] = "active"


def owner(activity: Activity) -> str | None:
    """The organisation an activity belongs to (the key edit links are issued for)."""
    return organization_key(activity.organizer.name) if activity.organizer else None


def check(edit: ActivityEdit) -> dict[str, str]:
    """Field → error code for everything wrong in ``edit`` (empty when it is fine)."""
    errors: dict[str, str] = {}
    for field, limit in TEXT_FIELDS.items():
        texts: Texts = getattr(edit, field)
        if field != "cost_text" and not texts.given():
            errors[field] = "required"
        for lang, value in texts.given().items():
            if len(value) > limit:
                errors[f"{field}.{lang}"] = "too_long"
    if edit.kind not in KINDS:
        errors["kind"] = "choose"
    if not edit.topics or any(t not in TOPICS for t in edit.topics):
        errors["topics"] = "choose"
    if not edit.audience or any(a not in AUDIENCES for a in edit.audience):
        errors["audience"] = "choose"
    if edit.municipality and gazette().resolve(edit.municipality) is None:
        errors["municipality"] = "municipality"
    elif not edit.municipality and not edit.online:
        errors["municipality"] = "place"
    if edit.url and not edit.url.startswith(("https://", "http://")):
        errors["url"] = "url"
    if edit.email and not _EMAIL.match(edit.email):
        errors["email"] = "email"
    if edit.phone and not _PHONE.match(edit.phone):
        errors["phone"] = "phone"
    if not edit.languages or any(not re.fullmatch(r"[a-z]{2}", code) for code in edit.languages):
        errors["languages"] = "choose"
    return errors


def _first_name(edit: ActivityEdit) -> str:
    """The new activity's name for its id: the Finnish one, else the first given."""
    names = edit.name.given()
    return names.get("fi") or next(iter(names.values()))


def build(edit: ActivityEdit, base: Activity | None, org_name: str, today: dt.date) -> tuple[Activity | None, dict]:
    """The activity ``edit`` makes of ``base`` (None: a new one of ``org_name``), and the
    errors per field; an edit also counts as a confirmation that the listing is current."""
    errors = check(edit)
    if errors:
        return None, errors
    data = base.model_dump(mode="json") if base else {
        "id": f"{slug(org_name)[:40]}-{slug(_first_name(edit))[:40]}-{secrets.token_hex(3)}".strip("-"),
        "organizer": {"name": org_name}, "source": "association",
        "schedule": {"text": {"fi": "-"}}}
    place = gazette().resolve(edit.municipality) if edit.municipality else None
    organizer = dict(data["organizer"] or {"name": org_name})
    organizer.update(url=edit.url or None, email=edit.email or None, phone=edit.phone or None)
    data.update(
        name=edit.name.given(), description=edit.description.given(), how_to_join=edit.how_to_join.given(),
        kind=edit.kind, topics=edit.topics, audience=edit.audience, languages=edit.languages,
        municipality=place.model_dump(mode="json") if place else None, online=edit.online,
        address=edit.address or None, url=edit.url or None, organizer=organizer, status=edit.status,
        cost={"free": edit.free, "text": edit.cost_text.given() or None},
        schedule={**data["schedule"], "text": edit.schedule.given()},
        updated=today.isoformat(), confirmed=today.isoformat())
    try:
        return Activity.model_validate(data), {}
    except ValidationError as exc:
        return None, {".".join(str(p) for p in e["loc"][:1]) or "form": "invalid" for e in exc.errors()}


def as_edit(activity: Activity) -> dict:
    """The form's values for an existing activity."""
    a = activity

    def texts(text) -> dict:
        return {lang: getattr(text, lang) or "" for lang in LANGS} if text else {lang: "" for lang in LANGS}

    return {"name": texts(a.name), "description": texts(a.description), "how_to_join": texts(a.how_to_join),
            "schedule": texts(a.schedule.text), "cost_text": texts(a.cost.text), "free": a.cost.free,
            "kind": a.kind, "topics": list(a.topics), "audience": list(a.audience),
            "municipality": a.municipality.fi if a.municipality else "", "online": a.online,
            "address": a.address or "", "url": a.url or "", "email": (a.organizer.email if a.organizer else "") or "",
            "phone": (a.organizer.phone if a.organizer else "") or "", "languages": list(a.languages),
            "status": a.status}


def confirm(activity: Activity, today: dt.date) -> Activity:
    """The activity confirmed as still current today."""
    return activity.model_copy(update={"confirmed": today})


def unconfirmed(activities, today: dt.date, remind_months: int, hide_months: int) -> list[dict]:
    """Activities not checked for ``remind_months``: id, name, organisation, last checked,
    and whether residents no longer see it (``hide_months``; 0 = never hidden)."""
    remind = months_before(today, remind_months)
    hide = months_before(today, hide_months) if hide_months > 0 else dt.date.min
    return [{"id": a.id, "name": a.name.get("fi"), "org": owner(a), "org_name": a.organizer.name if a.organizer else "",
             "checked": a.checked.isoformat(), "hidden": a.checked < hide}
            for a in sorted(activities, key=lambda a: (a.checked, a.id)) if a.checked < remind and a.status == "active"]


def publish(searcher, activity: Activity) -> float:
    """Writes ``activity`` into the live catalogue, embedding only it, and swaps the searcher's
    snapshot; the seconds until searches see it."""
    start = time.perf_counter()
    searcher.store.upsert(activity, searcher.embedder)
    searcher.snapshot()
    return time.perf_counter() - start


def overlay(activities: list[Activity], published: dict[str, dict]) -> list[Activity]:
    """The catalogue files' activities with the approved edits laid over them (and the approved
    new ones added), so rebuilding the index keeps what associations changed."""
    by_id = {a.id: a for a in activities}
    for activity_id, data in published.items():
        by_id[activity_id] = Activity.model_validate(data)
    return list(by_id.values())


def organisations(searcher) -> dict[str, str]:
    """Organisation key → name, from the catalogue's organisers."""
    return {owner(a): a.organizer.name for a in searcher.snapshot().activities if a.organizer}
