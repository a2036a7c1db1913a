"""Never a 500, on any route, for any input (SPEC.md, "Errors"; issue 8).

The routes are read from the app itself, so a new route is covered without
touching this file. Every GET route gets arbitrary text for any of the parameters
ConvScope knows (and unknown ones, and repeats); every POST route gets arbitrary
JSON, alone or as one field of an otherwise valid body.
"""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import BaseRoute, Mount, Route

from app.layer.fields import FIELDS, PAGE, PICTURE
from app.main import create_app

OK = {200, 304, 404, 413, 422, 503}
OEMBED_FORMAT = 501  # oEmbed's own answer to a format other than JSON
NAMES = [*FIELDS, *PAGE, *PICTURE, "url", "maxwidth", "maxheight", "format", "bogus"]
APP = create_app()
CLIENT = TestClient(APP)


def _routes(routes: list[BaseRoute]) -> list[Route]:
    """Every endpoint, also inside included routers (whatever FastAPI wraps them in)."""
    found: list[Route] = []
    for route in routes:
        if isinstance(route, Route):
            found.append(route)
        elif not isinstance(route, Mount):
            inner = getattr(route, "routes", None) or getattr(
                getattr(route, "original_router", None), "routes", []
            )
            found.extend(_routes(list(inner)))
    return found


ENDPOINTS = sorted(
    {(method, route.path) for route in _routes(APP.router.routes) for method in route.methods or ()
     if method != "HEAD" and "{" not in route.path}
)  # fmt: skip

text = st.text(max_size=30) | st.sampled_from(
    ["", "5", "5,5", "0", "-1", "1e400", "9" * 500, "５", "1_0", "SAME", "http://[::1", "nan",
     "1:2:3", "1,2;3|4", "</script>", "http://testserver/?input_size=5,5"]
)  # fmt: skip
queries = st.lists(st.tuples(st.sampled_from(NAMES), text), max_size=6)
scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=10)
scalars |= st.floats(allow_nan=False, allow_infinity=False)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
one_bad_field = st.builds(
    lambda name, value: {"input_size": [5, 5], name: value},
    st.sampled_from(list(FIELDS)),
    json_values,
)
bodies = json_values | one_bad_field


def check(method: str, path: str, response: Any) -> None:
    allowed = OK | ({OEMBED_FORMAT} if path == "/api/oembed" else set())
    assert response.status_code in allowed, f"{method} {path}: {response.status_code}"
    assert "content-security-policy" in response.headers


def test_every_route_is_covered() -> None:
    paths = {path for _, path in ENDPOINTS}
    assert {"/", "/embed", "/api/trace", "/api/matrix", "/api/oembed", "/api/limits"} <= paths
    assert ("POST", "/api/trace") in ENDPOINTS


@pytest.mark.parametrize(("method", "path"), [e for e in ENDPOINTS if e[0] == "GET"])
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(query=queries)
def test_any_query_is_answered(method: str, path: str, query: list[tuple[str, str]]) -> None:
    check(method, path, CLIENT.get(path, params=query))


@pytest.mark.parametrize(("method", "path"), [e for e in ENDPOINTS if e[0] != "GET"])
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies)
def test_any_json_body_is_answered(method: str, path: str, body: Any) -> None:
    check(method, path, CLIENT.request(method, path, json=body))
