"""The catalogue's HSDS 3.0 records for the /hsds/ read API (web/api/routes/hsds.py): every
activity residents may see as an HSDS service (hsds_export.py), with what the API's filters
look at (folded words for ``search``, taxonomy terms, the date it changed), its organisations
and its services at locations. Built from one catalogue generation; ``Services.hsds_index``
(mukaan/services.py) keeps one per app and builds it again when the generation changes.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mukaan.catalogue.formats import hsds_export as hsds
from mukaan.nlp import fold
from mukaan.texts import LANGS


@dataclass
class Entry:
    service: dict
    text: str                                 # folded words, for ``search``
    updated: dt.date
    terms: set[str] = field(default_factory=set)
    taxonomies: set[str] = field(default_factory=set)


class HsdsIndex:
    """The HSDS records of one catalogue generation."""

    def __init__(self, activities, generation: int):
        self.generation = generation
        self.entries: list[Entry] = []
        self.organizations: dict[str, dict] = {}
        for a in activities:
            if not a.shown:
                continue
            service = hsds.service(a)
            words = [a.name, a.description, a.how_to_join]
            text = " ".join([*(t.get(lang) for t in words for lang in LANGS if t.has(lang)),
                             a.organizer.name, a.municipality.fi if a.municipality else ""])
            terms = {attr["taxonomy_term_id"] for attr in service["attributes"]}
            tax = {attr["taxonomy_term"]["taxonomy_id"] for attr in service["attributes"]}
            self.entries.append(Entry(service, fold(text), a.updated, terms, tax))
            self.organizations.setdefault(service["organization"]["id"], service["organization"])
        self.services = {e.service["id"]: e for e in self.entries}
        self.locations = {link["id"]: link for e in self.entries for link in e.service.get("service_at_locations", [])}
