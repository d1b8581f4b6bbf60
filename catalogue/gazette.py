"""Finnish municipalities: official Finnish and Swedish names, Statistics Finland codes,
common inflected forms and neighbours, read from ``data/municipalities.csv``.

``resolve("Esbo")``, ``resolve("espoossa")`` and ``resolve("049")`` all give Espoo.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from mukaan.nlp import fold, fold_norms, pipeline
from mukaan_catalogue.schema import Municipality

GAZETTE_FILE = Path(__file__).parent / "data" / "municipalities.csv"


class Gazette:
    def __init__(self, path: Path = GAZETTE_FILE):
        self.by_code: dict[str, Municipality] = {}
        self.neighbours: dict[str, list[str]] = {}
        self._index: dict[str, str] = {}
        self.forms: dict[str, list[str]] = {}
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                m = Municipality(code=row["code"], fi=row["fi"], sv=row["sv"] or None,
                                 bilingual=row["bilingual"] == "yes")
                self.by_code[m.code] = m
                self.neighbours[m.code] = [c for c in row["neighbours"].split(";") if c]
                forms = [m.fi, *(m.sv and [m.sv] or []),
                         *(f for f in row["forms"].split(";") if f)]
                self.forms[m.code] = forms
                for form in forms:
                    self._index.setdefault(fold(form), m.code)
                self._index[m.code] = m.code

    def resolve(self, name: str | None) -> Municipality | None:
        """The municipality a name (Finnish, Swedish, inflected, or code) refers to, or None."""
        if not name:
            return None
        code = self._index.get(fold(name.strip()))
        return self.by_code.get(code) if code else None

    def nearby(self, code: str) -> list[Municipality]:
        return [self.by_code[c] for c in self.neighbours.get(code, []) if c in self.by_code]

    def __iter__(self):
        return iter(self.by_code.values())


@lru_cache(maxsize=1)
def gazette() -> Gazette:
    return Gazette()


# Municipalities whose names are also everyday words (lahti = bay, salo = wilderness,
# hamina = harbour, ingå = to be included): matched only when written with a capital.
AMBIGUOUS: set[str] = set()
AMBIGUOUS_NAMES = {"Salo", "Lahti", "Kotka", "Aura", "Ii", "Inkoo", "Vaala", "Pello", "Hamina",
                   "Koski Tl", "Kemi", "Rusko", "Kaskinen", "Pyhtää"}


@lru_cache(maxsize=None)
def _matcher(lang: str):
    """A spaCy PhraseMatcher over folded token forms (NORM) of every name and form."""
    from spacy.matcher import PhraseMatcher
    nlp = pipeline(lang)
    matcher = PhraseMatcher(nlp.vocab, attr="NORM")
    g = gazette()
    AMBIGUOUS.update(m.code for m in g if m.fi in AMBIGUOUS_NAMES)
    for code, forms in g.forms.items():
        matcher.add(code, [nlp.make_doc(fold(form)) for form in forms])
    return nlp, matcher


def find_municipalities(text: str, lang: str = "fi") -> list[Municipality]:
    """Municipalities named in free text, in order of mention ("asun Espoossa" → Espoo).

    Tokens are folded (ä→a) before matching, and lemmas are tried too, so inflected forms
    that the gazette does not list still resolve when the lemmatiser knows them."""
    nlp, matcher = _matcher(lang)
    doc = fold_norms(nlp(text))
    g = gazette()
    found: list[tuple[int, str]] = [
        (start, nlp.vocab.strings[key]) for key, start, _ in matcher(doc)
        if nlp.vocab.strings[key] not in AMBIGUOUS or doc[start].text[:1].isupper()]
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
    best = None
    for word in words[:4]:
        hit = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        if hit and (best is None or hit[1] > best[1]):
            best = hit
    return g.by_code[g._index[best[0]]] if best else None
