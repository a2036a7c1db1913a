"""GET /api/oembed: a rich oEmbed answer for our page and embed links (https://oembed.com)."""

import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from fastapi.testclient import TestClient

QUERY = "input_size=5,5&kernel_size=3&stride=2&padding=1"
PAGE = f"http://testserver/?{QUERY}"


def oembed(client: TestClient, url: str, extra: str = "") -> dict[str, object]:
    response = client.get(f"/api/oembed?url={quote(url, safe='')}{extra}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, object] = response.json()
    return body


class IframeParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def iframe(html: object) -> dict[str, str | None]:
    parser = IframeParser()
    parser.feed(str(html))
    [(tag, attrs)] = parser.tags
    assert tag == "iframe"
    return attrs


def test_page_link_gets_a_rich_answer_with_the_embed_iframe(client: TestClient) -> None:
    body = oembed(client, PAGE)
    assert body["version"] == "1.0" and body["type"] == "rich"
    assert body["provider_name"] == "ConvScope"
    assert isinstance(body["title"], str) and "5×5" in body["title"]
    attrs = iframe(body["html"])
    src = urlsplit(str(attrs["src"]))
    assert (src.netloc, src.path) == ("testserver", "/embed")
    # the share query in its canonical form, as the page writes it
    assert src.query == client.get(f"/api/trace?{QUERY}").json()["query"]
    assert attrs["width"] == str(body["width"]) and attrs["height"] == str(body["height"])
    assert attrs["title"] == body["title"]


def test_thumbnail_is_the_png_of_the_first_step(client: TestClient) -> None:
    body = oembed(client, PAGE)
    thumbnail = urlsplit(str(body["thumbnail_url"]))
    assert thumbnail.path == "/api/render.png"
    image = client.get(f"{thumbnail.path}?{thumbnail.query}")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    svg = ET.fromstring(client.get(f"/api/render.svg?{thumbnail.query}").content)
    size = (int(svg.attrib["width"]), int(svg.attrib["height"]))
    assert (body["thumbnail_width"], body["thumbnail_height"]) == size


def test_embed_link_keeps_its_player_parameters(client: TestClient) -> None:
    body = oembed(client, f"http://testserver/embed?{QUERY}&autoplay=1&theme=dark")
    src = urlsplit(str(iframe(body["html"])["src"]))
    assert src.path == "/embed"
    canonical = client.get(f"/api/trace?{QUERY}").json()["query"]
    assert src.query == f"{canonical}&autoplay=1&theme=dark"


def test_embed_and_thumbnail_keep_the_view_and_the_step(client: TestClient) -> None:
    # "Step 5 of 9" in the scatter view: the iframe and the thumbnail show step 5 of scatter
    query = "transposed=1&input_size=3,3&stride=2&padding=1"
    body = oembed(client, f"http://testserver/?{query}&view=scatter&step=5")
    src = urlsplit(str(iframe(body["html"])["src"]))
    canonical = client.get(f"/api/trace?{query}").json()["query"]
    assert src.query == f"{canonical}&view=scatter&step=5"
    thumbnail = urlsplit(str(body["thumbnail_url"]))
    assert thumbnail.query == f"{canonical}&view=scatter&step=5"
    picture = client.get(f"/api/render.png?{thumbnail.query}")
    assert picture.headers["content-disposition"].endswith('-scatter-step5.png"')


@pytest.mark.parametrize(
    ("extra", "size"),
    [("", None), ("&maxwidth=320", (320, None)), ("&maxwidth=300&maxheight=100", (300, 100))],
)
def test_size_respects_maxwidth_and_maxheight(
    client: TestClient, extra: str, size: tuple[int, int | None] | None
) -> None:
    body = oembed(client, PAGE, extra)
    width, height = body["width"], body["height"]
    assert isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0
    if size is not None:
        assert width <= size[0]
        assert size[1] is None or height <= size[1]


@pytest.mark.parametrize(
    "url",
    [
        f"http://example.com/?{QUERY}",  # another host
        f"http://testserver:8080/?{QUERY}",  # another port is another origin
        f"http://testserver/api/trace?{QUERY}",  # not a page
        f"http://testserver/static/js/main.js?{QUERY}",
        "javascript:alert(1)",
        "not a url",
    ],
)
def test_url_that_is_not_ours_is_a_404(client: TestClient, url: str) -> None:
    response = client.get(f"/api/oembed?url={quote(url, safe='')}")
    assert response.status_code == 404


def test_format_other_than_json_is_a_501(client: TestClient) -> None:
    response = client.get(f"/api/oembed?url={quote(PAGE, safe='')}&format=xml")
    assert response.status_code == 501


def test_page_discovery_link_answers(client: TestClient) -> None:
    html = client.get(f"/?{QUERY}").text
    parser = IframeParser()
    parser.feed(html)
    links = [
        a for tag, a in parser.tags if tag == "link" and a.get("type") == "application/json+oembed"
    ]
    assert len(links) == 1
    href = urlsplit(str(links[0]["href"]))
    response = client.get(f"{href.path}?{href.query}")
    assert response.status_code == 200 and response.json()["type"] == "rich"


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1",  # an unclosed IPv6 host: urlsplit raises
        "http://[::1]:99999/",
        "http://testserver＠evil.example/",  # a full-width @ normalises to a real one
        "http://ｔｅｓｔｓｅｒｖｅｒ/",  # a full-width host is another host
        "",
    ],
)
def test_a_malformed_url_is_a_named_404(client: TestClient, url: str) -> None:
    response = client.get(f"/api/oembed?url={quote(url, safe='')}")
    assert response.status_code == 404
    [error] = response.json()["detail"]
    assert (error["loc"], error["type"]) == (["query", "url"], "url_not_ours")
    assert "content-security-policy" in response.headers


@pytest.mark.parametrize(
    ("extra", "field", "type"),
    [
        ("&maxwidth=0", "maxwidth", "too_small"),
        ("&maxheight=-5", "maxheight", "too_small"),
        (f"&maxwidth={10**400}", "maxwidth", "number_too_large"),
        (f"&maxheight={10**400}", "maxheight", "number_too_large"),
        ("&maxwidth=100001", "maxwidth", "above_limit"),
        ("&maxwidth=12px", "maxwidth", "not_a_whole_number"),
        ("&maxwidth=３２０", "maxwidth", "not_a_whole_number"),
        ("&maxwidth=320&maxwidth=100", "maxwidth", "given_twice"),
        (f"&url={quote(PAGE, safe='')}", "url", "given_twice"),
        ("&colour=red", "colour", "not_a_parameter"),
    ],
)
def test_bad_parameters_are_422_in_a_students_words(
    client: TestClient, extra: str, field: str, type: str
) -> None:
    response = client.get(f"/api/oembed?url={quote(PAGE, safe='')}{extra}")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["loc"], error["type"]) == (["query", field], type)
    assert "Input should" not in error["msg"]


def test_a_wrong_format_is_a_501_in_the_one_shape(client: TestClient) -> None:
    response = client.get(f"/api/oembed?url={quote(PAGE, safe='')}&format=xml")
    [error] = response.json()["detail"]
    assert error["type"] == "format_not_served" and "format=json" in error["msg"]
