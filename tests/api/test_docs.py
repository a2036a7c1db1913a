"""/docs and /redoc work offline: vendored, version-pinned assets, no outside origin."""

import re

import pytest
from fastapi.testclient import TestClient

from app.api.docs import REDOC, SWAGGER_UI


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_docs_pages_reference_no_outside_origin(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    references = re.findall(r'(?:src|href|url)\s*[=:]\s*["\']([^"\']+)["\']', response.text)
    assert references, "the page loads its assets"
    for reference in references:
        assert reference.startswith("/"), f"{path} loads {reference} from outside"
        assert not reference.startswith("//")
    assert "fonts.googleapis" not in response.text and "cdn." not in response.text


def test_vendored_assets_are_served_with_their_version_in_the_path(client: TestClient) -> None:
    assert re.search(r"swagger-ui-\d+\.\d+\.\d+$", SWAGGER_UI)
    assert re.search(r"redoc-\d+\.\d+\.\d+$", REDOC)
    for asset in (f"{SWAGGER_UI}/swagger-ui-bundle.js", f"{SWAGGER_UI}/swagger-ui.css",
                  f"{REDOC}/redoc.standalone.js"):  # fmt: skip
        response = client.get(asset)
        assert response.status_code == 200 and len(response.content) > 100_000


def test_the_schema_the_docs_read_bounds_its_lists(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    trace = schema["components"]["schemas"]["TraceRequest"]["properties"]
    assert trace["input_size"]["maxItems"] == 3
    assert "ctx" in schema["components"]["schemas"]["ErrorItem"]["properties"]
