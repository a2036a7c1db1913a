"""GET /api/render.{svg,png,gif}: content types, sizes, determinism, 422s that name the field."""

import io
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from PIL import Image

QUERY = "input_size=5,5&kernel_size=3&stride=2&padding=1"
SVG = "{http://www.w3.org/2000/svg}"


def test_svg_is_standalone_xml_with_a_title(client: TestClient) -> None:
    response = client.get(f"/api/render.svg?{QUERY}&step=2")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert "Conv2d" in title.text and "step 3/9" in title.text
    assert root.find(f".//{SVG}script") is None
    assert b"http" not in response.content.replace(b"http://www.w3.org/2000/svg", b"")


def test_png_has_the_svg_size(client: TestClient) -> None:
    svg = ET.fromstring(client.get(f"/api/render.svg?{QUERY}").content)
    response = client.get(f"/api/render.png?{QUERY}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    assert image.size == (int(svg.attrib["width"]), int(svg.attrib["height"]))


def test_gif_of_padding_strides_has_nine_frames(client: TestClient) -> None:
    response = client.get(f"/api/render.gif?{QUERY}&fps=5")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/gif"
    gif = Image.open(io.BytesIO(response.content))
    assert gif.n_frames == 9
    assert gif.info["duration"] == 200


@pytest.mark.parametrize(
    "path", ["render.svg?step=4&theme=dark&", "render.png?step=4&", "render.gif?"]
)
def test_same_query_same_bytes(client: TestClient, path: str) -> None:
    first = client.get(f"/api/{path}{QUERY}")
    second = client.get(f"/api/{path}{QUERY}")
    assert first.status_code == 200 and first.content == second.content
    assert "max-age" in first.headers["cache-control"]


def test_render_params_are_not_trace_fields(client: TestClient) -> None:
    # step, fps and theme may sit anywhere in the query, among the share link's fields
    assert client.get(f"/api/render.png?theme=dark&{QUERY}&step=8").status_code == 200
    assert client.get(f"/api/render.gif?fps=1&{QUERY}").status_code == 200


@pytest.mark.parametrize(
    ("path", "field", "words"),
    [
        (f"render.svg?{QUERY}&step=9", "step", "between 0 and 8"),
        (f"render.png?{QUERY}&step=-1", "step", "between 0 and 8"),
        (f"render.png?{QUERY}&step=two", "step", "whole number"),
        (f"render.gif?{QUERY}&fps=0", "fps", "at least 1"),
        (f"render.gif?{QUERY}&fps=999", "fps", "max_gif_fps"),
        (f"render.png?{QUERY}&theme=pink", "theme", "light"),
        ("render.png?input_size=5,5&stride=x", "stride", "whole number"),
        ("render.png?stride=2", "input_size", "required"),
        ("render.gif?input_size=64,64&padding=1", "input_size", "max_gif_frames"),
        ("render.png?input_size=512", "input_size", "max_render_side"),
        (f"render.png?{QUERY}&bogus=1", "bogus", "not a parameter"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient, path: str, field: str, words: str
) -> None:
    response = client.get(f"/api/{path}")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", field]
    assert words in error["msg"]
