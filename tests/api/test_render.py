"""GET /api/render.{svg,png,gif}: every view, named files, sizes, determinism, 422s that name
the field."""

import io
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from PIL import Image

QUERY = "input_size=5,5&kernel_size=3&stride=2&padding=1"
SEED = "input_size=2,2&kernel_size=3&stride=2&padding=same&transposed=1&input=1,2;3,4&fill=ones"
SVG = "{http://www.w3.org/2000/svg}"


def test_svg_is_standalone_xml_with_a_title(client: TestClient) -> None:
    response = client.get(f"/api/render.svg?{QUERY}&step=3")  # "Step 3 of 9" on the page
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert "Conv2d: 5×5 → 3×3" in title.text and "step 3/9" in title.text
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


@pytest.mark.parametrize(
    ("query", "name"),
    [
        (f"{QUERY}&step=4", "conv2d-5x5-k3-s2-p1-step4.png"),
        (f"{SEED}&view=scatter&step=3", "conv-transpose2d-2x2-k3-s2-psame-scatter-step3.png"),
        (f"{QUERY}&view=matrix&step=9", "conv2d-5x5-k3-s2-p1-matrix-step9.png"),
        (
            "input_size=3,3&stride=2&transposed=1&view=overlap&step=48",
            "conv-transpose2d-3x3-k3-s2-overlap-step48.png",
        ),
        (
            "input_size=4,4&in_channels=2&out_channels=4&groups=2",
            "conv2d-2x4x4-k3-c2to4-g2-step1.png",
        ),
        (
            "input_size=4,4&kernel_size=2&stride=2&op=max_pool&in_channels=3&step=3",
            "max-pool2d-3x4x4-k2-s2-step3.png",
        ),
        (
            "input_size=5,5&padding=1&stride=2&op=avg_pool&view=overlap",
            "avg-pool2d-5x5-k3-s2-p1-overlap-step1.png",
        ),
    ],
)
def test_every_view_is_a_picture_named_after_its_configuration(
    client: TestClient, query: str, name: str
) -> None:
    response = client.get(f"/api/render.png?{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == f'inline; filename="{name}"'
    assert Image.open(io.BytesIO(response.content)).format == "PNG"


def test_gif_steps_through_the_view_and_is_named_without_a_step(client: TestClient) -> None:
    response = client.get(f"/api/render.gif?{QUERY}&fps=5")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/gif"
    assert response.headers["content-disposition"] == 'inline; filename="conv2d-5x5-k3-s2-p1.gif"'
    gif = Image.open(io.BytesIO(response.content))
    assert gif.n_frames == 9
    assert gif.info["duration"] == 200
    scatter = client.get(f"/api/render.gif?{SEED}&view=scatter")
    assert Image.open(io.BytesIO(scatter.content)).n_frames == 4  # one frame per input cell


def test_svg_uses_typography_and_the_page_patterns(client: TestClient) -> None:
    text = client.get(f"/api/render.svg?{SEED}&step=1").content.decode()
    assert "rotated 180°" in text and "2×2 → 4×4" in text and "→" in text
    assert "<pattern" in text and 'stroke-dasharray="4 3"' in text
    assert "->" not in text and "2x2" not in text


@pytest.mark.parametrize(
    "path", ["render.svg?step=4&theme=dark&", "render.png?step=4&view=matrix&", "render.gif?"]
)
def test_same_query_same_bytes(client: TestClient, path: str) -> None:
    first = client.get(f"/api/{path}{QUERY}")
    second = client.get(f"/api/{path}{QUERY}")
    assert first.status_code == 200 and first.content == second.content
    assert "max-age" in first.headers["cache-control"]


def test_render_params_are_not_trace_fields(client: TestClient) -> None:
    # step, fps, theme and view may sit anywhere in the query, among the share link's fields
    assert client.get(f"/api/render.png?theme=dark&view=overlap&{QUERY}&step=8").status_code == 200
    assert client.get(f"/api/render.gif?fps=1&{QUERY}").status_code == 200


@pytest.mark.parametrize(
    ("path", "field", "type", "words"),
    [
        (f"render.svg?{QUERY}&step=10", "step", "step_out_of_range", "between 1 and 9"),
        (f"render.png?{QUERY}&step=0", "step", "step_out_of_range", "between 1 and 9"),
        (f"render.png?{QUERY}&step=-1", "step", "step_out_of_range", "between 1 and 9"),
        (f"render.png?{SEED}&view=scatter&step=5", "step", "step_out_of_range", "between 1 and 4"),
        (f"render.png?{QUERY}&step=two", "step", "not_a_whole_number", "whole number"),
        (f"render.png?{QUERY}&view=grid", "view", "not_a_choice", "overlap"),
        (f"render.gif?{QUERY}&fps=0", "fps", "too_small", "at least 1"),
        (f"render.gif?{QUERY}&fps=999", "fps", "above_limit", "max_gif_fps"),
        (f"render.png?{QUERY}&theme=pink", "theme", "not_a_choice", "light"),
        (f"render.png?{QUERY}&op=max_pool&view=scatter", "view", "view_needs_weights", "canvas"),
        ("render.png?input_size=5,5&stride=x", "stride", "not_a_whole_number", "whole number"),
        ("render.png?stride=2", "input_size", "required", "required"),
        ("render.gif?input_size=64,64&padding=1", "input_size", "above_limit", "max_gif_frames"),
        (
            "render.png?input_size=64,64&in_channels=4&padding=1",
            "input_size",
            "picture_too_large",
            "max_render_side",
        ),
        (f"render.png?{QUERY}&bogus=1", "bogus", "not_a_parameter", "not a parameter"),
        (
            "render.png?input_size=20,20&view=matrix",
            "input_size",
            "too_many_matrix_entries",
            "matrix",
        ),
    ],
)
def test_bad_picture_parameters_are_a_422_naming_the_field(
    client: TestClient, path: str, field: str, type: str, words: str
) -> None:
    response = client.get(f"/api/{path}")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", field]
    assert error["type"] == type
    assert words in error["msg"]


def test_a_gif_over_the_frame_limit_has_a_step_range_that_fits(client: TestClient) -> None:
    big = "input_size=64,64&kernel_size=3&padding=1"  # 4096 steps, above max_gif_frames
    refused = client.get(f"/api/render.gif?{big}")
    assert refused.status_code == 422
    error = refused.json()["detail"][0]
    assert error["type"] == "above_limit" and error["ctx"]["limit_name"] == "max_gif_frames"
    some = client.get(f"/api/render.gif?{QUERY}&first=3&last=5")
    assert some.status_code == 200
    assert Image.open(io.BytesIO(some.content)).n_frames == 3
    assert some.headers["content-disposition"].endswith('-steps3-5.gif"')
    for bad in ("first=0", "first=4&last=3", "last=10"):
        response = client.get(f"/api/render.gif?{QUERY}&{bad}")
        assert response.status_code == 422
        assert response.json()["detail"][0]["type"] == "value_out_of_range"
    assert client.get(f"/api/render.png?{QUERY}&first=2").status_code == 422
