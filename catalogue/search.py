"""Hybrid search over the catalogue: dense (multilingual e5) plus lexical (BM25 over
lemmas), with filters and a short "why this" per result.

The searcher keeps an in-memory snapshot of the store (activities, vector matrix, BM25
index). When the store's generation changes (a rebuild or an import), the next search
builds a new snapshot and swaps it in whole: a search sees one catalogue, old or new.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import bm25s
import numpy as np

from mukaan.nlp import fold, pipeline
from mukaan.settings import get_settings
from mukaan_catalogue.embedding import get_embedder
from mukaan_catalogue.gazette import gazette
from mukaan_catalogue.schema import Activity
from mukaan_catalogue.store import Store, passage_langs, passage_text
from mukaan_catalogue.taxonomy import detect_kinds, detect_topics, kind_label, topic_label

MODES = ("hybrid", "dense", "lexical")


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


@dataclass
class Result:
    activity: Activity
    score: float
    dense: float
    lexical: float
    why: str


class _Snapshot:
    def __init__(self, store: Store):
        self.activities, owners, self.matrix, self.generation = store.load()
        self.owner_rows = np.array([i for i, _ in owners], dtype=np.int64)
        docs = []
        for a in self.activities:
            tokens = []
            for lang in passage_langs(a):
                tokens += lexical_tokens(passage_text(a, lang), lang)
            docs.append(tokens or ["_"])
        self.bm25 = bm25s.BM25()
        if docs:
            self.bm25.index(docs, show_progress=False)
        self.vocab = set(self.bm25.vocab_dict) if docs else set()


class Searcher:
    def __init__(self, store: Store, embedder=None):
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
        return next((a for a in self.snapshot().activities if a.id == activity_id), None)

    # -- ranking ----------------------------------------------------------------------------
    def _dense(self, snap: _Snapshot, query: str) -> np.ndarray:
        scores = np.full(len(snap.activities), -1.0, dtype=np.float32)
        if len(snap.matrix):
            sims = snap.matrix @ self.embedder.query(query)
            np.maximum.at(scores, snap.owner_rows, sims)
        return scores

    def _lexical(self, snap: _Snapshot, query: str, lang: str) -> np.ndarray:
        tokens = [t for t in lexical_tokens(query, lang) if t in snap.vocab]
        if not tokens or not snap.activities:
            return np.zeros(len(snap.activities), dtype=np.float32)
        return np.asarray(snap.bm25.get_scores(tokens), dtype=np.float32)

    def _mask(self, snap: _Snapshot, f: Filters) -> np.ndarray:
        place = gazette().resolve(f.municipality) if f.municipality else None
        codes = {place.code} if place else set()
        if place and f.nearby:
            codes |= {m.code for m in gazette().nearby(place.code)}
        keep = np.ones(len(snap.activities), dtype=bool)
        for i, a in enumerate(snap.activities):
            if place is not None:
                local = a.municipality is not None and a.municipality.code in codes
                if not (local or (f.include_national and a.is_national)):
                    keep[i] = False
                    continue
            if f.kinds and a.kind not in f.kinds:
                keep[i] = False
            elif f.topics and not set(f.topics) & set(a.topics):
                keep[i] = False
            elif f.language and f.language not in a.languages:
                keep[i] = False
            elif f.audience and f.audience not in a.audience:
                keep[i] = False
            elif f.free_only and not a.cost.free:
                keep[i] = False
            elif f.online_only and not a.online:
                keep[i] = False
            elif f.accessibility and not set(f.accessibility) <= set(a.accessibility):
                keep[i] = False
        return keep

    def signals(self, query: str, lang: str = "fi", filters: Filters | None = None,
                exclude: tuple[str, ...] = ()) -> "Signals | None":
        """The ranking signals for every activity that passes the filters."""
        f = filters or Filters()
        snap = self.snapshot()
        keep = self._mask(snap, f) if snap.activities else np.zeros(0, dtype=bool)
        for i, a in enumerate(snap.activities):
            if a.id in exclude:
                keep[i] = False
        idx = np.flatnonzero(keep)
        if not len(idx):
            return None
        query = " ".join(query.split())
        n = len(snap.activities)
        d = (self._dense(snap, query) if query else np.zeros(n, np.float32))[idx]
        l = self._lexical(snap, query, lang)[idx]
        topics = detect_topics(query, lang) if query else []
        wanted = set(topics)
        t = np.array([len(wanted & set(snap.activities[i].topics)) / len(wanted) if wanted else 0.0
                      for i in idx])
        kinds = set(detect_kinds(query, lang)) if query else set()
        k = np.array([float(snap.activities[i].kind in kinds) for i in idx])
        home = gazette().resolve(f.municipality) if f.municipality else None
        away = np.array([home is not None and (a.municipality is None or a.municipality.code != home.code)
                         for a in (snap.activities[i] for i in idx)], dtype=float)
        return Signals(snap, idx, d, l, t, k, away, topics)

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
        settings = get_settings()
        combined = sig.combine(mode, settings.dense_weight, settings.lexical_weight,
                               settings.topic_weight, settings.kind_weight, settings.away_penalty)
        order = np.argsort(-combined, kind="stable")[:limit]
        acts = sig.snap.activities
        return [Result(activity=acts[sig.idx[o]], score=float(combined[o]), dense=float(sig.dense[o]),
                       lexical=float(sig.lexical[o]), why=explain(acts[sig.idx[o]], sig.topics, lang))
                for o in order]


@dataclass
class Signals:
    """Per-candidate ranking signals: dense cosine, BM25, the share of the query's topics the
    activity has, whether its kind is one the query names, and whether it is outside the
    resident's municipality."""
    snap: _Snapshot
    idx: np.ndarray
    dense: np.ndarray
    lexical: np.ndarray
    topic: np.ndarray
    kind: np.ndarray
    away: np.ndarray
    topics: list[str]

    def combine(self, mode: str, w_dense: float, w_lexical: float, w_topic: float, w_kind: float,
                away_penalty: float) -> np.ndarray:
        d, l = self.dense.astype(np.float64), self.lexical.astype(np.float64)
        if mode == "dense":
            combined = d
        elif mode == "lexical":
            combined = l / l.max() if l.max() > 0 else np.zeros_like(l)
        else:
            d_norm = (d - d.min()) / (d.max() - d.min()) if d.max() > d.min() else np.zeros_like(d)
            l_norm = l / l.max() if l.max() > 0 else np.zeros_like(l)
            combined = w_dense * d_norm + w_lexical * l_norm + w_topic * self.topic + w_kind * self.kind
        # At equal relevance an activity in the resident's own municipality comes first.
        return combined - away_penalty * self.away


_WHY = {
    "fi": ("Sopii hakuusi: {topics}.", "{kind}, {place}."),
    "sv": ("Passar din sökning: {topics}.", "{kind}, {place}."),
    "en": ("Matches your search: {topics}.", "{kind}, {place}."),
}
_ONLINE = {"fi": "verkossa", "sv": "på nätet", "en": "online"}


def explain(activity: Activity, query_topics: list[str], lang: str) -> str:
    """A one-line reason in ``lang``: the topics it shares with the query, kind and place."""
    lang = lang if lang in _WHY else "fi"
    shared = [t for t in query_topics if t in activity.topics]
    place = activity.municipality.name(lang) if activity.municipality else _ONLINE[lang]
    if activity.municipality and activity.online:
        place += f" / {_ONLINE[lang]}"
    tail = _WHY[lang][1].format(kind=kind_label(activity.kind, lang).capitalize(), place=place)
    if shared:
        head = _WHY[lang][0].format(topics=", ".join(topic_label(t, lang) for t in shared))
        return f"{head} {tail}"
    return tail


@lru_cache(maxsize=1)
def get_searcher() -> Searcher:
    return Searcher(Store(get_settings().database))
