"""The services one process uses, built from its settings on first use: the catalogue searcher
(with the embedding model and the "what is asked" detector it loads on first use),
the editorial store (edit links, pending changes, audit log, reports), the unmet-needs log, and
the catalogue's HSDS records (built again when the catalogue changes).

The web app keeps one ``Services`` on ``app.state`` and hands its parts to routes as
dependencies (web/api/deps.py); the action server keeps one for its actions (actions/search.py).
Tests build their own from their own ``Settings``. Nothing here reads the environment.

May import: anything in mukaan (this module assembles it); imported only by the entry points.
"""
from __future__ import annotations

import threading
from functools import cached_property

from mukaan.catalogue.backend import Searcher, open_searcher
from mukaan.catalogue.editorial import Editorial, open_editorial
from mukaan.catalogue.formats.hsds_index import HsdsIndex
from mukaan.needs import NeedsLog, open_needs_log
from mukaan.settings import Settings


class Services:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._hsds: HsdsIndex | None = None
        self._hsds_lock = threading.Lock()

    @cached_property
    def searcher(self) -> Searcher:
        """Built on first use: the web app first checks (and if need be restores) the index."""
        return open_searcher(self.settings)

    @cached_property
    def editorial(self) -> Editorial:
        return open_editorial(self.settings)

    @cached_property
    def needs(self) -> NeedsLog:
        return open_needs_log(self.settings)

    def hsds_index(self) -> HsdsIndex:
        """The HSDS records of the searcher's current catalogue generation (the /hsds/ API),
        built on first use and again after the catalogue changes; one build at a time."""
        snap = self.searcher.snapshot()
        index = self._hsds
        if index is None or index.generation != snap.generation:
            with self._hsds_lock:
                index = self._hsds
                if index is None or index.generation != snap.generation:
                    index = self._hsds = HsdsIndex(snap.activities, snap.generation)
        return index
