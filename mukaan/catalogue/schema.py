"""The activity schema: one pydantic model per record, shaped after Open Referral HSDS and
Linked Events so that catalogues can be exchanged.

The taxonomy (``KINDS``, ``TOPICS``, ``AUDIENCES``) is fixed: filters, the evaluation cases
and the chat all speak these values.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mukaan.gazette import Municipality
from mukaan.texts import LANGS

KINDS = (
    "peer_support", "volunteering", "befriending", "club",
    "meeting_place", "practical_help", "advice", "event",
)
TOPICS = (
    "loneliness", "mental_health", "substance_use", "caregiving", "disability",
    "chronic_illness", "memory_disorders", "grief", "families", "parenting", "youth",
    "seniors", "immigrants", "unemployment", "divorce", "violence", "debt", "lgbtq",
    "exercise", "culture", "nature", "neurodivergence",
)
AUDIENCES = ("children", "youth", "adults", "seniors", "families")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ACCESSIBILITY = (
    "wheelchair", "induction_loop", "step_free", "accessible_toilet", "sign_language",
    "plain_language", "guide_dog", "quiet_space", "online_only",
)

Kind = Literal[KINDS]  # type: ignore[valid-type]
Topic = Literal[TOPICS]  # type: ignore[valid-type]
Audience = Literal[AUDIENCES]  # type: ignore[valid-type]
Weekday = Literal[WEEKDAYS]  # type: ignore[valid-type]
Accessibility = Literal[ACCESSIBILITY]  # type: ignore[valid-type]

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_ISO639_1 = re.compile(r"^[a-z]{2}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Text(_Strict):
    """A text in Finnish, Swedish and English: at least one of them. The demo data always has
    Finnish; imported data has the languages its publisher wrote (see :class:`Activity`)."""
    fi: str | None = None
    sv: str | None = None
    en: str | None = None

    @model_validator(mode="after")
    def _some(self) -> "Text":
        if not (self.fi or self.sv or self.en):
            raise ValueError("give the text in at least one of fi, sv, en")
        return self

    def lang_of(self, lang: str) -> str:
        """The language :meth:`get` answers in: ``lang`` if there is such text, else Finnish,
        Swedish, English in this order."""
        return next(code for code in (lang, *LANGS) if getattr(self, code, None))

    def get(self, lang: str) -> str:
        """The text in ``lang``, else in Finnish, else in whichever language there is."""
        return getattr(self, self.lang_of(lang))

    def has(self, lang: str) -> bool:
        return bool(getattr(self, lang, None))


class Organizer(_Strict):
    name: str = Field(min_length=2)
    url: str | None = None
    email: str | None = None
    phone: str | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("https://", "http://")):
            raise ValueError("url must start with https://")
        return v

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", v):
            raise ValueError("not an e-mail address")
        return v


class Schedule(_Strict):
    """When it happens: a human text per language plus structured times or dates."""
    text: Text
    weekdays: list[Weekday] = []
    start: str | None = None
    end: str | None = None
    dates: list[dt.date] = []

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, v: str | None) -> str | None:
        if v is not None and not _TIME.match(v):
            raise ValueError("time must be HH:MM")
        return v


class Contact(_Strict):
    """A person or desk to ask (HSDS ``contacts``)."""
    name: str | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None


class Coordinates(_Strict):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class Cost(_Strict):
    free: bool
    text: Text | None = None


class Activity(_Strict):
    id: str
    name: Text
    description: Text
    how_to_join: Text
    organizer: Organizer | None = None      # only while ``review`` says it must be filled in
    kind: Kind
    topics: list[Topic] = []                # at least one in the demo data
    audience: list[Audience] = []           # at least one in the demo data
    languages: list[str] = Field(min_length=1)
    municipality: Municipality | None = None
    online: bool = False
    area: str | None = None
    address: str | None = None
    schedule: Schedule
    cost: Cost
    accessibility: list[Accessibility] = []
    signup_required: bool = False
    url: str | None = None
    source: str = "demo"
    updated: dt.date
    # Kept from imported data (HSDS, Linked Events); the demo data may use them too.
    series: str | None = None               # the series (Linked Events super-event) it belongs to
    contacts: list[Contact] = []
    coordinates: Coordinates | None = None
    min_age: int | None = Field(None, ge=0, le=130)
    max_age: int | None = Field(None, ge=0, le=130)
    accessibility_text: Text | None = None  # the publisher's own words on accessibility
    inferred: list[str] = []                # fields the importer inferred from the text: check them
    review: list[str] = []                  # what staff must fill in before the activity is shown
    # Kept up by the association (mukaan/catalogue/editorial.py): the day it last said the listing is
    # still right (HSDS assured_date), and whether it runs now; paused and ended are not shown.
    confirmed: dt.date | None = None
    status: Literal["active", "paused", "ended"] = "active"

    @field_validator("url")
    @classmethod
    def _web_address(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("https://", "http://")):
            raise ValueError("url must start with https://")
        return v

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError("id must be a lowercase slug: letters a-z, digits and hyphens")
        return v

    @field_validator("languages")
    @classmethod
    def _langs(cls, v: list[str]) -> list[str]:
        for code in v:
            if not _ISO639_1.match(code):
                raise ValueError(f"{code!r} is not an ISO 639-1 language code")
        return v

    @model_validator(mode="after")
    def _place(self) -> "Activity":
        if self.municipality is None and not self.online:
            raise ValueError("give a municipality, or mark the activity online: true")
        if self.organizer is None and not self.review:
            raise ValueError("organizer: required (or list what is missing under review)")
        if self.is_demo:
            self._demo_rules()
        return self

    def _demo_rules(self) -> None:
        """The bundled demo data is held to more than imported data: Finnish text everywhere,
        Swedish in bilingual municipalities, an organiser, nothing left for review. Imported
        data gets warnings for these instead (``importers``), so residents see what exists."""
        for field in ("name", "description", "how_to_join"):
            if not getattr(self, field).fi:
                raise ValueError(f"{field}.fi: Finnish text is required in the demo data")
        if not self.schedule.text.fi:
            raise ValueError("schedule.text.fi: Finnish text is required in the demo data")
        if not self.topics or not self.audience:
            raise ValueError("topics and audience: at least one each in the demo data")
        if self.organizer is None or self.review:
            raise ValueError("the demo data needs an organizer and nothing left for review")
        if self.municipality and self.municipality.bilingual and not self.description.sv:
            raise ValueError(
                f"{self.municipality.fi} is bilingual: add Swedish text (description.sv)")

    @property
    def is_demo(self) -> bool:
        return self.source == "demo"

    @property
    def shown(self) -> bool:
        """Whether residents may see it: nothing is left for staff to fill in."""
        return not self.review

    @property
    def checked(self) -> dt.date:
        """When the information was last checked: confirmed by its organiser, else updated."""
        return max(self.confirmed, self.updated) if self.confirmed else self.updated

    @property
    def last_date(self) -> dt.date | None:
        """The last date it happens on; None for an ongoing activity (no dates listed)."""
        return max(self.schedule.dates) if self.schedule.dates else None

    def is_over(self, today: dt.date) -> bool:
        """Every date it was to happen on has passed: it is never shown to anyone."""
        return self.last_date is not None and self.last_date < today

    @property
    def is_national(self) -> bool:
        return self.municipality is None
