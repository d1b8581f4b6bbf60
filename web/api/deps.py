"""What routes are handed (FastAPI dependencies): the app's settings and the services
web/main.py set up at start, all kept on ``app.state``. A route names what it needs as a
parameter (``settings: SettingsDep``); tests build an app with their own settings
(``create_app(settings)``) or override a dependency (``app.dependency_overrides``).

May import: the shared core and the services' types; no route module.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from mukaan.catalogue.backend import Searcher
from mukaan.catalogue.editorial import Editorial
from mukaan.catalogue.formats.hsds_index import HsdsIndex
from mukaan.needs import NeedsLog
from mukaan.safety import CrisisModel
from mukaan.services import Services
from mukaan.settings import Settings
from web.rasa_client import RasaClient, Sessions
from web.session_lang import MemoryLanguages, RedisLanguages


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_public_url(request: Request) -> str:
    """The site's address for links written into e-mails and shown to staff (no final /): the
    setting ``public_url``, else the address this request came to (its Host header: trusted only
    for local use)."""
    return request.app.state.settings.public_url or str(request.base_url).rstrip("/")


def get_services(request: Request) -> Services:
    return request.app.state.services


def get_searcher(request: Request) -> Searcher:
    """The catalogue searcher; routes that search first depend on ``web.access.require_catalogue``
    (opening it before the index is checked would create an empty one)."""
    return request.app.state.services.searcher


def get_editorial(request: Request) -> Editorial:
    return request.app.state.services.editorial


def get_hsds_index(request: Request) -> HsdsIndex:
    """This app's HSDS records of the current catalogue (built again when it changes). A plain
    function: FastAPI runs it in the thread pool, so a build does not hold up other requests.
    Routes first depend on ``web.access.require_catalogue``, as for the searcher."""
    return request.app.state.services.hsds_index()


def get_needs_log(request: Request) -> NeedsLog:
    return request.app.state.services.needs


def get_rasa(request: Request) -> RasaClient:
    return request.app.state.rasa


def get_sessions(request: Request) -> Sessions:
    return request.app.state.sessions


def get_languages(request: Request) -> MemoryLanguages | RedisLanguages:
    """Where each conversation's language is kept between turns (web/session_lang.py)."""
    return request.app.state.languages


def get_crisis_model(request: Request) -> CrisisModel | None:
    """The crisis check's semantic route, once loaded (None: the word lists alone)."""
    return request.app.state.crisis_model


SettingsDep = Annotated[Settings, Depends(get_settings)]
PublicUrlDep = Annotated[str, Depends(get_public_url)]
ServicesDep = Annotated[Services, Depends(get_services)]
SearcherDep = Annotated[Searcher, Depends(get_searcher)]
EditorialDep = Annotated[Editorial, Depends(get_editorial)]
NeedsLogDep = Annotated[NeedsLog, Depends(get_needs_log)]
HsdsIndexDep = Annotated[HsdsIndex, Depends(get_hsds_index)]
RasaDep = Annotated[RasaClient, Depends(get_rasa)]
SessionsDep = Annotated[Sessions, Depends(get_sessions)]
LanguagesDep = Annotated[MemoryLanguages | RedisLanguages, Depends(get_languages)]
CrisisModelDep = Annotated[CrisisModel | None, Depends(get_crisis_model)]
