"""How the catalogue ranks, the same for both backends (sqlite_search.py, pg_search.py):
the filters, the signals per candidate (dense cosine, BM25, topics, kind, need, place), their
weights and fusion, and the one-line "why this" of a result.

May import: the shared core (mukaan.nlp, mukaan.gazette, mukaan.settings, mukaan.texts) and
the catalogue's schema, taxonomy and asked (what a query asks for by meaning). The backends
import this module, never the reverse.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

from mukaan.catalogue.asked import Reading
from mukaan.catalogue.schema import KINDS, TOPICS, WEEKDAYS, Activity
from mukaan.catalogue.taxonomy import detect
from mukaan.catalogue.when import Window, helsinki_today
from mukaan.gazette import District, find_districts, gazette
from mukaan.nlp import fold, pipeline
from mukaan.settings import Settings
from mukaan.texts import say
from mukaan.texts.cards import ONLINE, WHY, YOUR_DISTRICT
from mukaan.texts.labels import kind_label, topic_label

MODES = ("hybrid", "dense", "lexical")
ANN_CANDIDATES = 1000   # nearest vectors fetched from the ANN index before filtering
# Kinds a resident has to ask for: volunteering is giving help, not getting it, and an event
# happens once (relative weights of the setting unasked_kind_penalty).
UNASKED_KINDS = {"volunteering": 1.0, "event": 0.5}
# A kind the query says it does not want ("ei vertaistukiryhmää vaan…", or volunteering in a
# wish to get a volunteer's help: asked.py), relative to the same setting.
NOT_WANTED = 2.0


def lexical_tokens(text: str, lang: str) -> list[str]:
    """Folded lemmas of ``text``: inflected Finnish and Swedish forms meet their base form."""
    return [fold(t.lemma_) for t in pipeline(lang)(text) if t.is_alpha and len(t) > 1]



@dataclass
class Filters:
    municipality: str | None = None      # Finnish or Swedish name, inflected form or code
    nearby: bool = False                 # also the municipality's neighbours
    include_national: bool = True        # online/national activities count as local
    kinds: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    language: str | None = None          # the activity is run in this language
    audience: str | None = None
    free_only: bool = False
    online_only: bool = False
    accessibility: tuple[str, ...] = ()
    today: dt.date | None = None         # activities whose dates have all passed are left out
    hide_months: int = 0                 # activities not checked for this long are left out (0: none)
    # A time window (when.py): an activity passes with a date in it; without dates, with a
    # weekday in it, or with no days known at all (those rank after the others, see ``rank``).
    when: Window | None = None

    @property
    def day(self) -> dt.date:
        return self.today or helsinki_today()

    @property
    def window(self) -> Window | None:
        """The days of ``when`` from ``day`` on (what has passed does not happen any more);
        None without ``when``, and an empty window (end before start) when it has all passed."""
        return Window(max(self.when.start, self.day), self.when.end, self.when.name) if self.when else None

    @property
    def weekday_bits(self) -> int:
        """The weekdays of ``window`` as a bit set over WEEKDAYS (0 when it is empty)."""
        w = self.window
        return bits(w.weekdays, WEEKDAYS) if w and w.start <= w.end else 0

    @property
    def checked_since(self) -> dt.date:
        """Activities last checked before this day are hidden from residents (freshness)."""
        return checked_since(self.day, self.hide_months)

    def for_residents(self, settings: Settings) -> Filters:
        """These filters with the day (setting ``today`` or the real one) and the freshness
        rule (``freshness_hide_months``) the settings give, where the caller set none."""
        return replace(self, today=self.today or today(settings),
                       hide_months=self.hide_months or settings.freshness_hide_months)


def today(settings: Settings) -> dt.date:
    """Today in Finland, or the day the setting ``today`` travels to (demos and tests)."""
    return settings.today or helsinki_today()


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    if year < dt.MINYEAR:
        return dt.date.min
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def checked_since(day: dt.date, months: int) -> dt.date:
    """The oldest "last checked" day residents still see, ``months`` (the setting
    ``freshness_hide_months``) before ``day``; 0 = every day."""
    return months_before(day, months) if months > 0 else dt.date.min


ONGOING = dt.date.max.toordinal()  # the "last date" of an activity without dates


@dataclass
class Result:
    activity: Activity
    score: float
    dense: float
    lexical: float
    why: str


def bits(values, vocabulary) -> int:
    """The values as a bit set over ``vocabulary`` (topics, audiences, accessibility)."""
    return sum(1 << vocabulary.index(v) for v in values if v in vocabulary)


@lru_cache(maxsize=200_000)
def passage_tokens(text: str, lang: str) -> tuple[str, ...]:
    """``lexical_tokens`` of an activity's passage, cached (passages repeat across snapshots)."""
    return tuple(lexical_tokens(text, lang))



def by_kind(kind: np.ndarray, weights: dict[str, float]) -> np.ndarray:
    """Each candidate's weight for its kind (kind indices into KINDS; other kinds 0)."""
    out = np.zeros(len(kind))
    for name, weight in weights.items():
        out += weight * (kind == KINDS.index(name))
    return out


@dataclass
class Weights:
    """The hybrid ranking's weights (settings, tuned by scripts/tune_search.py)."""
    dense: float
    lexical: float
    topic: float
    kind: float
    need: float
    away: float
    unasked: float
    district: float = 0.0

    @classmethod
    def from_settings(cls, s: Settings) -> Weights:
        return cls(s.dense_weight, s.lexical_weight, s.topic_weight, s.kind_weight, s.need_weight,
                   s.away_penalty, s.unasked_kind_penalty, s.district_bonus)


@dataclass
class Signals:
    """Per-candidate ranking signals. Relevance: dense cosine, BM25, the share of the query's
    topics the activity has, whether its kind is one the query names, how well its kind fits
    what the query wishes for (NEED_CUES: "someone to talk to", "company"). Taken off: the activity
    is outside the resident's municipality (away), or of a kind the resident has to ask for
    (unasked, UNASKED_KINDS). Added at equal relevance: the activity is in the district the
    resident named (here)."""
    snap: object            # has .activities, which idx points into
    idx: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray
    topic: np.ndarray
    kind: np.ndarray
    need: np.ndarray
    away: np.ndarray
    topics: list[str]
    unasked: np.ndarray
    here: np.ndarray | None = None
    district: District | None = None
    unscheduled: np.ndarray | None = None   # with a time window: no dates nor weekdays known

    @classmethod
    def build(cls, snap, idx, dense, lexical, query: str, lang: str, f: Filters, reading: Reading | None = None,
              *, kind: np.ndarray,
              topic_bits: np.ndarray, municipality: np.ndarray,
              unscheduled: np.ndarray | None = None) -> "Signals":
        """The signals from the candidates' dense and lexical scores and their fields as arrays
        (kind index, topic bits, municipality code or -1, whether no days are known) — shared
        by the SQLite and PostgreSQL searchers, so both rank alike. ``reading`` (asked.py): what
        the query asks for by meaning, fused with what the lexicon finds, and what it negates:
        the topics of those words stay, the kinds they name count as not wanted."""
        topics, asked, needs = detect(query, lang) if query else ([], [], {})
        if reading is not None:
            fused = reading.fuse(lang, topics, asked, needs)
            topics, asked, needs, unwanted = fused.topics, fused.asked, fused.needs, fused.unwanted
        else:
            unwanted = []
        t = np.zeros(len(idx))
        for topic in topics:  # the share of the query's topics each activity has
            t += (topic_bits & (1 << TOPICS.index(topic))) != 0
        t /= max(len(topics), 1)
        k = np.isin(kind, [KINDS.index(a) for a in asked]).astype(float)
        need = by_kind(kind, needs)
        need[k > 0] = 0.0                       # a named kind counts once, fully
        home = gazette().resolve(f.municipality) if f.municipality else None
        away = (municipality != int(home.code)).astype(float) if home else np.zeros(len(idx))
        unasked = by_kind(kind, {name: weight for name, weight in UNASKED_KINDS.items()
                                  if name not in asked and name not in f.kinds} | dict.fromkeys(unwanted, NOT_WANTED))
        district = resident_district(query, lang, f.municipality)
        here = (np.array([in_district(snap.activities[i], district) for i in idx], dtype=float)
                if district else np.zeros(len(idx)))
        return cls(snap, idx, dense, lexical, t, k, need, away, topics, unasked, here, district,
                   unscheduled if f.when is not None and unscheduled is not None else None)

    def combine(self, mode: str, w: Weights) -> np.ndarray:
        d, lex = self.dense.astype(np.float64), self.lexical.astype(np.float64)
        if mode == "dense":
            combined = d
        elif mode == "lexical":
            combined = lex / lex.max() if lex.max() > 0 else np.zeros_like(lex)
        else:
            d_norm = (d - d.min()) / (d.max() - d.min()) if d.max() > d.min() else np.zeros_like(d)
            l_norm = lex / lex.max() if lex.max() > 0 else np.zeros_like(lex)
            combined = (w.dense * d_norm + w.lexical * l_norm + w.topic * self.topic + w.kind * self.kind
                        + w.need * self.need - w.unasked * self.unasked)
            # At equal relevance one in the resident's own district comes before the rest of
            # the municipality (a small bonus on this scale; raw cosines are too close for it).
            if self.here is not None:
                combined = combined + w.district * self.here
        # At equal relevance an activity in the resident's own municipality comes first.
        return combined - w.away * self.away


def resident_district(query: str, lang: str, municipality: str | None) -> District | None:
    """The district the resident named: the municipality filter itself ("Tapiola"), else the
    first district the query names in the filter's municipality ("asun Tapiolassa")."""
    g = gazette()
    if municipality and (named := g.district(municipality)):
        return named
    home = g.resolve(municipality) if municipality else None
    for d in find_districts(query, lang) if query else []:
        if home is None or d.code == home.code:
            return d
    return None


@lru_cache(maxsize=4096)
def _area_districts(area: str, code: str) -> frozenset[District]:
    """The districts an activity's ``area`` names ("Töölö / Kaivopuisto", "Hyrylä (…)")."""
    g = gazette()
    parts = (p.split("(")[0].strip() for p in area.replace(",", "/").split("/"))
    return frozenset(d for p in parts if p and (d := g.district(p)) and d.code == code)


def in_district(activity: Activity, district: District | None) -> bool:
    """Whether the activity's ``area`` is the district ``district``."""
    if not district or not activity.area or not activity.municipality:
        return False
    return district in _area_districts(activity.area, activity.municipality.code)


def explain(activity: Activity, query_topics: list[str], lang: str, district: District | None = None) -> str:
    """A one-line reason in ``lang``: the topics it shares with the query, kind and place;
    when the activity is in the resident's own district, that too."""
    lang = lang if lang in WHY else "fi"
    shared = [t for t in query_topics if t in activity.topics]
    place = activity.municipality.name(lang) if activity.municipality else ONLINE[lang]
    if district:
        place = f"{district.name(lang)}, {place}"
    if activity.municipality and activity.online:
        place += f" / {ONLINE[lang]}"
    about = WHY[lang][0].format(topics=say("and", lang).join(topic_label(t, lang) for t in shared)) if shared else ""
    why = WHY[lang][1].format(kind=kind_label(activity.kind, lang).capitalize(), about=about, place=place)
    return f"{why} {YOUR_DISTRICT[lang]}" if district else why


def rank(sig: Signals, mode: str, weights: Weights, limit: int, lang: str) -> list[Result]:
    """The best ``limit`` candidates of ``sig`` in the order ``mode`` gives, each with its "why".
    With a time window, the activities known to happen in it come first, then those whose days
    are not known (each group in its own order)."""
    combined = sig.combine(mode, weights)
    if sig.unscheduled is not None:
        order = np.lexsort((-combined, sig.unscheduled))[:limit]
    else:
        order = np.argsort(-combined, kind="stable")[:limit]
    acts = sig.snap.activities
    return [Result(activity=acts[sig.idx[o]], score=float(combined[o]), dense=float(sig.dense[o]),
                   lexical=float(sig.lexical[o]),
                   why=explain(acts[sig.idx[o]], sig.topics, lang, sig.district if sig.here[o] else None))
            for o in order]
