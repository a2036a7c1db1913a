"""Shipped pictures (SPEC.md, "Pictures"): licences present, ``input=image:<name>`` resized
as Pillow's box filter does, and a Sobel kernel on a picture equals F.conv2d."""

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from fastapi.testclient import TestClient
from PIL import Image

from app.web.paths import STATIC_DIR

IMAGES = STATIC_DIR / "images"
SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
NAMES = ["astronaut", "coffee", "chelsea"]


def test_every_shipped_picture_has_a_licence_and_a_source(client: TestClient) -> None:
    listed = client.get("/api/images").json()
    assert [image["name"] for image in listed] == NAMES
    licences = (IMAGES / "LICENSES.md").read_text("utf-8")
    files = {p.name for p in IMAGES.glob("*.png")}
    assert files == {f"{image['name']}.png" for image in listed}
    for image in listed:
        assert image["license"] in ("public domain", "CC0")
        assert image["source"] and image["name"] in licences
        with Image.open(IMAGES / f"{image['name']}.png") as picture:
            assert picture.size == (image["width"], image["height"])
            assert max(picture.size) <= 256


@pytest.mark.parametrize("name", NAMES)
def test_a_sobel_on_a_picture_equals_conv2d(client: TestClient, name: str) -> None:
    weight = ";".join(",".join(map(str, row)) for row in SOBEL_X)
    body = client.get(
        f"/api/trace?input_size=96,128&input=image:{name}&weight={weight}&padding=1&steps=0"
    ).json()
    x = torch.tensor(body["input"], dtype=torch.float64)
    expected = F.conv2d(x[None], torch.tensor(SOBEL_X, dtype=torch.float64)[None, None], padding=1)
    np.testing.assert_array_equal(body["output"], expected[0].numpy())
    assert body["query"].startswith(f"input_size=96,128&padding=1&input=image:{name}")


def area_mean(pixels: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The box filter by brute force: each pixel repeated ``new`` times along an axis, then
    means of ``old`` consecutive copies (exact area averaging, one axis at a time)."""
    for axis, new in enumerate(size):
        old = pixels.shape[axis]
        spread = np.repeat(pixels, new, axis=axis)
        shape = (*spread.shape[:axis], new, old, *spread.shape[axis + 1 :])
        pixels = spread.reshape(shape).mean(axis=axis + 1)
    return pixels


@pytest.mark.parametrize(
    ("name", "size", "channels"),
    [("astronaut", (64, 64), 3), ("coffee", (57, 64), 1), ("coffee", (40, 100), 3),
     ("chelsea", (33, 47), 1), ("chelsea", (85, 128), 3)],
)  # fmt: skip
def test_the_input_is_the_box_filtered_picture(
    client: TestClient, name: str, size: tuple[int, int], channels: int
) -> None:
    h, w = size
    query = f"input_size={h},{w}&in_channels={channels}&input=image:{name}&kernel_size=1&steps=0"
    found = np.array(client.get(f"/api/trace?{query}").json()["input"])
    with Image.open(IMAGES / f"{name}.png") as picture:
        rgb = np.asarray(picture.convert("RGB"), dtype=float)
        if rgb.shape[0] % h == 0 and rgb.shape[1] % w == 0:  # Pillow agrees on whole ratios
            pillow = np.asarray(picture.convert("RGB").resize((w, h), Image.BOX), dtype=float)
            assert np.max(np.abs(area_mean(rgb, size) - pillow)) <= 1
    expected = area_mean(rgb, size)
    if channels == 1:
        expected = expected @ [0.299, 0.587, 0.114]
        expected = expected[..., None]
    assert found.shape == (channels, h, w)
    assert np.all((found >= 0) & (found <= 255) & (found == np.round(found)))
    np.testing.assert_array_equal(found, np.rint(expected).transpose(2, 0, 1))


def test_a_picture_side_above_the_picture_limit_is_refused(client: TestClient) -> None:
    response = client.get("/api/trace?input_size=300,300&input=image:coffee&steps=0")
    assert response.status_code == 422
    assert response.json()["detail"][0]["ctx"]["limit_name"] == "max_spatial_size_2d"


def test_the_picture_limit_needs_steps_off(client: TestClient) -> None:
    query = "input_size=256,256&input=image:astronaut&padding=1"
    assert client.get(f"/api/trace?{query}").status_code == 422  # with steps: 64
    body = client.get(f"/api/trace?{query}&steps=0").json()
    assert body["output_size"] == [256, 256]
    assert client.get("/api/trace?input_size=100,100&steps=0").status_code == 422  # numbers: 64


@pytest.mark.parametrize(
    ("query", "type"),
    [
        ("input_size=8,8&input=image:moon", "image_unknown"),
        ("input_size=8&input=image:coffee", "image_needs_2d"),
        ("input_size=8,8&in_channels=2&input=image:coffee", "image_channels"),
    ],
)
def test_picture_refusals_name_the_input(client: TestClient, query: str, type: str) -> None:
    response = client.get(f"/api/trace?{query}")
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"][-1] == "input" and error["type"] == type
    assert json.dumps(error["msg"]).count("{") == 0
