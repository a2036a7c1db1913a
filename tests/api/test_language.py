"""``?lang=`` on every route, ``Accept-Language`` on the pages, ``Vary`` where the answer
depends on it, ``msg_local`` on API errors (SPEC.md, "Languages"; app/api/language.py)."""

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from app.api.language import split_lang
from app.i18n.languages import from_accept_language
from app.i18n.messages import own_catalogue

QUERY = "input_size=5,5&stride=2&padding=1"
PAGES = [f"/?{QUERY}", f"/embed?{QUERY}", "/stack?input_size=32,32&in_channels=3&layer=conv,c8,k3"]


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("bn-IN,bn;q=0.9,en;q=0.8", "bn"),
        ("vi-VN", "vi"),
        ("en-US,en;q=0.9,hi;q=0.8", "en"),
        ("fr, hi;q=0.3", "hi"),
        ("de, *;q=0.5", "en"),
        ("hi;q=0, bn;q=0.2", "bn"),
        ("", "en"),
        (None, "en"),
        ("garbage;;q=x,,", "en"),
    ],
)
def test_accept_language(header: str | None, language: str) -> None:
    assert from_accept_language(header) == language


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("language", ["en", "bn", "vi", "hi"])
def test_page_follows_accept_language_and_varies(
    client: TestClient, path: str, language: str
) -> None:
    r = client.get(path, headers={"Accept-Language": f"{language};q=0.9, de"})
    assert r.status_code == 200
    assert f'<html lang="{language}" dir="ltr"' in r.text
    assert "accept-language" in r.headers["vary"].lower()
    assert "accept-encoding" in r.headers["vary"].lower()


@pytest.mark.parametrize("path", PAGES)
def test_lang_wins_over_accept_language_and_links_keep_it(client: TestClient, path: str) -> None:
    r = client.get(f"{path}&lang=vi", headers={"Accept-Language": "bn"})
    assert '<html lang="vi"' in r.text
    assert "accept-language" not in r.headers.get("vary", "").lower()  # the link decides
    assert own_catalogue("vi")["language.label"] in r.text
    assert 'rel="canonical" href="http://testserver/' in r.text
    canonical = r.text.split('rel="canonical" href="')[1].split('"')[0]
    assert canonical.endswith("lang=vi"), canonical
    for code in ("en", "bn", "vi", "hi"):  # the switcher keeps the page's own query
        assert f'hreflang="{code}" lang="{code}"' in r.text


def test_same_page_two_languages_two_answers(client: TestClient) -> None:
    """The cache keys by language: one reader's language is never served to another."""
    bn = client.get(f"/?{QUERY}", headers={"Accept-Language": "bn"})
    hi = client.get(f"/?{QUERY}", headers={"Accept-Language": "hi"})
    assert '<html lang="bn"' in bn.text and '<html lang="hi"' in hi.text
    assert bn.headers["etag"] != hi.headers["etag"]
    again = client.get(
        f"/?{QUERY}", headers={"Accept-Language": "bn", "If-None-Match": bn.headers["etag"]}
    )
    assert again.status_code == 304


def test_api_ignores_accept_language_and_never_varies(client: TestClient) -> None:
    r = client.get(f"/api/trace?{QUERY}&stride=0", headers={"Accept-Language": "bn"})
    detail = r.json()["detail"]
    assert "msg_local" not in detail[0]
    assert "accept-language" not in r.headers.get("vary", "").lower()


@pytest.mark.parametrize("language", ["en", "bn", "vi", "hi"])
def test_api_error_keeps_english_msg_and_adds_msg_local(client: TestClient, language: str) -> None:
    r = client.get(f"/api/trace?input_size=5,5&stride=0&lang={language}")
    assert r.status_code == 422
    [error] = r.json()["detail"]
    assert error["msg"] == "stride must be at least 1 (got 0)"
    assert error["type"] == "too_small" and error["ctx"]["value"] == 0
    template = own_catalogue(language)["too_small"]
    assert error["msg_local"] == template.format(field="stride", minimum=1, value=0)


def test_msg_local_on_post_stack_and_parse(client: TestClient) -> None:
    body = {"input_size": [8, 8], "in_channels": 1, "layers": [{"kernel_size": 30}]}
    [error] = client.post("/api/stack?lang=hi", json=body).json()["detail"]
    assert error["msg"].startswith("layer 1: the kernel")
    assert error["msg_local"].startswith("लेयर 1: कर्नेल") and "ऊँचाई" in error["msg_local"]
    [error] = client.post("/api/stack/parse?lang=bn", json={"code": "x = ("}).json()["detail"]
    assert error["msg"].startswith("line 1") and error["msg_local"].startswith("লাইন 1")


@pytest.mark.parametrize("bad", ["lang=fr", "lang=BN", "lang=bn&lang=hi", "lang="])
def test_bad_lang_is_refused_on_the_api_and_shown_on_pages(client: TestClient, bad: str) -> None:
    r = client.get(f"/api/trace?{QUERY}&{bad}")
    assert r.status_code == 422
    [error] = r.json()["detail"]
    assert error["loc"] == ["query", "lang"]
    assert error["type"] in ("not_a_choice", "given_twice")
    page = client.get(f"/?{QUERY}&{bad}", headers={"Accept-Language": "hi"})
    assert page.status_code == 200 and '<html lang="hi"' in page.text
    assert 'data-param="lang"' in page.text


@pytest.mark.parametrize("route", ["/api/trace", "/api/matrix", "/api/render.svg", "/api/limits"])
def test_every_api_route_takes_lang(client: TestClient, route: str) -> None:
    r = client.get(f"{route}?input_size=4,4&lang=bn")
    assert r.status_code == 200, r.text


def test_pictures_speak_the_language(client: TestClient) -> None:
    svg = client.get(f"/api/render.svg?{QUERY}&lang=bn").text
    assert own_catalogue("bn")["legend.output"] in svg


def test_oembed_keeps_the_links_language(client: TestClient) -> None:
    url = quote(f"http://testserver/?{QUERY}&lang=hi", safe="")
    answer = client.get(f"/api/oembed?url={url}").json()
    assert "lang=hi" in answer["html"] and answer["thumbnail_url"].endswith("lang=hi")
    assert answer["title"].startswith("कनवल्शन")
    bad = client.get(f"/api/oembed?url={quote(f'http://testserver/?{QUERY}&lang=xx', safe='')}")
    assert bad.status_code == 422


def test_split_lang_keeps_other_bytes() -> None:
    assert split_lang(b"lang=vi") == (b"", ["vi"])
    assert split_lang(b"a=%26&lang=hi&b=1") == (b"a=%26&b=1", ["hi"])


def test_openapi_documents_lang_on_every_route_that_honours_it(client: TestClient) -> None:
    """The middleware strips ``lang`` before the routes, so /docs learnt of it only from
    app/api/language.py's schema hook (issue 16)."""
    schema = client.get("/openapi.json").json()
    parameter = schema["components"]["parameters"]["lang"]
    assert parameter["in"] == "query" and parameter["required"] is False
    assert parameter["schema"]["enum"] == ["en", "bn", "vi", "hi"]
    documented = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = [p.get("$ref", p.get("name")) for p in operation.get("parameters", [])]
            if "#/components/parameters/lang" in names:
                documented.append(f"{method.upper()} {path}")
            else:
                assert not path.startswith("/api/"), f"{method} {path} does not document lang"
    assert "GET /api/trace" in documented and "POST /api/stack" in documented
    assert "GET /healthz" not in documented  # no words to translate
    # Each documented operation does answer in that language (here: a refusal's msg_local).
    r = client.get("/api/render.svg?input_size=5,5&stride=0&lang=vi")
    [error] = r.json()["detail"]
    assert r.status_code == 422 and error["msg_local"] != error["msg"]
    # and a bad one is a documented 422 wherever lang is documented
    limits = schema["paths"]["/api/limits"]["get"]["responses"]["422"]
    assert limits["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    assert client.get("/api/limits?lang=fr").status_code == 422
