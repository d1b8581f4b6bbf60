"""Property-based fuzzing of the HTTP API from its own OpenAPI schema (schemathesis): valid and
invalid requests for every operation, on the real app in-process (real catalogue, staff token
set, no Rasa: chat falls back to a direct search). Whatever comes in, no answer is a 5xx and no
answer carries a stack trace.

EXAMPLES per operation and mode keeps the run near a minute on a busy 2-core machine; raise it
(MUKAAN_FUZZ_EXAMPLES) for a longer hunt."""
from __future__ import annotations

import os
import time

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.conftest import settings_with
from web.main import create_app
from web.rasa_client import RasaClient

TOKEN = "fuzz-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLES = int(os.environ.get("MUKAAN_FUZZ_EXAMPLES", "60"))


def _app_without_rate_limit():
    """The app with no rate limit (every request here comes from one client) and a staff token
    (the staff operations get past it)."""
    return create_app(settings_with({"MUKAAN_RATE_LIMIT_PER_MINUTE": "0", "MUKAAN_STAFF_TOKEN": TOKEN}))


# Built at import: schemathesis makes one test per operation when the tests are collected.
# (schemathesis.pytest.from_fixture would load it lazily, but it fails on pytest 9.2, which
# has no Node._nodeid any more.) The schema is the app's own; the app starts in the fixture
# below, and the requests go through that one TestClient (schemathesis' own ASGI client would
# run the app's start-up again for every request).
app = _app_without_rate_limit()
schema = schemathesis.openapi.from_dict(app.openapi())
schema.config.generation.update(modes=["positive", "negative"])
BASE = "http://testserver"


@pytest.fixture(scope="module")
def client():
    with TestClient(app, raise_server_exceptions=False) as c:
        app.state.rasa = RasaClient("http://127.0.0.1:9077", 2)   # nothing listens
        deadline = time.time() + 180
        while app.state.catalogue_status["state"] == "loading" and time.time() < deadline:
            time.sleep(0.3)
        assert app.state.catalogue_status["state"] == "ok"
        yield c


def send(client, case):
    """The case as a request through the TestClient (requests-style arguments → httpx)."""
    kwargs = case.as_transport_kwargs(base_url=BASE, headers=AUTH)
    kwargs.pop("cookies", None)
    if "data" in kwargs and isinstance(kwargs["data"], (bytes, str)):
        kwargs["content"] = kwargs.pop("data")
    return client.request(**kwargs)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_operation_answers_with_a_server_error(client, case):
    response = send(client, case)
    case.validate_response(response, checks=[not_a_server_error])
    assert "Traceback" not in response.text


def test_the_schema_covers_the_public_api():
    """The fuzzing above reaches every public operation (the pages and /webhook are not in the
    schema; tests/unit/web/test_hostile_input.py covers them)."""
    operations = {(op.ok().method.upper(), op.ok().path) for op in schema.get_all_operations()}
    assert {("POST", "/api/chat"), ("GET", "/api/activities/search"), ("POST", "/api/staff/referral.pdf"),
            ("GET", "/api/staff/activities"), ("GET", "/api/qr/{activity_id}.svg"), ("GET", "/health"),
            ("GET", "/api/privacy")} <= operations
