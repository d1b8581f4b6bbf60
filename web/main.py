"""The FastAPI application: routes, static pages, and start-up (loading the catalogue).

Start-up checks what the search needs before anyone relies on it: the catalogue index
(:func:`mukaan.catalogue.sqlite_store.check_index`) and the embedding model. A problem puts a clear
message with the command that fixes it in the log and in ``/health`` (503); the catalogue
routes then answer 503 with the same message instead of failing. A good index is copied to
``<database>.last-good``; if the index is later found missing or damaged at start, that copy
is put back (the damaged file is kept aside as ``<database>.broken-<time>``) and served, and
``/health`` reports "degraded" until the index is rebuilt. While the catalogue is not ok the
app looks again every ``CATALOGUE_RECHECK`` seconds, so `make index` or `make model` mend a
running app without a restart.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import sqlite3
from contextlib import asynccontextmanager, suppress
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from mukaan import language, privacy, safety
from mukaan.catalogue.embedding import Embedder, get_embedder, model_id
from mukaan.catalogue.sqlite_store import IndexProblem, check_index, copy_index
from mukaan.services import Services
from mukaan.settings import Settings, get_settings
from web import security
from web.api.routes import (
    access_requests,
    association,
    chat,
    health,
    hsds,
    needs,
    pages,
    reports,
    review,
    search,
    staff,
    webhook,
)
from web.rasa_client import RasaClient, Sessions
from web.session_lang import session_languages

log = logging.getLogger("mukaan")
STATIC = Path(__file__).parent / "static"
CATALOGUE_RECHECK = 15.0  # seconds between looks at a catalogue that is not ok


class ModelProblem(Exception):
    def __init__(self, problem: str, fix: str):
        super().__init__(f"embedding model: {problem}; {fix}")
        self.problem, self.fix = problem, fix


def last_good_path(database: Path) -> Path:
    return database.with_name(database.name + ".last-good")


def _restore_last_good(database: Path, good: Path) -> None:
    """Moves the broken index (and its WAL files) aside and puts the last good copy in place."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for suffix in ("", "-wal", "-shm"):
        broken = database.with_name(database.name + suffix)
        if broken.exists():
            os.replace(broken, database.with_name(f"{database.name}.broken-{stamp}{suffix}"))
    copy_index(good, database)


def _prepare_index(database: Path) -> dict:
    """Checks the index; refreshes the last good copy, or falls back to it. Returns the
    catalogue's state for /health; raises IndexProblem when there is nothing usable."""
    good = last_good_path(database)
    try:
        info = check_index(database)
    except IndexProblem as problem:
        try:
            saved = check_index(good)
        except IndexProblem:
            raise problem from None
        _restore_last_good(database, good)
        when = dt.datetime.fromtimestamp(good.stat().st_mtime).isoformat(timespec="minutes")
        return {"state": "degraded", "component": "index", "problem": problem.problem, "fix": problem.fix,
                "serving": f"the last good index, saved {when}", "generation": saved["generation"]}
    try:
        if not good.exists() or check_index(good)["fingerprint"] != info["fingerprint"]:
            copy_index(database, good)
    except (OSError, sqlite3.Error) as exc:   # the copy is a safety net: never fail the start for it
        log.warning("could not keep a copy of the good catalogue index: %s", exc)
    return {"state": "ok"}


def _load_model(settings: Settings):
    folder = settings.embedding_model
    try:
        embedder = get_embedder(settings)
        embedder.query("lämmittely")
        return embedder
    except FileNotFoundError as exc:          # no folder, or no model in it
        raise ModelProblem(str(exc).split(": run")[0], "run `make model`") from exc
    except Exception as exc:
        # Unreadable weights or configuration: converting again mends it. Anything else (out of
        # memory, shutting down) is not the folder's fault.
        damaged = isinstance(exc, (OSError, ValueError)) or type(exc).__module__.startswith("safetensors")
        fix = (f"remove {folder} and run `make model`" if damaged else
               f"restart the web app; if that does not help, remove {folder} and run `make model`")
        raise ModelProblem(f"cannot be loaded from {folder} ({type(exc).__name__}: {exc})", fix) from exc


def _load_crisis_model(settings: Settings, embedder: Embedder) -> safety.CrisisModel | None:
    """The crisis check's semantic route; without it the word lists still run (and /health
    says so)."""
    try:
        return safety.load_model(settings, embedder.queries, model_id(embedder))
    except (FileNotFoundError, ValueError, KeyError) as exc:
        log.warning("crisis check: only the word lists run, the semantic route is off (%s). Fix: run `make safety`",
                    exc)
        return None


def _load_catalogue(app: FastAPI) -> None:
    """Load the index and the embedding model once, so the first resident does not wait."""
    settings = app.state.settings
    try:
        # On PostgreSQL the database server keeps the catalogue safe (backups:
        # docs/operations.md); the SQLite file is checked and its last good copy kept here.
        status = {"state": "ok"} if settings.database_url else _prepare_index(Path(settings.database))
        embedder = _load_model(settings)
        app.state.crisis_model = _load_crisis_model(settings, embedder)
        searcher = app.state.services.searcher
        count = len(searcher)
        if not settings.database_url and searcher.snapshot().matrix.shape[1] != embedder.dim:
            raise IndexProblem(settings.database, "it was built with another embedding model")
        language.warm_up()
        status.update(activities=count, model=embedder.name)
    except (IndexProblem, ModelProblem) as exc:
        status = {"state": "error", "component": "index" if isinstance(exc, IndexProblem) else "model",
                  "problem": exc.problem, "fix": exc.fix}
    except Exception as exc:  # reported by /health and in the log, with the fix
        log.exception("catalogue failed to load")
        status = {"state": "error", "component": "catalogue", "problem": f"{type(exc).__name__}: {exc}",
                  "fix": "run `make model index`"}
    previous = app.state.catalogue_status
    app.state.catalogue_status = status
    if status["state"] == "ok":
        log.info("catalogue ready: %s activities, model %s", status["activities"], status["model"])
    elif status.get("problem") != previous.get("problem"):   # say it once, not every recheck
        level = logging.WARNING if status["state"] == "degraded" else logging.ERROR
        serving = f"; serving {status['serving']}" if status.get("serving") else "; search is unavailable"
        log.log(level, "catalogue %s: %s%s. Fix: %s", status["component"], status["problem"], serving, status["fix"])


def _recheck_catalogue(app: FastAPI) -> None:
    status = app.state.catalogue_status
    if status["state"] == "error":
        _load_catalogue(app)
    elif status["state"] == "degraded":
        with suppress(IndexProblem):
            if check_index(Path(app.state.settings.database))["generation"] != status["generation"]:
                log.info("the catalogue index was rebuilt; serving it")
                _load_catalogue(app)


async def _watch_catalogue(app: FastAPI) -> None:
    await asyncio.to_thread(_load_catalogue, app)
    while app.state.catalogue_status["state"] != "ok":
        await asyncio.sleep(CATALOGUE_RECHECK)
        await asyncio.to_thread(_recheck_catalogue, app)


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.catalogue_status = {"state": "loading"}
    app.state.crisis_model = None
    settings = app.state.settings
    app.state.rasa = RasaClient(settings.rasa_url, settings.rasa_timeout)
    app.state.sessions = Sessions(app.state.settings.conversation_retention_minutes * 60)
    app.state.languages = session_languages(app.state.settings)
    if not app.state.settings.action_token:
        log.warning("MUKAAN_ACTION_TOKEN is unset: /webhook runs action calls from anyone who can "
                    "reach this app (make run sets one; see docs/operations.md)")
    tasks = [asyncio.create_task(_watch_catalogue(app))]
    # With Redis (several instances) the tracker store's expiry erases idle conversations
    # everywhere; this instance's sweep would see only its own turns and could erase a
    # conversation that goes on through another instance.
    if not app.state.settings.redis_url:
        tasks.append(asyncio.create_task(app.state.sessions.sweep_forever(lambda: app.state.rasa)))
    yield
    for task in tasks:
        task.cancel()
    for task in tasks:
        with suppress(asyncio.CancelledError):
            await task
    await app.state.rasa.close()
    await app.state.languages.close()


class _AsciiJSON(JSONResponse):
    """JSON with non-ASCII escaped: safe even for text that is not valid Unicode (lone surrogates)."""

    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":")).encode("ascii")


async def _invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with what is wrong and where, without echoing the input back (it may be a resident's
    message, or text that cannot even be encoded)."""
    detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
              for e in exc.errors()]
    return _AsciiJSON({"detail": detail}, status_code=422)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """Errors as JSON that can carry any text a request brought (it is escaped, not encoded)."""
    return _AsciiJSON({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)


async def _catalogue_unreadable(request: Request, exc: sqlite3.DatabaseError) -> JSONResponse:
    """The index file broke while the app runs: a clear 503, not a 500."""
    log.error("catalogue index unreadable: %s. Fix: run `make index`", exc)
    return JSONResponse({"detail": "The activity catalogue cannot be read right now. Please try again later."},
                        status_code=503, headers={"Retry-After": "60"})


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app with ``settings`` (default: this process's, from the environment and .env)."""
    settings = settings or get_settings()
    app = FastAPI(title="Mukaan", version="0.1.0", lifespan=lifespan,
                  description="Find association activities in Finland: chat and search API.")
    for module in (health, chat, search, hsds, webhook, staff, review, association, reports, pages, needs,
                   access_requests):
        app.include_router(module.router)
    app.add_exception_handler(sqlite3.DatabaseError, _catalogue_unreadable)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    security.install(app, settings)
    privacy.install()
    app.mount("/", StaticFiles(directory=STATIC, html=True), name="pages")
    app.state.settings = settings
    app.state.services = Services(settings)
    return app


app = create_app()
