"""Finnish municipalities and their districts: official Finnish and Swedish names,
Statistics Finland codes, inflected and spoken forms, and neighbours, read from
``catalogue/data/municipalities.csv`` and ``catalogue/data/districts.csv``.

``resolve("Esbo")``, ``resolve("espoossa")``, ``resolve("Espoos")``, ``resolve("049")`` and a
district, ``resolve("Tapiolassa")`` or ``resolve("Hagalund")``, all give Espoo; ``district()``
gives the district itself. Forms beyond the listed ones are made by rule (placenames.py).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from mukaan.nlp import fold, fold_norms, pipeline
from mukaan.placenames import finnish_forms, swedish_forms
from mukaan.settings import CATALOGUE_DATA

GAZETTE_FILE = CATALOGUE_DATA / "municipalities.csv"
DISTRICTS_FILE = CATALOGUE_DATA / "districts.csv"
# A listed inflected form said clipped: "Helsingissä" → "Helsingis", "Tampereella" → "Tampereel".
_CLIPPED = re.compile(r"(ss|st|ll|lt)[aä]$|(ll)e$")


class Municipality(BaseModel):
    """A Finnish municipality: official names and the Statistics Finland code (a field of an
    activity in the catalogue schema, too)."""
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str
    fi: str
    sv: str | None = None
    bilingual: bool = False

    def name(self, lang: str) -> str:
        return (self.sv if lang == "sv" and self.sv else self.fi)


@dataclass(frozen=True)
class District:
    """A part of a municipality residents name as where they live (kaupunginosa, stadsdel)."""
    fi: str
    sv: str | None
    code: str              # the municipality's code
    word: bool = False     # also an everyday word: matched in text only with a capital

    def name(self, lang: str) -> str:
        return self.sv if lang == "sv" and self.sv else self.fi


def _clipped(form: str) -> str | None:
    return _CLIPPED.sub(lambda m: m.group(1)[0] if m.group(1) else "l", form) if _CLIPPED.search(form) else None


def _rows(path: Path):
    with open(path, encoding="utf-8", newline="") as f:
        yield from csv.DictReader(line for line in f if not line.startswith("#"))


class Gazette:
    def __init__(self, path: Path = GAZETTE_FILE, districts_path: Path | None = DISTRICTS_FILE):
        self.by_code: dict[str, Municipality] = {}
        self.neighbours: dict[str, list[str]] = {}
        self._index: dict[str, str] = {}
        self.forms: dict[str, list[str]] = {}
        for row in _rows(path):
            m = Municipality(code=row["code"], fi=row["fi"], sv=row["sv"] or None,
                             bilingual=row["bilingual"] == "yes")
            self.by_code[m.code] = m
            self.neighbours[m.code] = [c for c in row["neighbours"].split(";") if c]
            listed = [fold(f) for f in row["forms"].split(";") if f]
            spoken = [f for f in (row.get("spoken") or "").split(";") if f]   # "Hesa", "Stadi"
            forms = {*finnish_forms(m.fi), *listed, *(c for c in map(_clipped, listed) if c)}
            forms |= swedish_forms(m.sv) if m.sv else set()
            for name in spoken:
                forms |= finnish_forms(name)
            self.forms[m.code] = sorted(forms)
            for form in self.forms[m.code]:
                self._index.setdefault(form, m.code)
            self._index[m.code] = m.code
        self._districts: dict[str, District | None] = {}   # folded form → district; None: in two places
        self.district_forms: dict[District, list[str]] = {}
        if districts_path is not None:
            self._load_districts(districts_path)

    def _load_districts(self, path: Path) -> None:
        for row in _rows(path):
            d = District(fi=row["fi"], sv=row["sv"] or None, code=row["code"], word=row["word"] == "yes")
            forms = finnish_forms(d.fi) | (swedish_forms(d.sv) if d.sv else set())
            forms = {f for f in forms if f not in self._index}      # a municipality's name wins
            self.district_forms[d] = sorted(forms)
            for form in forms:
                known = self._districts.get(form, d)
                self._districts[form] = d if known is not None and known.code == d.code else None

    def district(self, name: str | None) -> District | None:
        """The district a name (Finnish, Swedish, inflected or spoken) refers to, or None
        (also when the name is used in two municipalities)."""
        return self._districts.get(fold(name.strip())) if name else None

    def is_place(self, name: str) -> bool:
        """Whether ``name`` is a form of a municipality's or a district's name."""
        key = fold(name.strip())
        return key in self._index or key in self._districts

    def resolve(self, name: str | None) -> Municipality | None:
        """The municipality a name (Finnish, Swedish, inflected, spoken, code, or one of its
        districts) refers to, or None."""
        if not name:
            return None
        code = self._index.get(fold(name.strip()))
        if code is None and (d := self.district(name)) is not None:
            code = d.code
        return self.by_code.get(code) if code else None

    def nearby(self, code: str) -> list[Municipality]:
        return [self.by_code[c] for c in self.neighbours.get(code, []) if c in self.by_code]

    def __iter__(self):
        return iter(self.by_code.values())


@lru_cache(maxsize=1)
def gazette() -> Gazette:
    return Gazette()


def is_place_word(word: str) -> bool:
    """A municipality's or a district's name in any form ("Borgå", "Kontulasta", "Hesas")."""
    return gazette().is_place(word)


# Municipalities whose names are also everyday words (lahti = bay, salo = wilderness,
# hamina = harbour, ingå = to be included): matched only when written with a capital.
AMBIGUOUS: set[str] = set()
AMBIGUOUS_NAMES = {"Salo", "Lahti", "Kotka", "Aura", "Ii", "Inkoo", "Vaala", "Pello", "Hamina",
                   "Koski Tl", "Kemi", "Rusko", "Kaskinen", "Pyhtää"}


@lru_cache(maxsize=None)
def _matcher(lang: str):
    """A spaCy PhraseMatcher over folded token forms (NORM) of every name and form: the
    municipalities under their code, the districts under "d<n>" (n: their place in
    ``districts``), with "^" when the name is also an everyday word (capital needed)."""
    from spacy.matcher import PhraseMatcher
    nlp = pipeline(lang)
    matcher = PhraseMatcher(nlp.vocab, attr="NORM")
    g = gazette()
    AMBIGUOUS.update(m.code for m in g if m.fi in AMBIGUOUS_NAMES)
    for code, forms in g.forms.items():
        matcher.add(code + ("^" if code in AMBIGUOUS else ""), [nlp.make_doc(form) for form in forms])
    districts = list(g.district_forms)
    for n, d in enumerate(districts):
        forms = [f for f in g.district_forms[d] if g._districts.get(f) is d]
        if forms:
            matcher.add(f"d{n}" + ("^" if d.word else ""), [nlp.make_doc(form) for form in forms])
    return nlp, matcher, districts


def _doc(text: str, lang: str):
    return fold_norms(_matcher(lang)[0](text))


def _places(doc, lang: str) -> list[tuple[int, str, District | None]]:
    """(token, municipality code, district or None) of each place named in ``doc`` (_doc)."""
    nlp, matcher, districts = _matcher(lang)
    found = []
    for key, start, _ in matcher(doc):
        name = nlp.vocab.strings[key]
        if name.endswith("^") and not doc[start].text[:1].isupper():
            continue
        name = name.rstrip("^")
        if name.startswith("d"):
            d = districts[int(name[1:])]
            found.append((start, d.code, d))
        else:
            found.append((start, name, None))
    return sorted(found, key=lambda f: f[0])


def find_districts(text: str, lang: str = "fi") -> list[District]:
    """Districts named in free text, in order of mention ("asun Tapiolassa" → Tapiola)."""
    out: list[District] = []
    for _, _, d in _places(_doc(text, lang), lang):
        if d is not None and d not in out:
            out.append(d)
    return out


def find_municipalities(text: str, lang: str = "fi") -> list[Municipality]:
    """Municipalities named in free text, by name or by one of their districts, in order of
    mention ("asun Espoossa", "bor i Hagalund" → Espoo).

    Tokens are folded (ä→a) before matching, and lemmas are tried too, so inflected forms
    that the gazette does not make still resolve when the lemmatiser knows them."""
    doc = _doc(text, lang)
    g = gazette()
    found: list[tuple[int, str]] = [(start, code) for start, code, _ in _places(doc, lang)]
    for token in doc:
        if token.is_alpha and token.text[:1].isupper():
            code = g._index.get(fold(token.lemma_))
            if code and (code not in AMBIGUOUS or token.text[:1].isupper()):
                found.append((token.i, code))
    out: list[Municipality] = []
    for _, code in sorted(found):
        m = g.by_code[code]
        if m not in out:
            out.append(m)
    return out


def resolve_fuzzy(text: str, cutoff: float = 85) -> Municipality | None:
    """A municipality for a short answer with a typo or a colloquial ending
    ("tampereel", "Jyväskylää") — only for answers to "which municipality?"."""
    from rapidfuzz import fuzz, process
    words = [w for w in fold(text).replace(",", " ").split() if len(w) >= 3]
    g = gazette()
    choices = list(g._index)
    official = {fold(name) for m in g.by_code.values() for name in (m.fi, m.sv) if name}
    best = None
    for word in words[:4]:
        # At equal scores an official name wins over a spoken or inflected form ("Esbå": Esbo, not Hesa).
        hits = process.extract(word, choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=10)
        hit = max(hits, key=lambda h: (h[1], h[0] in official), default=None)
        if hit and (best is None or hit[1] > best[1]):
            best = hit
    return g.by_code[g._index[best[0]]] if best else None
