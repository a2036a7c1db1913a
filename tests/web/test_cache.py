"""Cacheable GETs: strong ETag, Cache-Control, 304, gzip once, an LRU bounded in bytes."""

import asyncio
import gzip
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.web.cache import LRU, CachingMiddleware, Entry, canonical_key
from app.web.settings import Settings
from tests import aio

QUERY = "input_size=5,5&kernel_size=3&stride=2&padding=1"
CACHEABLE = [
    f"/?{QUERY}",
    f"/embed?{QUERY}",
    "/stack",
    "/stack/embed",
    f"/api/trace?{QUERY}",
    f"/api/matrix?{QUERY}",
    f"/api/render.svg?{QUERY}&step=1",
    f"/api/render.png?{QUERY}",
    f"/api/oembed?url=http%3A%2F%2Ftestserver%2F%3F{QUERY.replace('&', '%26')}",
]


@pytest.fixture()
def fresh() -> TestClient:
    """A client whose app has an empty response cache."""
    return TestClient(create_app(Settings(public_url="http://testserver")))


@pytest.mark.parametrize("path", CACHEABLE)
def test_a_pure_get_has_a_strong_etag_and_answers_304(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text
    etag = response.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response.headers["cache-control"].startswith("public, max-age=")
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == response.content


def test_the_gzip_variant_has_its_own_etag_and_the_same_bytes(client: TestClient) -> None:
    path = f"/api/trace?{QUERY}"
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as zipped:
        raw = b"".join(zipped.iter_raw())
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert zipped.headers["etag"] != plain.headers["etag"]
    assert len(raw) < len(plain.content)
    assert gzip.decompress(raw) == plain.content
    # Either tag revalidates: the representation is the same document.
    for etag in (plain.headers["etag"], zipped.headers["etag"]):
        assert client.get(path, headers={"If-None-Match": etag}).status_code == 304


def test_a_repeat_is_served_from_the_cache_and_query_order_does_not_matter(
    fresh: TestClient,
) -> None:
    first = fresh.get("/api/trace?input_size=6,6&stride=2&seed=7")
    assert not first.headers["server-timing"].startswith("cache")
    second = fresh.get("/api/trace?seed=7&stride=2&input_size=6%2C6")
    assert second.headers["server-timing"] == "cache;desc=hit"
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]


def test_refusals_and_posts_are_not_cached(client: TestClient) -> None:
    refused = client.get("/api/trace?input_size=5,5&stride=0")
    assert refused.status_code == 422
    assert "etag" not in refused.headers and "cache-control" not in refused.headers
    posted = client.post("/api/trace", json={"input_size": [5, 5]})
    assert posted.status_code == 200 and "etag" not in posted.headers


def test_healthz_and_static_are_outside_the_response_cache(client: TestClient) -> None:
    assert client.get("/healthz").headers["cache-control"] == "no-store"
    assert "etag" in client.get("/static/js/main.js").headers  # StaticFiles' own


def test_the_lru_stays_within_its_byte_budget() -> None:
    budget = 256 * 1024
    client = TestClient(create_app(Settings(public_url="http://testserver", cache_bytes=budget)))
    for seed in range(60):
        assert client.get(f"/api/trace?input_size=16,16&seed={seed}").status_code == 200
    lru = _middleware(client.app).lru
    assert 0 < lru.size <= budget
    assert len(lru) < 60  # the oldest answers were evicted


def _middleware(app: Any) -> CachingMiddleware:
    """The CachingMiddleware in the app's built middleware stack."""
    layer = app.middleware_stack or app.build_middleware_stack()
    app.middleware_stack = layer
    while not isinstance(layer, CachingMiddleware):
        layer = layer.app
    return layer


def test_one_computation_for_a_crowd_asking_at_once() -> None:
    calls = 0

    async def slow_app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        body = b'{"ok": true}' * 100
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def crowd() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=CachingMiddleware(slow_app))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await asyncio.gather(*(http.get("/api/trace?input_size=5") for _ in range(30)))

    responses = aio.run(crowd())
    assert calls == 1
    assert {r.status_code for r in responses} == {200}
    assert len({r.headers["etag"] for r in responses}) == 1


def test_canonical_key_decodes_and_sorts_but_keeps_repeats() -> None:
    assert canonical_key("/api/trace", b"b=1&a=2&b=0") == "/api/trace?a=2&b=1&b=0"
    assert canonical_key("/", b"input_size=5%2C5") == canonical_key("/", b"input_size=5,5")


def test_an_entry_larger_than_a_quarter_of_the_budget_is_not_kept() -> None:
    lru = LRU(max_bytes=4000)
    lru.put("big", Entry(200, [], b"x" * 2000, None, "t", "public, max-age=1"))
    assert len(lru) == 0 and lru.size == 0
