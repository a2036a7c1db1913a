"""Security headers: who may frame what (only /embed by other sites), a strict CSP on pages,
CORS on the API (preflight included), and absolute URLs from the configured public URL."""

import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from app.main import create_app
from app.web.settings import Settings

QUERY = "input_size=5,5&kernel_size=3&stride=2&padding=1"


def test_embed_may_be_framed_by_any_site(client: TestClient) -> None:
    response = client.get(f"/embed?{QUERY}")
    assert response.status_code == 200
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        f"/?{QUERY}",
        f"/api/trace?{QUERY}",
        f"/api/render.png?{QUERY}",
        "/api/limits",
        "/api/trace",  # a 422 too
        "/embed/",  # not the embed route: a redirect to it
        "/no-such-page",
    ],
)
def test_everything_else_only_by_itself(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors *" not in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path", [f"/?{QUERY}", f"/embed?{QUERY}", f"/?{QUERY}&stride=x", "/stack", "/stack/embed"]
)
def test_every_page_has_a_strict_content_security_policy(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-type"].startswith("text/html")
    policy = dict(
        (part.split()[0], part.split()[1:])
        for part in response.headers["content-security-policy"].split("; ")
    )
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no other origin
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    expected = ["*", "file:"] if path.split("?")[0].endswith("/embed") else ["'self'"]
    assert policy["frame-ancestors"] == expected
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["permissions-policy"]
    # no inline script in the HTML: only the JSON data block and module files
    for tag in re.findall(r"<script[^>]*>", response.text):
        assert 'type="application/json"' in tag or 'src="/static/' in tag, tag
    assert not re.search(r"\son[a-z]+=", response.text)  # no inline event handlers
    assert not re.search(r"<[^>]+\sstyle=", response.text)  # no inline style attributes


ORIGIN = "https://course.example.edu"


@pytest.mark.parametrize(
    "path", [f"/api/trace?{QUERY}", "/api/limits", f"/api/render.svg?{QUERY}", "/api/trace"]
)
def test_the_api_may_be_fetched_from_any_site(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"Origin": ORIGIN})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    assert "ETag" in response.headers["access-control-expose-headers"]


def test_an_answer_never_varies_by_origin(client: TestClient) -> None:
    """nginx keeps one copy per URL: the copy a same-site request made must serve a course page."""
    for headers in ({}, {"Origin": ORIGIN}):
        response = client.get(f"/api/trace?{QUERY}&seed=77", headers=headers)
        assert response.headers["access-control-allow-origin"] == "*"
        assert "origin" not in response.headers.get("vary", "").lower()


def test_a_cached_answer_and_a_304_carry_cors_too(client: TestClient) -> None:
    first = client.get(f"/api/trace?{QUERY}", headers={"Origin": ORIGIN})
    again = client.get(
        f"/api/trace?{QUERY}", headers={"Origin": ORIGIN, "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["access-control-allow-origin"] == "*"


def test_a_json_post_from_another_site_gets_cors(client: TestClient) -> None:
    posted = client.post("/api/trace", json={"input_size": [5, 5]}, headers={"Origin": ORIGIN})
    assert posted.status_code == 200
    assert posted.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in posted.headers


@pytest.mark.parametrize(
    ("method", "path", "asked"),
    [
        ("POST", "/api/trace", "content-type"),  # JSON is not a "simple" request: preflighted
        ("POST", "/api/matrix", "content-type, x-course-id"),
        ("POST", "/api/stack", "content-type"),
        ("GET", f"/api/trace?{QUERY}", "x-requested-with"),  # any non-safelisted header
        ("GET", "/api/limits", "accept-language, x-course-id"),
    ],
)
def test_preflight_is_a_204_with_the_rules_and_their_max_age(
    client: TestClient, method: str, path: str, asked: str
) -> None:
    response = client.options(
        path,
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": asked,
        },
    )
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["access-control-allow-origin"] == "*"
    assert method in response.headers["access-control-allow-methods"].split(", ")
    assert response.headers["access-control-allow-headers"] == asked
    assert int(response.headers["access-control-max-age"]) >= 3600
    assert "access-control-allow-credentials" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


def test_preflight_for_a_method_the_api_has_not_is_refused(client: TestClient) -> None:
    response = client.options(
        "/api/trace", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "DELETE"}
    )
    assert response.status_code == 400
    assert "access-control-allow-methods" in response.headers  # what is allowed, for the reader


def test_pages_get_no_cors(client: TestClient) -> None:
    page = client.get(f"/?{QUERY}", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in page.headers
    embed = client.get(f"/embed?{QUERY}", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in embed.headers
    preflight = client.options(
        "/", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 405  # no CORS protocol on pages
    assert "access-control-allow-origin" not in preflight.headers


def test_absolute_urls_come_from_the_public_url_never_the_host_header() -> None:
    app = create_app(Settings(public_url="https://convscope.example.org"))
    client = TestClient(app)
    html = client.get(f"/?{QUERY}", headers={"Host": "evil.example"}).text
    assert "evil.example" not in html
    assert '<link rel="canonical" href="https://convscope.example.org/?input_size=5,5&amp;' in html
    assert 'content="https://convscope.example.org/api/render.png?' in html
    link = quote(f"https://convscope.example.org/?{QUERY}", safe="")
    answer = client.get(f"/api/oembed?url={link}", headers={"Host": "evil.example"}).json()
    assert answer["html"].count("https://convscope.example.org/embed?") == 1
    stack = client.get("/stack", headers={"Host": "evil.example"}).text
    assert "evil.example" not in stack and 'href="https://convscope.example.org/stack"' in stack
    forged = quote(f"http://evil.example/?{QUERY}", safe="")
    assert (
        client.get(f"/api/oembed?url={forged}", headers={"Host": "evil.example"}).status_code == 404
    )
