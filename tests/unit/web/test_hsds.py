"""The HSDS 3.0 export and the /hsds/ read API, validated against the official HSDS 3.0 JSON
schema (schema/compiled/service.json of openreferral/specification 3.0, kept in
tests/fixtures/hsds/) and the API reference's Page (../shared/samples/schema/openapi.json).
Organisations, taxonomies, taxonomy terms and services at locations are checked against the
parts of the compiled service schema that define them."""
import json
import time
import uuid

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker

from mukaan.catalogue.formats.hsds_export import export_hsds, organizations, uid
from mukaan.catalogue.importers import read_hsds
from mukaan.settings import ROOT, get_settings
from tests.conftest import FIXTURES
from web.main import create_app

SERVICE_SCHEMA = json.loads((FIXTURES / "hsds" / "compiled_service.json")
                            .read_text(encoding="utf-8"))
SAMPLES = ROOT.parent / "shared" / "samples"
_PROPS = SERVICE_SCHEMA["properties"]
_TERM = _PROPS["attributes"]["items"]["properties"]["taxonomy_term"]
SCHEMAS = {
    "service": SERVICE_SCHEMA,
    "organization": _PROPS["organization"],
    "service_at_location": _PROPS["service_at_locations"]["items"],
    "taxonomy_term": _TERM,
    "taxonomy": _TERM["properties"]["taxonomy_detail"],
}


def _validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FormatChecker())


VALIDATORS = {name: _validator(schema) for name, schema in SCHEMAS.items()}


def _page_validator() -> Draft202012Validator:
    openapi = json.loads((SAMPLES / "schema" / "openapi.json").read_text(encoding="utf-8"))
    page = dict(openapi["components"]["schemas"]["Page"])
    page["required"] = ["total_items", "total_pages", "page_number", "size", "first_page", "last_page",
                        "empty", "contents"]
    page["properties"] = {**page["properties"], "contents": {"type": "array"}}
    return _validator(page)


def _errors(kind: str, document: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATORS[kind].iter_errors(document)]


def test_the_schema_checks_what_it_should():
    """The validator does reject what the old export had wrong: no-UUID ids, missing fields."""
    bad = {"id": "org-demo", "name": "x", "status": "active",
           "attributes": [{"id": str(uuid.uuid4()), "taxonomy_term": {"id": "mukaan:kind:club", "name": "Kerho"}}]}
    errors = " ".join(_errors("service", bad))
    assert "'org-demo' is not a 'uuid'" in errors and "'description' is a required property" in errors


def test_whole_catalogue_export_validates(catalogue):
    exported = export_hsds(catalogue)
    assert list(_page_validator().iter_errors(exported)) == []
    services = exported["contents"]
    assert len(services) == exported["total_items"] == len(catalogue) > 500
    for service in services:
        assert _errors("service", service) == [], service["x_mukaan"]["id"]
    assert len({s["id"] for s in services}) == len(services)
    assert export_hsds(catalogue) == exported                      # ids are stable between exports
    assert services[0]["id"] == uid("service", catalogue[0].id)
    for org in organizations(catalogue):
        assert _errors("organization", org) == []


@pytest.mark.parametrize("sample", ["hsds-spec-service_full.json", "hsds-spec-organization_full.json",
                                    "hsds-spec-service_list.json"])
def test_spec_examples_round_trip(tmp_path, sample):
    """The specification's own examples: import → export (valid) → import gives the same."""
    activities, _ = read_hsds(SAMPLES / sample, municipality="Tampere")
    exported = export_hsds(activities)
    assert [_errors("service", s) for s in exported["contents"]] == [[]]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    back, problems = read_hsds(path)
    assert [p for p in problems if p.is_error] == []
    assert [a.model_dump() for a in back] == [a.model_dump() for a in activities]


# --- the /hsds/ API ----------------------------------------------------------------------------

def _ready(c: TestClient) -> TestClient:
    """Waits until the app has loaded the catalogue (the /hsds/ routes answer 503 before)."""
    deadline = time.time() + 120
    while c.app.state.catalogue_status.get("state") != "ok" and time.time() < deadline:
        time.sleep(0.2)
    return c


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(get_settings())) as c:
        yield _ready(c)


def _all_pages(client, path: str, per_page: int = 100, **params) -> list[dict]:
    pages, number = [], 1
    while True:
        r = client.get(path, params={"page": number, "per_page": per_page, **params})
        assert r.status_code == 200, r.text
        pages.append(r.json())
        if r.json()["last_page"]:
            return pages
        number += 1


def test_root_and_profile(client):
    root = client.get("/hsds/").json()
    assert root["version"] == "3.0" and root["profile"].endswith("/hsds/profile")
    profile = client.get("/hsds/profile").json()
    assert "x_mukaan" in profile["properties"]


def test_every_services_page_is_schema_valid(client, searcher):
    pages = _all_pages(client, "/hsds/services")
    page_validator = _page_validator()
    total = len([a for a in searcher.snapshot().activities if a.shown])
    assert pages[0]["total_items"] == total and pages[0]["total_pages"] == len(pages) > 1
    assert pages[0]["first_page"] and not pages[0]["last_page"] and pages[-1]["last_page"]
    ids = []
    for page in pages:
        assert list(page_validator.iter_errors(page)) == []
        for service in page["contents"]:
            assert _errors("service", service) == []
            ids.append(service["id"])
    assert len(ids) == len(set(ids)) == total
    one = client.get(f"/hsds/services/{ids[0]}")
    assert one.status_code == 200 and one.json()["id"] == ids[0] and _errors("service", one.json()) == []
    assert client.get(f"/hsds/services/{uuid.uuid4()}").status_code == 404


def test_other_listings_are_schema_valid(client):
    for path, kind in [("/hsds/organizations", "organization"), ("/hsds/taxonomies", "taxonomy"),
                       ("/hsds/taxonomy_terms", "taxonomy_term"),
                       ("/hsds/service_at_locations", "service_at_location")]:
        pages = _all_pages(client, path)
        items = [item for page in pages for item in page["contents"]]
        assert items and pages[0]["total_items"] == len(items)
        for item in items:
            assert _errors(kind, item) == [], (path, item["id"])
        first = client.get(f"{path}/{items[0]['id']}")
        assert first.status_code == 200 and _errors(kind, first.json()) == []
        assert client.get(f"{path}/{uuid.uuid4()}").status_code == 404
    org = client.get("/hsds/organizations", params={"per_page": 1}).json()["contents"][0]
    nested = client.get(f"/hsds/organizations/{org['id']}").json()
    assert nested["services"] and all(s["status"] == "active" for s in nested["services"])


def test_filters(client):
    term = uid("taxonomy_term", "kind:peer_support")
    peer = client.get("/hsds/services", params={"taxonomy_term_id": term, "per_page": 200}).json()
    assert peer["total_items"] > 0
    assert all(any(a["taxonomy_term_id"] == term for a in s["attributes"]) for s in peer["contents"])
    kinds = client.get("/hsds/services", params={"taxonomy_id": uid("taxonomy", "kind")}).json()
    assert kinds["total_items"] == client.get("/hsds/services").json()["total_items"]
    found = client.get("/hsds/services", params={"search": "omaishoitaj"}).json()
    assert 0 < found["total_items"] < kinds["total_items"]
    org = peer["contents"][0]["organization_id"]
    by_org = client.get("/hsds/services", params={"organization_id": org}).json()
    assert by_org["total_items"] >= 1 and all(s["organization_id"] == org for s in by_org["contents"])
    later = client.get("/hsds/services", params={"modified_after": "2100-01-01T00:00:00Z"}).json()
    assert later["total_items"] == 0 and later["empty"] and later["contents"] == []
    assert client.get("/hsds/services", params={"modified_after": "yesterday"}).status_code == 422
    assert client.get("/hsds/services", params={"per_page": 0}).status_code == 422
    beyond = client.get("/hsds/services", params={"page": 999}).json()
    assert beyond["contents"] == [] and beyond["last_page"] and not beyond["empty"]


def test_listed_in_openapi_and_open_without_token(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/hsds/", "/hsds/services", "/hsds/services/{service_id}", "/hsds/organizations",
                 "/hsds/organizations/{organization_id}", "/hsds/taxonomies", "/hsds/taxonomy_terms",
                 "/hsds/service_at_locations"):
        assert "get" in paths[path], path
    assert client.get("/hsds/taxonomies", headers={}).status_code == 200


def test_rate_limited_like_search(monkeypatch):
    from mukaan.settings import get_settings
    monkeypatch.setattr(get_settings(), "rate_limit_per_minute", 3)
    with TestClient(create_app(get_settings())) as c:
        codes = [_ready(c).get("/hsds/taxonomies").status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]


def test_two_apps_in_one_process_keep_their_own_hsds_records(tmp_path, embedder):
    """Each app's services keep its HSDS records: another app's catalogue at the same
    generation number does not lend it its records."""
    import shutil

    from mukaan.catalogue.sqlite_store import Store
    from tests.conftest import web_app
    stores = []
    for name in ("a", "b"):
        shutil.copy(get_settings().database, tmp_path / f"{name}.sqlite3")
        stores.append(Store(tmp_path / f"{name}.sqlite3"))
    target = next(a for a in stores[0].load()[0] if a.shown)
    renamed = target.model_copy(update={"name": target.name.model_copy(update={"fi": "Toisen sovelluksen nimi"})})
    stores[0].upsert(target, embedder)                                  # the same generation in both,
    stores[1].upsert(renamed, embedder)                                 # another name in the second
    assert stores[0].generation() == stores[1].generation()
    path = f"/hsds/services/{uid('service', target.id)}"
    names = []
    for name in ("a", "b", "a"):
        env = {"MUKAAN_DATABASE": str(tmp_path / f"{name}.sqlite3"),
               "MUKAAN_EDITORIAL_DATABASE": str(tmp_path / f"editorial-{name}.sqlite3")}
        with web_app(env) as app:
            names.append(app.get(path).json()["name"])
            search = app.get("/hsds/services", params={"search": "Toisen sovelluksen"}).json()
            names.append(search["total_items"])
    assert names == [target.name.fi, 0, "Toisen sovelluksen nimi", 1, target.name.fi, 0]
