"""Shared fixtures. Tests run against the real embedding model and real SQLite files;
the end-to-end tests (test_e2e.py) start the real Rasa server and web app."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# Tests never write to the real unmet-needs counts (var/); set before settings are read.
os.environ.setdefault("MUKAAN_NEEDS_DATABASE", str(Path(tempfile.mkdtemp(prefix="mukaan-needs-")) / "needs.sqlite3"))

import pytest

from mukaan.settings import ROOT, get_settings
from mukaan_catalogue.embedding import get_embedder
from mukaan_catalogue.loader import load_dir
from mukaan_catalogue.search import Searcher
from mukaan_catalogue.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_EVAL = ROOT.parent / "shared" / "eval"


@pytest.fixture(scope="session")
def embedder():
    return get_embedder()


@pytest.fixture(scope="session")
def catalogue():
    """Every activity in the bundled catalogue files."""
    return load_dir(get_settings().catalogue_dir)


@pytest.fixture(scope="session")
def searcher(embedder):
    """The searcher over the index that `make index` built from the bundled catalogue."""
    store = Store(get_settings().database)
    s = Searcher(store, embedder)
    assert len(s) > 0, "the catalogue index is empty: run `make index`"
    return s


@pytest.fixture
def small_store(tmp_path, embedder):
    """A fresh SQLite store holding the small fixture catalogue."""
    store = Store(tmp_path / "catalogue.sqlite3")
    store.replace_all(load_dir(FIXTURES / "catalogue"), embedder)
    return store


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the fixture catalogue folder."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURES / "catalogue", target)
    return target
