"""Hybrid search over the catalogue: dense (multilingual e5) plus lexical (BM25 over
lemmas), with filters and a short "why this" per result.

The searcher keeps an in-memory snapshot of the store (activities, vector matrix, BM25
index). When the store's generation changes (a rebuild or an import), the next search
builds a new snapshot and swaps it in whole: a search sees one catalogue, old or new.
"""
from __future__ import annotations

import calendar
import datetime as dt
import threading
from dataclasses import dataclass
from functools import lru_cache

import bm25s
import numpy as np

from mukaan.nlp import fold, pipeline
from mukaan.settings import get_settings
from mukaan.texts import say
from mukaan_catalogue.embedding import get_embedder, use_serving_threads
from mukaan_catalogue.gazette import District, find_districts, gazette
from mukaan_catalogue.schema import ACCESSIBILITY, AUDIENCES, KINDS, TOPICS, Activity
from mukaan_catalogue.store import Store, passage_langs, passage_text
from mukaan_catalogue.taxonomy import detect, kind_label, topic_label

MODES = ("hybrid", "dense", "lexical")
ANN_CANDIDATES = 1000   # nearest vectors fetched from the ANN index before filtering
# Kinds a resident has to ask for: volunteering is giving help, not getting it, and an event
# happens once (relative weights of the setting unasked_kind_penalty).
UNASKED_KINDS = {"volunteering": 1.0, "event": 0.5}


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

    @property
    def day(self) -> dt.date:
        return self.today or today()

    @property
    def checked_since(self) -> dt.date:
        """Activities last checked before this day are hidden from residents (freshness)."""
        return checked_since(self.day)


def today() -> dt.date:
    """Today, or the day the setting ``today`` travels to (demos and tests)."""
    return get_settings().today or dt.date.today()


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    if year < dt.MINYEAR:
        return dt.date.min
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def checked_since(day: dt.date) -> dt.date:
    """The oldest "last checked" day residents still see (setting ``freshness_hide_months``;
    0 = every day)."""
    months = get_settings().freshness_hide_months
    return months_before(day, months) if months > 0 else dt.date.min


ONGOING = dt.date.max.toordinal()  # the "last date" of an activity without dates


@dataclass
class Result:
    activity: Activity
    score: float
    dense: float
    lexical: float
    why: str


def _bits(values, vocabulary) -> int:
    return sum(1 << vocabulary.index(v) for v in values if v in vocabulary)


@lru_cache(maxsize=200_000)
def _passage_tokens(text: str, lang: str) -> tuple[str, ...]:
    return tuple(lexical_tokens(text, lang))


class _Snapshot:
    """Everything a search needs, built once per store generation: the activities, their
    vectors, a BM25 index, and the filterable fields as arrays (filters are array operations)."""

    def __init__(self, store: Store):
        self.activities, owners, self.matrix, self.generation = store.load()
        acts = self.activities
        self.owner_rows = np.array([i for i, _ in owners], dtype=np.int64)
        self.position = {a.id: i for i, a in enumerate(acts)}
        self.municipality = np.array([int(a.municipality.code) if a.municipality else -1 for a in acts], dtype=np.int32)
        self.kind = np.array([KINDS.index(a.kind) for a in acts], dtype=np.int8)
        self.topic_bits = np.array([_bits(a.topics, TOPICS) for a in acts], dtype=np.int64)
        self.audience_bits = np.array([_bits(a.audience, AUDIENCES) for a in acts], dtype=np.int64)
        self.access_bits = np.array([_bits(a.accessibility, ACCESSIBILITY) for a in acts], dtype=np.int64)
        self.free = np.array([a.cost.free for a in acts], dtype=bool)
        self.online = np.array([a.online for a in acts], dtype=bool)
        self.languages = [frozenset(a.languages) for a in acts]
        self.last_day = np.array([a.last_date.toordinal() if a.last_date else ONGOING for a in acts], dtype=np.int64)
        self.checked = np.array([a.checked.toordinal() for a in acts], dtype=np.int64)
        self.running = np.array([a.status == "active" for a in acts], dtype=bool)
        docs = [[t for lang in passage_langs(a) for t in _passage_tokens(passage_text(a, lang), lang)] or ["_"]
                for a in acts]
        self.bm25 = bm25s.BM25()
        if docs:
            self.bm25.index(docs, show_progress=False)
        self.vocab = set(self.bm25.vocab_dict) if docs else set()
        # An approximate nearest-neighbour index (HNSW, usearch) once exact search gets slow.
        self.ann = None
        threshold = get_settings().ann_min_vectors
        if threshold and len(self.matrix) >= threshold:
            from usearch.index import Index
            self.ann = Index(ndim=self.matrix.shape[1], metric="ip", dtype="f16", connectivity=16,
                             expansion_add=64, expansion_search=128)
            self.ann.add(np.arange(len(self.matrix)), self.matrix)

    def mask(self, f: Filters) -> np.ndarray:
        keep = (self.last_day >= f.day.toordinal()) & self.running & (self.checked >= f.checked_since.toordinal())
        place = gazette().resolve(f.municipality) if f.municipality else None
        if place is not None:
            codes = [int(place.code)] + ([int(m.code) for m in gazette().nearby(place.code)] if f.nearby else [])
            local = np.isin(self.municipality, codes)
            keep &= local | (self.municipality == -1) if f.include_national else local
        if f.kinds:
            keep &= np.isin(self.kind, [KINDS.index(k) for k in f.kinds if k in KINDS])
        if f.topics:
            keep &= (self.topic_bits & _bits(f.topics, TOPICS)) != 0
        if f.audience:
            keep &= (self.audience_bits & _bits([f.audience], AUDIENCES)) != 0
        if f.accessibility:
            wanted = _bits(f.accessibility, ACCESSIBILITY)
            keep &= (self.access_bits & wanted) == wanted
        if f.free_only:
            keep &= self.free
        if f.online_only:
            keep &= self.online
        if f.language:
            keep &= np.fromiter((f.language in langs for langs in self.languages), bool, len(self.languages))
        return keep


class Searcher:
    def __init__(self, store: Store, embedder=None):
        use_serving_threads()
        self.store = store
        self._embedder = embedder
        self._snapshot: _Snapshot | None = None
        self._lock = threading.Lock()

    @property
    def embedder(self):
        if self._embedder is None:
            self._embedder = get_embedder()
        return self._embedder

    def snapshot(self) -> _Snapshot:
        generation = self.store.generation()
        snap = self._snapshot
        if snap is None or snap.generation != generation:
            with self._lock:
                if self._snapshot is None or self._snapshot.generation != generation:
                    self._snapshot = _Snapshot(self.store)
                snap = self._snapshot
        return snap

    def __len__(self) -> int:
        return len(self.snapshot().activities)

    def get(self, activity_id: str) -> Activity | None:
        snap = self.snapshot()
        pos = snap.position.get(activity_id)
        return snap.activities[pos] if pos is not None else None

    # -- ranking ----------------------------------------------------------------------------
    def _dense(self, snap: _Snapshot, query: str, keep: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query to each activity (its best language). Exact over
        the vectors that pass the filters; approximate (ANN) when those are very many."""
        scores = np.full(len(snap.activities), -1.0, dtype=np.float32)
        rows = np.flatnonzero(keep[snap.owner_rows]) if len(snap.matrix) else np.zeros(0, np.int64)
        if not len(rows):
            return scores
        q = self.embedder.query(query)
        if snap.ann is not None and len(rows) >= get_settings().ann_min_vectors:
            found = snap.ann.search(q, ANN_CANDIDATES)
            rows = found.keys[keep[snap.owner_rows[found.keys]]].astype(np.int64)
            sims = 1.0 - found.distances[keep[snap.owner_rows[found.keys]]]
        else:
            sims = snap.matrix[rows] @ q
        np.maximum.at(scores, snap.owner_rows[rows], sims)
        return scores

    def _lexical(self, snap: _Snapshot, query: str, lang: str) -> np.ndarray:
        tokens = [t for t in lexical_tokens(query, lang) if t in snap.vocab]
        if not tokens or not snap.activities:
            return np.zeros(len(snap.activities), dtype=np.float32)
        return np.asarray(snap.bm25.get_scores(tokens), dtype=np.float32)


    def signals(self, query: str, lang: str = "fi", filters: Filters | None = None,
                exclude: tuple[str, ...] = ()) -> "Signals | None":
        """The ranking signals for every activity that passes the filters."""
        f = filters or Filters()
        snap = self.snapshot()
        keep = snap.mask(f)
        keep[[snap.position[i] for i in exclude if i in snap.position]] = False
        idx = np.flatnonzero(keep)
        if not len(idx):
            return None
        query = " ".join(query.split())
        n = len(snap.activities)
        d = (self._dense(snap, query, keep) if query else np.zeros(n, np.float32))[idx]
        l = self._lexical(snap, query, lang)[idx]
        return Signals.build(snap, idx, d, l, query, lang, f, kind=snap.kind[idx],
                             topic_bits=snap.topic_bits[idx], municipality=snap.municipality[idx])

    def search(self, query: str, *, municipality: str | None = None, lang: str = "fi",
               limit: int = 5, mode: str = "hybrid", filters: Filters | None = None,
               exclude: tuple[str, ...] = ()) -> list[Result]:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        f = filters or Filters()
        if municipality:
            f.municipality = municipality
        sig = self.signals(query, lang, f, exclude)
        if sig is None:
            return []
        combined = sig.combine(mode)
        order = np.argsort(-combined, kind="stable")[:limit]
        acts = sig.snap.activities
        return [Result(activity=acts[sig.idx[o]], score=float(combined[o]), dense=float(sig.dense[o]),
                       lexical=float(sig.lexical[o]),
                       why=explain(acts[sig.idx[o]], sig.topics, lang, sig.district if sig.here[o] else None))
                for o in order]


def _by_kind(kind: np.ndarray, weights: dict[str, float]) -> np.ndarray:
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
    def from_settings(cls) -> "Weights":
        s = get_settings()
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

    @classmethod
    def build(cls, snap, idx, dense, lexical, query: str, lang: str, f: Filters, *, kind: np.ndarray,
              topic_bits: np.ndarray, municipality: np.ndarray) -> "Signals":
        """The signals from the candidates' dense and lexical scores and their fields as arrays
        (kind index, topic bits, municipality code or -1) — shared by the SQLite
        and PostgreSQL searchers, so both rank alike."""
        topics, asked, needs = detect(query, lang) if query else ([], [], {})
        t = np.zeros(len(idx))
        for topic in topics:  # the share of the query's topics each activity has
            t += (topic_bits & (1 << TOPICS.index(topic))) != 0
        t /= max(len(topics), 1)
        k = np.isin(kind, [KINDS.index(a) for a in asked]).astype(float)
        need = _by_kind(kind, needs)
        need[k > 0] = 0.0                       # a named kind counts once, fully
        home = gazette().resolve(f.municipality) if f.municipality else None
        away = (municipality != int(home.code)).astype(float) if home else np.zeros(len(idx))
        unasked = _by_kind(kind, {name: weight for name, weight in UNASKED_KINDS.items()
                                  if name not in asked and name not in f.kinds})
        district = resident_district(query, lang, f.municipality)
        here = (np.array([in_district(snap.activities[i], district) for i in idx], dtype=float)
                if district else np.zeros(len(idx)))
        return cls(snap, idx, dense, lexical, t, k, need, away, topics, unasked, here, district)

    def combine(self, mode: str, w: Weights | None = None) -> np.ndarray:
        w = w or Weights.from_settings()
        d, l = self.dense.astype(np.float64), self.lexical.astype(np.float64)
        if mode == "dense":
            combined = d
        elif mode == "lexical":
            combined = l / l.max() if l.max() > 0 else np.zeros_like(l)
        else:
            d_norm = (d - d.min()) / (d.max() - d.min()) if d.max() > d.min() else np.zeros_like(d)
            l_norm = l / l.max() if l.max() > 0 else np.zeros_like(l)
            combined = (w.dense * d_norm + w.lexical * l_norm + w.topic * self.topic + w.kind * self.kind
                        + w.need * self.need - w.unasked * self.unasked)
            # At equal relevance one in the resident's own district comes before the rest of
            # the municipality (a small bonus on this scale; raw cosines are too close for it).
            if self.here is not None:
                combined = combined + w.district * self.here
        # At equal relevance an activity in the resident's own municipality comes first.
        return combined - w.away * self.away


# "Vertaistuki aiheesta suru ja menetys – Vantaa." (kind, the topics shared with the query, place)
_WHY = {
    "fi": (" aiheesta {topics}", "{kind}{about} – {place}."),
    "sv": (" om {topics}", "{kind}{about} – {place}."),
    "en": (" about {topics}", "{kind}{about} – {place}."),
}
_ONLINE = {"fi": "verkossa", "sv": "på nätet", "en": "online"}
_YOUR_DISTRICT = {"fi": "Samassa kaupunginosassa kuin sinä.", "sv": "I samma stadsdel som du.",
                  "en": "In your part of town."}


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
    lang = lang if lang in _WHY else "fi"
    shared = [t for t in query_topics if t in activity.topics]
    place = activity.municipality.name(lang) if activity.municipality else _ONLINE[lang]
    if district:
        place = f"{district.name(lang)}, {place}"
    if activity.municipality and activity.online:
        place += f" / {_ONLINE[lang]}"
    about = _WHY[lang][0].format(topics=say("and", lang).join(topic_label(t, lang) for t in shared)) if shared else ""
    why = _WHY[lang][1].format(kind=kind_label(activity.kind, lang).capitalize(), about=about, place=place)
    return f"{why} {_YOUR_DISTRICT[lang]}" if district else why


def get_store(settings=None):
    """The catalogue store the settings choose: PostgreSQL when database_url is set (see
    catalogue/postgres.py), else the SQLite file."""
    settings = settings or get_settings()
    if settings.database_url:
        from mukaan_catalogue.postgres import PgStore
        return PgStore(settings.database_url)
    return Store(settings.database)


@lru_cache(maxsize=1)
def get_searcher() -> Searcher:
    if get_settings().database_url:
        from mukaan_catalogue.postgres import PgSearcher
        return PgSearcher(get_store())
    return Searcher(get_store())
