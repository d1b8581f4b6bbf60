"""The FastAPI application: routes, static pages, and start-up (loading the catalogue)."""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from mukaan import language, privacy
from mukaan.settings import get_settings
from mukaan_catalogue.search import get_searcher
from web import security
from web.api.routes import actions, chat, health, needs, pages, search, staff
from web.rasa_client import RasaClient

log = logging.getLogger("mukaan")
STATIC = Path(__file__).parent / "static"


def _load_catalogue(app: FastAPI) -> None:
    """Load the index and the embedding model once, so the first resident does not wait."""
    try:
        searcher = get_searcher()
        count = len(searcher)
        searcher.embedder.query("lämmittely")
        language.warm_up()
        if count == 0:
            app.state.catalogue_status = {"state": "empty",
                                          "fix": "run `make index` to build the catalogue index"}
        else:
            app.state.catalogue_status = {"state": "ok", "activities": count,
                                          "model": searcher.embedder.name}
        log.info("catalogue ready: %s", app.state.catalogue_status)
    except Exception as exc:  # reported by /health and in the log, with the fix
        log.exception("catalogue failed to load")
        app.state.catalogue_status = {"state": "error", "error": str(exc),
                                      "fix": "run `make model index`"}


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.catalogue_status = {"state": "loading"}
    app.state.rasa = RasaClient()
    loading = asyncio.create_task(asyncio.to_thread(_load_catalogue, app))
    yield
    await loading
    await app.state.rasa.close()


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(title="Mukaan", version="0.1.0", lifespan=lifespan,
                  description="Find association activities in Finland: chat and search API.")
    for module in (health, chat, search, actions, staff, pages, needs):
        app.include_router(module.router)
    security.install(app, settings)
    privacy.install()
    app.mount("/", StaticFiles(directory=STATIC, html=True), name="pages")
    app.state.settings = settings
    return app


app = create_app()
