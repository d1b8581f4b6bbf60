"""The services one process uses, built from its settings on first use: the catalogue searcher,
the editorial store (edit links, pending changes, audit log, reports) and the unmet-needs log.

The web app keeps one ``Services`` on ``app.state`` and hands its parts to routes as
dependencies (web/api/deps.py); the action server keeps one for its actions (actions/search.py).
Tests build their own from their own ``Settings``. Nothing here reads the environment.

May import: anything in mukaan (this module assembles it); imported only by the entry points.
"""
from __future__ import annotations

from functools import cached_property

from mukaan.catalogue.backend import Searcher, open_searcher
from mukaan.catalogue.editorial import Editorial, open_editorial
from mukaan.needs import NeedsLog, open_needs_log
from mukaan.settings import Settings


class Services:
    def __init__(self, settings: Settings):
        self.settings = settings

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
