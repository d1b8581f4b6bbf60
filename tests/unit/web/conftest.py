"""Fixtures of the web tests that change the catalogue: the web app on a writable copy of the
bundled catalogue, with its own editorial file, on SQLite or on PostgreSQL (the same tests on
both). A test that needs one store only names it:
``@pytest.mark.parametrize("catalogue_copy", ["sqlite"], indirect=True)``."""
from __future__ import annotations

import shutil
from contextlib import contextmanager

import pytest

from mukaan.settings import get_settings
from tests.conftest import _pg_database as pg_database
from tests.conftest import web_app

SAME_SITE = {"Origin": "http://testserver"}     # what the app's own pages send with their POSTs


@pytest.fixture(params=["sqlite", "postgres"])
def catalogue_copy(request, tmp_path) -> dict[str, str]:
    """The settings (MUKAAN_… variables) of a writable copy of the bundled catalogue and an
    editorial file of this test's own: a copy of the SQLite index, or a new PostgreSQL database
    made from the bundled one (dropped after the test)."""
    env = {"MUKAAN_EDITORIAL_DATABASE": str(tmp_path / "editorial.sqlite3")}
    if request.param == "sqlite":
        shutil.copy(get_settings().database, tmp_path / "catalogue.sqlite3")
        env["MUKAAN_DATABASE"] = str(tmp_path / "catalogue.sqlite3")
    else:
        request.getfixturevalue("pg_catalogue_url")                       # the database "bundled"
        env["MUKAAN_DATABASE_URL"] = pg_database(request, template="bundled")    # dropped after the test
        env["MUKAAN_DATABASE"] = str(tmp_path / "absent.sqlite3")
    return env


@pytest.fixture
def app_on_copy(catalogue_copy):
    """Starts the web app on the copy with more settings: ``with app_on_copy({...}) as client``
    (a TestClient whose requests come from the app's own site). Each start sees what the
    previous one wrote."""
    @contextmanager
    def start(extra: dict[str, str] | None = None):
        with web_app(catalogue_copy | (extra or {})) as client:
            client.headers.update(SAME_SITE)
            yield client
    return start
