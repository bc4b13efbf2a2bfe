"""The API checked against its own OpenAPI document (schemathesis, real server).

Schemathesis generates valid and invalid requests from ``/openapi.json`` for
every operation and checks each answer: no 5xx, the status code and the
content type are documented, the body matches the response schema, invalid
input is rejected and valid input accepted.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from service_util import PLUGIN_DIR, Server

pytestmark = pytest.mark.slow

API_KEY = "schema-test-key"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    key = tmp_path_factory.mktemp("key") / "key"
    key.write_text(API_KEY)
    index = tmp_path_factory.mktemp("index") / "index.db"
    with Server("--plugins-dir", str(PLUGIN_DIR), "--api-key-file", str(key), "--max-body", "256KiB",
                "--index", f"sqlite:{index}") as s:
        yield s


def _served_schema() -> dict:
    # The document the server publishes at /openapi.json (create_app builds no Detector).
    from detector.service import create_app

    return create_app().openapi()


schema = schemathesis.openapi.from_dict(_served_schema())


def test_schema_is_the_served_one(live_server):
    import httpx

    assert httpx.get(live_server.base + "/openapi.json").json() == _served_schema()


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case, live_server):
    headers = {"authorization": f"Bearer {API_KEY}"} if case.operation.path.startswith("/v1/index") else {}
    excluded = []
    if case.media_type and case.media_type != "application/json":
        # A raw body (text/html, text/plain, octet-stream) is any bytes by design, so a
        # "schema-violating" raw body does not exist; every other check still applies.
        excluded.append(schemathesis.checks.negative_data_rejection)
    case.call_and_validate(base_url=live_server.base, headers=headers, excluded_checks=excluded)
