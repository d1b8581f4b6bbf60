"""What both catalogue backends offer, and the choice between them.

``Searcher`` is the small protocol the SQLite searcher (sqlite_search.py) and the PostgreSQL
searcher (pg_search.py) implement: ``signals`` (the ranking signals of the candidates that pass
the filters), ``get``, ``len`` and ``snapshot`` (every activity, for lists); ``search`` is
written once here on top of ``signals`` and ranking.py. ``open_store`` and ``open_searcher``
build the backend the settings choose (``database_url``: PostgreSQL, else the SQLite file).

May import: ranking.py, sqlite_store.py, the embedding model and the shared core; the
PostgreSQL modules only when that backend is chosen (psycopg is not loaded otherwise).
"""
from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

import numpy as np

from mukaan.catalogue import asked
from mukaan.catalogue.embedding import get_embedder, model_id, use_serving_threads
from mukaan.catalogue.ranking import MODES, Filters, Result, Signals, Weights, rank
from mukaan.catalogue.schema import Activity
from mukaan.catalogue.sqlite_store import Store

if TYPE_CHECKING:
    from mukaan.settings import Settings

log = logging.getLogger(__name__)
_UNLOADED = object()


class Searcher(ABC):
    """Hybrid search over one store (see the module doc)."""

    def __init__(self, store, settings: Settings, embedder=None):
        use_serving_threads(settings)
        self.store = store
        self.settings = settings
        self.weights = Weights.from_settings(settings)
        self._embedder = embedder
        self._asked = _UNLOADED
        self._snapshot = None
        self._lock = threading.Lock()

    @property
    def embedder(self):
        if self._embedder is None:
            self._embedder = get_embedder(self.settings)
        return self._embedder

    @property
    def asked(self) -> asked.AskedModel | None:
        """The "what is asked" detector (asked.py, setting ``asked_model``), loaded on first
        use; None when it is missing or stale: the lexicon alone then says what is asked."""
        if self._asked is _UNLOADED:
            try:
                self._asked = asked.load_model(self.settings, self.embedder.queries, model_id(self.embedder))
            except (FileNotFoundError, ValueError, KeyError) as exc:
                log.warning("search: the kinds asked for come from the word lists alone (%s). Fix: run `make asked`",
                            exc)
                self._asked = None
        return self._asked

    def understand(self, query: str) -> asked.Reading:
        """The query split into what it asks for and what it negates (asked.split_negated),
        with what the whole query asks for by meaning (the detector, when it is there):
        giving or getting help does not turn on what is negated."""
        query = " ".join(query.split())
        text, negated = asked.split_negated(query) if self.settings.asked_negation else (query, "")
        model = self.asked if query else None
        return asked.Reading(text, negated, model.wishes(query) if model is not None else None, query)

    def query_vector(self, reading: asked.Reading) -> np.ndarray:
        """The dense query vector: of the words asked for; with a negation, blended with the
        whole query's (asked.NEGATED_CONTEXT), which keeps the context the negated words give
        ("ei sururyhmää vaan jotain tekemistä": still grieving) without searching for them alone."""
        q = self.embedder.query(reading.text)
        if reading.negated:
            q = q + asked.NEGATED_CONTEXT * self.embedder.query(reading.query)
            q = q / np.linalg.norm(q)
        return q

    @abstractmethod
    def snapshot(self):
        """Every activity in memory (``.activities``, ``.position``), per store generation."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def get(self, activity_id: str) -> Activity | None: ...

    @abstractmethod
    def signals(self, query: str, lang: str = "fi", filters: Filters | None = None,
                exclude: tuple[str, ...] = ()) -> Signals | None:
        """The ranking signals of every candidate that passes the filters (None: no candidate);
        the filters are completed with ``Filters.for_residents`` (today, freshness)."""

    def search(self, query: str, *, municipality: str | None = None, lang: str = "fi",
               limit: int = 5, mode: str = "hybrid", filters: Filters | None = None,
               exclude: tuple[str, ...] = ()) -> list[Result]:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}")
        f = filters or Filters()
        if municipality:
            f.municipality = municipality
        sig = self.signals(query, lang, f, exclude)
        return rank(sig, mode, self.weights, limit, lang) if sig is not None else []


def open_store(settings: Settings):
    """The catalogue store the settings choose: PostgreSQL when ``database_url`` is set, else
    the SQLite file ``database``."""
    if settings.database_url:
        from mukaan.catalogue.pg_store import PgStore
        return PgStore(settings.database_url)
    return Store(settings.database)


def open_searcher(settings: Settings, store=None, embedder=None) -> Searcher:
    """A searcher over ``store`` (default: ``open_store(settings)``), of the store's backend."""
    store = store if store is not None else open_store(settings)
    if isinstance(store, Store):
        from mukaan.catalogue.sqlite_search import SqliteSearcher
        return SqliteSearcher(store, settings, embedder)
    from mukaan.catalogue.pg_search import PgSearcher
    return PgSearcher(store, settings, embedder)
