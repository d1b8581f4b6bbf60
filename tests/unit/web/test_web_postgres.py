"""The web app on the PostgreSQL catalogue (database_url): it starts, reports healthy and
serves searches and activity look-ups from the database, with no SQLite file involved."""
import time

import pytest
from fastapi.testclient import TestClient

from tests.conftest import settings_with


@pytest.fixture
def pg_app_client(pg_catalogue_url, tmp_path):
    from web.main import create_app
    settings = settings_with({"MUKAAN_DATABASE_URL": pg_catalogue_url,
                              "MUKAAN_DATABASE": str(tmp_path / "absent.sqlite3")})  # must not be needed
    with TestClient(create_app(settings)) as client:
        deadline = time.time() + 120
        while client.get("/health").status_code != 200 and time.time() < deadline:
            time.sleep(0.5)
        yield client


def test_web_app_serves_the_postgresql_catalogue(pg_app_client):
    health = pg_app_client.get("/health").json()
    assert health["components"]["catalogue"]["state"] == "ok", health
    assert health["components"]["catalogue"]["activities"] > 400
    body = pg_app_client.get("/api/activities/search",
                             params={"q": "omaishoitajien vertaistuki", "municipality": "Esbo", "lang": "sv"}).json()
    assert body["results"]
    assert all(r["online"] or r["municipality_fi"] == "Espoo" for r in body["results"])
    assert body["results"][0]["municipality"] in ("Esbo", None)        # Swedish names in Swedish
    qr = pg_app_client.get(f"/api/qr/{body['results'][0]['id']}.svg")   # looks the activity up by id
    assert qr.status_code == 200 and qr.text.lstrip().startswith("<")
