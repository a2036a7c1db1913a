"""One error path: every refusal is ``{"detail": [{"loc", "msg", "type", "ctx"}]}`` with the
security headers, a type from the catalogue and a message rendered from it (issue 8)."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from app.api.errors import Intake
from app.i18n.messages import catalogue
from app.limits import LIMITS
from app.main import create_app
from tests import aio

HUGE = "1" + "0" * 400  # a 400-digit integer


def assert_refusal(response: Response, status: int, loc: list[Any], type: str) -> dict[str, Any]:
    """The one shape, the headers, a catalogue type; returns the (only) detail entry."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert "frame-ancestors" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    [error] = response.json()["detail"]
    assert set(error) == {"loc", "msg", "type", "ctx"}
    assert error["loc"] == loc
    assert error["type"] == type and type in catalogue()
    assert not re.search(r"\{[a-z_]+\}", error["msg"]), "every placeholder is filled"
    return dict(error)


def post_json(client: TestClient, text: str) -> Response:
    return client.post(
        "/api/trace", content=text.encode(), headers={"content-type": "application/json"}
    )


# --- numbers too large for the server (were 500s) -----------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "type"),
    [
        (f'{{"input_size": [1, 1], "kernel_size": 1, "input": [[{HUGE}]]}}', "input",
         "number_too_large"),
        (f'{{"input_size": [1, 1], "kernel_size": 1, "weight": [[[[{HUGE}]]]]}}', "weight",
         "number_too_large"),
        (f'{{"input_size": [1, 1], "kernel_size": 1, "bias": [{HUGE}]}}', "bias",
         "number_too_large"),
        (f'{{"input_size": [1, 1], "kernel_size": 1, "input": [[-{HUGE}]]}}', "input",
         "number_too_large"),
        ('{"input_size": [1, 1], "kernel_size": 1, "input": [[1e400]]}', "input",
         "number_too_large"),
        # Python cannot even convert 5000 digits: the body is read again, the number as ∞.
        ('{"input_size": [5, 5], "seed": ' + "9" * 5000 + "}", "seed", "number_too_large"),
        ('{"input_size": [5, 5], "stride": ' + "9" * 5000 + "}", "stride", "number_too_large"),
        ('{"input_size": [1, 1], "input": [[' + "9" * 5000 + "]]}", "input", "number_too_large"),
        # 400 digits convert: an int far above its limit.
        (f'{{"input_size": [{HUGE}, 5]}}', "input_size", "above_limit"),
        (f'{{"input_size": [5, 5], "seed": {HUGE}}}', "seed", "above_limit"),
        ('{"input_size": [5, 5], "padding": 1' + "0" * 30 + "}", "padding", "above_limit"),
    ],
)  # fmt: skip
def test_a_huge_number_in_a_body_names_its_field(
    client: TestClient, text: str, field: str, type: str
) -> None:
    error = assert_refusal(post_json(client, text), 422, ["body", field], type)
    assert field in error["msg"] and len(error["msg"]) < 400


def test_nan_literals_are_not_numbers(client: TestClient) -> None:
    response = post_json(client, '{"input_size": [1, 1], "kernel_size": 1, "input": [[NaN]]}')
    assert_refusal(response, 422, ["body", "input"], "not_numbers")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"input_size=1,1&kernel_size=1&input={HUGE}", "input"),
        (f"input_size=1,1&kernel_size=1&weight=-{HUGE}", "weight"),
        ("input_size=1,1&kernel_size=1&input=1e400", "input"),
        (f"input_size=5,5&seed={'9' * 5000}", "seed"),
        (f"input_size=5,5&padding=1{'0' * 30}", "padding"),
    ],
)
def test_a_huge_number_in_a_query_names_its_field(
    client: TestClient, query: str, field: str
) -> None:
    assert_refusal(client.get(f"/api/trace?{query}"), 422, ["query", field], "number_too_large")


# --- the router's own refusals --------------------------------------------------------------


def test_unknown_route_is_a_json_404(client: TestClient) -> None:
    error = assert_refusal(client.get("/no-such-page"), 404, ["path"], "not_found")
    assert error["ctx"] == {"path": "/no-such-page"}
    assert_refusal(client.get("/static/no-such-file.js"), 404, ["path"], "not_found")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/trace", "GET, HEAD, POST"),
        ("DELETE", "/api/matrix", "GET, HEAD, POST"),
        ("POST", "/", "GET, HEAD"),
        ("POST", "/api/limits", "GET, HEAD"),
        ("PATCH", "/embed", "GET, HEAD"),
    ],
)
def test_method_not_allowed_names_every_allowed_method(
    client: TestClient, method: str, path: str, allowed: str
) -> None:
    response = client.request(method, path)
    error = assert_refusal(response, 405, ["method"], "method_not_allowed")
    assert response.headers["allow"] == allowed
    assert error["ctx"]["allowed"] == allowed and error["ctx"]["method"] == method


@pytest.mark.parametrize(
    "path",
    ["/", "/embed", "/api/trace?input_size=5,5", "/api/matrix?input_size=4", "/api/limits",
     "/api/render.svg?input_size=5,5", "/docs", "/openapi.json"],
)  # fmt: skip
def test_head_answers_like_get_without_a_body(client: TestClient, path: str) -> None:
    head, get = client.head(path), client.get(path)
    assert head.status_code == get.status_code == 200
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.content == b""
    assert "content-security-policy" in head.headers


# --- limits on the request itself -----------------------------------------------------------


def test_a_body_over_the_limit_is_a_413(client: TestClient) -> None:
    body = b" " * (LIMITS.max_body_bytes + 1)
    response = client.post("/api/trace", content=body, headers={"content-type": "application/json"})
    error = assert_refusal(response, 413, ["body"], "body_too_large")
    assert error["ctx"] == {"limit": LIMITS.max_body_bytes, "limit_name": "max_body_bytes"}


def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(client: TestClient) -> None:
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        for _ in range(1000):  # 10 MB if it were all read
            sent += 1
            yield b" " * 10_000

    response = client.post(
        "/api/trace", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_refusal(response, 413, ["body"], "body_too_large")


def test_a_declared_body_over_the_limit_is_refused_before_it_is_read() -> None:
    reads = 0
    sent: list[dict[str, Any]] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the app must not run")

    async def receive() -> dict[str, Any]:
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    length = str(50 * 1024 * 1024).encode()
    scope = {"type": "http", "method": "POST", "path": "/api/trace", "query_string": b"",
             "headers": [(b"content-length", length)]}  # fmt: skip
    aio.run(Intake(app)(scope, receive, send))
    assert reads == 0
    assert sent[0]["status"] == 413


def test_a_query_over_the_limit_is_a_422_naming_the_limit(client: TestClient) -> None:
    query = "input_size=5&fill=" + "x" * LIMITS.max_query_bytes
    error = assert_refusal(client.get(f"/api/trace?{query}"), 422, ["query"], "query_too_long")
    assert error["ctx"]["limit_name"] == "max_query_bytes"
    assert error["ctx"]["limit"] == LIMITS.max_query_bytes


# --- shape and wording ----------------------------------------------------------------------


def test_a_long_bad_value_is_cut_in_the_message(client: TestClient) -> None:
    response = client.get("/api/trace?input_size=5&fill=" + "x" * 10_000)
    error = assert_refusal(response, 422, ["query", "fill"], "not_a_choice")
    assert len(error["msg"]) < 200 and "x" * 57 + "..." in error["msg"]
    assert error["ctx"]["value"] == "x" * 57 + "..."


@pytest.mark.parametrize(
    ("body", "field", "type"),
    [
        ({"input_size": [5, 5], "stride": True}, "stride", "wrong_type"),
        ({"input_size": [5, 5], "padding": "SAME"}, "padding", "not_a_choice"),
        ({"input_size": [5, 5], "fill": "Ones"}, "fill", "not_a_choice"),
        ({"input_size": [5, 5], "op": "max"}, "op", "not_a_choice"),
        ({"input_size": [5, 5], "steps": 0}, "steps", "wrong_type"),
        ({"input_size": [5, 5], "strides": 2}, "strides", "not_a_field"),
        ({"stride": 2}, "input_size", "required"),
        ({"input_size": [2, 2], "input": [[1, "2"], [3, 4]]}, "input", "not_numbers"),
        ({"input_size": [5, 5], "seed": -1}, "seed", "too_small"),
        ({"input_size": [5, 5], "kernel_size": 16}, "kernel_size", "above_limit"),
    ],
)
def test_pydantic_and_our_own_refusals_share_types_and_words(
    client: TestClient, body: dict[str, Any], field: str, type: str
) -> None:
    error = assert_refusal(client.post("/api/trace", json=body), 422, ["body", field], type)
    assert error["ctx"]["field"] == field
    assert "Input should" not in error["msg"], "pydantic's stock wording is replaced"


def test_a_body_that_is_not_an_object_or_not_json(client: TestClient) -> None:
    assert_refusal(client.post("/api/trace", json=[1, 2]), 422, ["body"], "body_not_object")
    assert_refusal(post_json(client, "{not json"), 422, ["body"], "json_invalid")
    response = client.post(
        "/api/trace", content=b"\xff\xfe{", headers={"content-type": "application/json"}
    )
    assert_refusal(response, 422, ["body"], "body_unreadable")


def test_an_unexpected_exception_is_json_with_the_headers() -> None:
    app = create_app()

    @app.get("/api/boom")
    def boom() -> None:
        raise RuntimeError("a bug, not the user's input")

    response = TestClient(app).get("/api/boom")
    error = assert_refusal(response, 500, [], "internal_error")
    assert "RuntimeError" not in error["msg"]


def test_an_exception_in_an_outer_middleware_is_still_json_with_the_headers() -> None:
    app = create_app()

    @app.middleware("http")
    async def broken(request: Any, call_next: Any) -> Any:  # added last: the outermost
        raise RuntimeError("a bug in a middleware")

    response = TestClient(app, raise_server_exceptions=False).get("/api/limits")
    assert_refusal(response, 500, [], "internal_error")


REPEATS = [
    (path, repeated)
    for path in ("/api/render.svg?input_size=5,5&", "/api/render.png?input_size=5,5&",
                 "/api/render.gif?input_size=3&")
    for repeated in ("stride=1&stride=1", "step=0&step=0", "theme=dark&theme=dark")
] + [
    ("/api/trace?input_size=5,5&", "stride=1&stride=1"),
    ("/api/matrix?input_size=4&", "stride=1&stride=1"),
    ("/api/trace?input_size=5,5&", "input_size=5,5"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "repeated"), REPEATS)
def test_a_repeated_parameter_is_refused_on_every_route(
    client: TestClient, path: str, repeated: str
) -> None:
    response = client.get(path + repeated)
    error = assert_refusal(response, 422, ["query", repeated.split("=")[0]], "given_twice")
    assert error["ctx"]["count"] == 2


def test_a_long_unknown_name_is_cut_too(client: TestClient) -> None:
    name = "n" * 5000
    for response in (
        client.get(f"/api/trace?input_size=5&{name}=1"),
        client.post("/api/trace", json={"input_size": [5], name: 1}),
    ):
        assert response.status_code == 422
        [error] = response.json()["detail"]
        assert error["loc"][1] == "n" * 57 + "..." and error["type"] == "not_a_field"
        ours = "the list of valid fields is ours: never cut"
        assert error["msg"].endswith("steps, include"), ours
        assert len(response.content) < 1500


def test_every_error_type_raised_in_the_code_is_in_the_catalogue() -> None:
    """A ``ConfigError(field, "type", …)`` or ``item(loc, "type", …)`` whose type has no
    sentence would reach a student as a bare code."""
    root = Path(__file__).resolve().parents[2] / "app"
    first = r'(?:"[^"]*"|\[[^\]]*\]|[\w.]+(?:\([^()]*\))?)'  # a name, a list, a call
    raised = re.compile(
        rf'(?:ConfigError|item|Refused)\(\s*(?:\d+\s*,\s*)?{first}\s*,\s*"([a-z_]+)"', re.S
    )
    found = {
        (path.name, type)
        for path in root.rglob("*.py")  # app/render's raises too: they use the catalogue
        for type in raised.findall(path.read_text(encoding="utf-8"))
    }
    assert len(found) > 40, "the pattern still finds the raises"
    missing = {(name, type) for name, type in found if type not in catalogue()}
    assert missing == set()
