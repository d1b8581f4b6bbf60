"""The SQLite backend's searcher: an in-memory snapshot of the store (activities, vector
matrix, BM25 index, the filterable fields as arrays) per store generation. When the
generation changes (a rebuild, an import, an approved edit), the next search builds a new
snapshot and swaps it in whole: a search sees one catalogue, old or new. The ranking itself
is ranking.py's, shared with the PostgreSQL backend.
"""
from __future__ import annotations

import bm25s
import numpy as np

from mukaan.catalogue.backend import Searcher
from mukaan.catalogue.ranking import ANN_CANDIDATES, ONGOING, Filters, Signals, bits, lexical_tokens, passage_tokens
from mukaan.catalogue.schema import ACCESSIBILITY, AUDIENCES, KINDS, TOPICS, WEEKDAYS, Activity
from mukaan.catalogue.sqlite_store import Store, passage_langs, passage_text
from mukaan.gazette import gazette


class _Snapshot:
    """Everything a search needs, built once per store generation: the activities, their
    vectors, a BM25 index, and the filterable fields as arrays (filters are array operations)."""

    def __init__(self, store: Store, ann_min_vectors: int):
        self.activities, owners, self.matrix, self.generation = store.load()
        acts = self.activities
        self.owner_rows = np.array([i for i, _ in owners], dtype=np.int64)
        self.position = {a.id: i for i, a in enumerate(acts)}
        self.municipality = np.array([int(a.municipality.code) if a.municipality else -1 for a in acts], dtype=np.int32)
        self.kind = np.array([KINDS.index(a.kind) for a in acts], dtype=np.int8)
        self.topic_bits = np.array([bits(a.topics, TOPICS) for a in acts], dtype=np.int64)
        self.audience_bits = np.array([bits(a.audience, AUDIENCES) for a in acts], dtype=np.int64)
        self.access_bits = np.array([bits(a.accessibility, ACCESSIBILITY) for a in acts], dtype=np.int64)
        self.free = np.array([a.cost.free for a in acts], dtype=bool)
        self.online = np.array([a.online for a in acts], dtype=bool)
        self.languages = [frozenset(a.languages) for a in acts]
        self.last_day = np.array([a.last_date.toordinal() if a.last_date else ONGOING for a in acts], dtype=np.int64)
        self.checked = np.array([a.checked.toordinal() for a in acts], dtype=np.int64)
        self.running = np.array([a.status == "active" for a in acts], dtype=bool)
        # The dates as one flat array with the activity each belongs to; weekdays as bit sets.
        self.date_owner = np.array([i for i, a in enumerate(acts) for _ in a.schedule.dates], dtype=np.int64)
        self.date_day = np.array([d.toordinal() for a in acts for d in a.schedule.dates], dtype=np.int64)
        self.dated = np.array([bool(a.schedule.dates) for a in acts], dtype=bool)
        self.weekday_bits = np.array([bits(a.schedule.weekdays, WEEKDAYS) for a in acts], dtype=np.int64)
        self.unscheduled = ~self.dated & (self.weekday_bits == 0)
        docs = [[t for lang in passage_langs(a) for t in passage_tokens(passage_text(a, lang), lang)] or ["_"]
                for a in acts]
        self.bm25 = bm25s.BM25()
        if docs:
            self.bm25.index(docs, show_progress=False)
        self.vocab = set(self.bm25.vocab_dict) if docs else set()
        # An approximate nearest-neighbour index (HNSW, usearch) once exact search gets slow.
        self.ann = None
        threshold = ann_min_vectors
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
            keep &= (self.topic_bits & bits(f.topics, TOPICS)) != 0
        if f.audience:
            keep &= (self.audience_bits & bits([f.audience], AUDIENCES)) != 0
        if f.accessibility:
            wanted = bits(f.accessibility, ACCESSIBILITY)
            keep &= (self.access_bits & wanted) == wanted
        if f.free_only:
            keep &= self.free
        if f.online_only:
            keep &= self.online
        if f.language:
            keep &= np.fromiter((f.language in langs for langs in self.languages), bool, len(self.languages))
        if f.when is not None:
            keep &= self.in_window(f)
        return keep

    def in_window(self, f: Filters) -> np.ndarray:
        """A date in the window; without dates, a weekday in it or no days known (ranking.py)."""
        start, end = (d.toordinal() for d in f.window.days)
        on_a_date = np.zeros(len(self.activities), dtype=bool)
        on_a_date[self.date_owner[(self.date_day >= start) & (self.date_day <= end)]] = True
        weekly = ~self.dated & ((self.weekday_bits & f.weekday_bits) != 0)
        return on_a_date | weekly | self.unscheduled



class SqliteSearcher(Searcher):
    """``Searcher`` over a SQLite ``Store``: every search reads the in-memory snapshot."""

    def snapshot(self) -> _Snapshot:
        generation = self.store.generation()
        snap = self._snapshot
        if snap is None or snap.generation != generation:
            with self._lock:
                if self._snapshot is None or self._snapshot.generation != generation:
                    self._snapshot = _Snapshot(self.store, self.settings.ann_min_vectors)
                snap = self._snapshot
        return snap

    def __len__(self) -> int:
        return len(self.snapshot().activities)

    def get(self, activity_id: str) -> Activity | None:
        snap = self.snapshot()
        pos = snap.position.get(activity_id)
        return snap.activities[pos] if pos is not None else None

    # -- ranking ----------------------------------------------------------------------------
    def _dense(self, snap: _Snapshot, q: np.ndarray, keep: np.ndarray) -> np.ndarray:
        """Cosine similarity of the query to each activity (its best language). Exact over
        the vectors that pass the filters; approximate (ANN) when those are very many."""
        scores = np.full(len(snap.activities), -1.0, dtype=np.float32)
        rows = np.flatnonzero(keep[snap.owner_rows]) if len(snap.matrix) else np.zeros(0, np.int64)
        if not len(rows):
            return scores
        if snap.ann is not None and len(rows) >= self.settings.ann_min_vectors:
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
                exclude: tuple[str, ...] = ()) -> Signals | None:
        """The ranking signals for every activity that passes the filters."""
        f = (filters or Filters()).for_residents(self.settings)
        snap = self.snapshot()
        keep = snap.mask(f)
        keep[[snap.position[i] for i in exclude if i in snap.position]] = False
        idx = np.flatnonzero(keep)
        if not len(idx):
            return None
        reading = self.understand(query)
        query = reading.text
        n = len(snap.activities)
        d = (self._dense(snap, self.query_vector(reading), keep) if query else np.zeros(n, np.float32))[idx]
        lex = self._lexical(snap, query, lang)[idx]
        return Signals.build(snap, idx, d, lex, query, lang, f, reading, kind=snap.kind[idx],
                             topic_bits=snap.topic_bits[idx], municipality=snap.municipality[idx],
                             unscheduled=snap.unscheduled[idx])
