"""The web app started with the embedding model or the catalogue index missing or damaged
(real files in tmp_path: no folder, an empty folder, garbage weights; no index, a garbage
file, a truncated one, an empty one). It must say what is wrong and which command fixes it,
in /health (503, "error") and in the log; the catalogue routes answer 503 with a clear JSON
message and chat answers politely. With a previous good index it serves that and reports
"degraded"; after a rebuild it is ok again without a restart.

Most cases run the app in-process (FastAPI TestClient with the settings' environment pointing
at the broken files); one starts the real uvicorn process and reads its log."""
from __future__ import annotations

import logging
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from devtools.stack import Stack
from mukaan.catalogue.loader import load_dir
from mukaan.catalogue.sqlite_store import Store, check_index
from tests.conftest import FIXTURES, settings_with
from web import main as web_main
from web.main import create_app, last_good_path

FIXTURE_CATALOGUE = FIXTURES / "catalogue"
WEB_PORT = 8770
DEAD_RASA_PORT = 9079                       # nothing listens there
DEAD_RASA = f"http://127.0.0.1:{DEAD_RASA_PORT}"


@contextmanager
def app_with(**env):
    """The app with MUKAAN_<NAME> settings from ``env``, started; yields (app, client, health)."""
    settings = settings_with({f"MUKAAN_{name.upper()}": str(value) for name, value in env.items()}
                             | {"MUKAAN_RASA_URL": DEAD_RASA})
    app = create_app(settings)
    with TestClient(app) as client:
        deadline = time.time() + 180
        while app.state.catalogue_status["state"] == "loading" and time.time() < deadline:
            time.sleep(0.2)
        yield app, client, client.get("/health")


@pytest.fixture(scope="module")
def good_index(tmp_path_factory, embedder):
    """A good index of the small fixture catalogue."""
    path = tmp_path_factory.mktemp("good") / "catalogue.sqlite3"
    Store(path).replace_all(load_dir(FIXTURE_CATALOGUE), embedder)
    return path


def assert_refused_clearly(client, fix: str) -> None:
    """The catalogue routes: 503 with a JSON message naming the fix; chat: a polite notice."""
    r = client.get("/api/activities/search", params={"q": "vertaistuki"})
    assert r.status_code == 503, r.text
    assert fix in r.json()["detail"] and "Traceback" not in r.text
    assert client.get("/api/qr/espoo-omaishoitajien-iltapiiri.svg").status_code == 503
    chat = client.post("/api/chat", json={"message": "kaipaan seuraa", "lang": "fi"})
    assert chat.status_code == 200 and chat.json()["messages"][0]["kind"] == "notice"
    assert client.get("/").status_code == 200           # the pages are still served


@pytest.mark.parametrize("case", ["missing", "empty", "garbage", "garbage weights", "garbage word table",
                                  "no onnx"])
def test_model_missing_or_damaged(monkeypatch, tmp_path, good_index, damaged_model, caplog, case):
    folder = tmp_path / "model"
    if case == "empty":
        folder.mkdir()
    elif case == "garbage":            # the graph the web app runs queries on
        damaged_model("onnx/model.onnx")
    elif case == "garbage weights":    # its weights, mapped from their own file (issue 18)
        damaged_model("onnx/model.onnx.data")
    elif case == "garbage word table":  # the word embeddings, read row by row (issue 18)
        damaged_model("onnx/word_embeddings.f32")
    elif case == "no onnx":
        damaged_model("onnx/model.onnx").joinpath("onnx/model.onnx").unlink()
    fix = f"remove {folder} and run `make model`" if case.startswith("garbage") else "run `make model`"
    with caplog.at_level(logging.INFO, logger="mukaan"), \
            app_with(embedding_model=folder, database=good_index) as (app, client, health):
            assert health.status_code == 503
            body = health.json()
            catalogue = body["components"]["catalogue"]
            assert body["status"] == "error"
            assert catalogue["state"] == "error" and catalogue["component"] == "model"
            assert catalogue["fix"] == fix and str(folder) in catalogue["problem"]
            assert_refused_clearly(client, fix)
    logged = [r for r in caplog.records if r.name == "mukaan" and r.levelno == logging.ERROR]
    assert any(fix in r.getMessage() and "search is unavailable" in r.getMessage() for r in logged)


def _garbage(path: Path) -> None:
    path.write_bytes(b"this is not an index " * 500)


def _truncated(path: Path, good: Path) -> None:
    path.write_bytes(good.read_bytes()[:12_288])      # three pages of a longer file


@pytest.mark.parametrize("case", ["missing", "garbage", "truncated", "empty file"])
def test_index_missing_or_damaged_without_a_good_copy(monkeypatch, tmp_path, good_index, caplog, case):
    path = tmp_path / "catalogue.sqlite3"
    if case == "garbage":
        _garbage(path)
    elif case == "truncated":
        _truncated(path, good_index)
    elif case == "empty file":
        path.write_bytes(b"")
    damaged = case in ("garbage", "truncated")
    fix = f"remove {path} and run `make index`" if damaged else "run `make index`"
    with caplog.at_level(logging.INFO, logger="mukaan"), app_with(database=path) as (app, client, health):
        assert health.status_code == 503
        catalogue = health.json()["components"]["catalogue"]
        assert health.json()["status"] == "error"
        assert catalogue["component"] == "index" and catalogue["fix"] == fix
        assert ("damaged" in catalogue["problem"]) == damaged
        assert_refused_clearly(client, fix)
    assert any(fix in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)
    if case == "missing":
        assert not path.exists(), "checking the index must not create an empty one"


@pytest.mark.parametrize("damage", ["garbage", "truncated", "missing"])
def test_a_previous_good_index_is_served_and_reported_degraded(monkeypatch, tmp_path, good_index, caplog, damage,
                                                             embedder):
    path = tmp_path / "catalogue.sqlite3"
    shutil.copy(good_index, path)
    # A first, good start keeps a copy of the index.
    with app_with(database=path) as (app, client, health):
        assert health.json()["components"]["catalogue"]["state"] == "ok"
    good = last_good_path(path)
    assert check_index(good)["activities"] == check_index(good_index)["activities"]
    # The index breaks while the app is stopped.
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    if damage == "garbage":
        _garbage(path)
    elif damage == "truncated":
        _truncated(path, good_index)
    else:
        path.unlink()
    monkeypatch.setattr(web_main, "CATALOGUE_RECHECK", 0.3)
    with caplog.at_level(logging.INFO, logger="mukaan"), app_with(database=path) as (app, client, health):
        assert health.status_code == 200
        catalogue = health.json()["components"]["catalogue"]
        assert health.json()["status"] == "degraded"
        assert catalogue["state"] == "degraded" and catalogue["fix"].endswith("run `make index`")
        assert catalogue["serving"].startswith("the last good index")
        r = client.get("/api/activities/search", params={"q": "omaishoitajien vertaistuki", "lang": "fi"})
        assert r.status_code == 200 and r.json()["results"]
        assert {a["id"] for a in r.json()["results"]} <= {a.id for a in load_dir(FIXTURE_CATALOGUE)}
        if damage != "missing":      # the damaged file is kept for a look, not deleted
            assert list(tmp_path.glob("catalogue.sqlite3.broken-*"))
        # `make index` rebuilds it: the running app notices and is ok again.
        Store(path).replace_all(load_dir(FIXTURE_CATALOGUE)[:3], embedder)
        deadline = time.time() + 30
        while app.state.catalogue_status["state"] != "ok" and time.time() < deadline:
            time.sleep(0.2)
        assert client.get("/health").json()["components"]["catalogue"]["state"] == "ok"
        assert client.get("/health").json()["components"]["catalogue"]["activities"] == 3
    assert any("serving the last good index" in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING)


def test_index_built_with_another_model_is_refused(monkeypatch, tmp_path, good_index):
    path = tmp_path / "catalogue.sqlite3"
    shutil.copy(good_index, path)
    import sqlite3
    with sqlite3.connect(path) as db:      # vectors of another size, as another model makes
        db.execute("UPDATE vectors SET vector = zeroblob(256 * 4)")
    with app_with(database=path) as (app, client, health):
        catalogue = health.json()["components"]["catalogue"]
        assert health.status_code == 503 and catalogue["component"] == "index"
        assert "another embedding model" in catalogue["problem"] and catalogue["fix"] == "run `make index`"


def test_the_running_app_recovers_once_the_index_is_built(monkeypatch, tmp_path, good_index, embedder):
    path = tmp_path / "catalogue.sqlite3"
    monkeypatch.setattr(web_main, "CATALOGUE_RECHECK", 0.3)
    with app_with(database=path) as (app, client, health):
        assert health.status_code == 503
        Store(path).replace_all(load_dir(FIXTURE_CATALOGUE), embedder)      # `make index`
        deadline = time.time() + 30
        while app.state.catalogue_status["state"] != "ok" and time.time() < deadline:
            time.sleep(0.2)
        assert client.get("/health").json()["components"]["catalogue"]["state"] == "ok"
        assert client.get("/api/activities/search", params={"q": "kielikahvila"}).status_code == 200


def test_real_server_start_with_a_garbage_index_logs_the_fix(tmp_path):
    """uvicorn as `make run` starts it: the log line and /health name the command."""
    path = tmp_path / "catalogue.sqlite3"
    _garbage(path)
    log = tmp_path / "web.log"
    stack = Stack(web_port=WEB_PORT, rasa_port=DEAD_RASA_PORT, log_dir=tmp_path,
                  env={"MUKAAN_DATABASE": str(path)})
    stack.start_web()
    try:
        url = stack.web_url
        body = None
        deadline = time.time() + 120
        while time.time() < deadline and stack.procs["web"].poll() is None:
            try:
                r = httpx.get(f"{url}/health", timeout=5)
                if r.json()["status"] != "starting":
                    body = r
                    break
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        assert body is not None, log.read_text()
        assert body.status_code == 503 and body.json()["status"] == "error"
        fix = f"remove {path} and run `make index`"
        assert body.json()["components"]["catalogue"]["fix"] == fix
        search = httpx.get(f"{url}/api/activities/search", params={"q": "x"}, timeout=10)
        assert search.status_code == 503 and fix in search.json()["detail"]
        text = log.read_text()
        assert "ERROR" in text and f"Fix: {fix}" in text and "Traceback" not in text
    finally:
        stack.stop()
