"""The one-layer page's presets (static/presets/layer.json, read by the page too)."""

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.web.paths import STATIC_DIR

PRESETS: dict[str, Any] = json.loads((STATIC_DIR / "presets" / "layer.json").read_text("utf-8"))
ITEMS = [item for group in PRESETS["groups"] for item in group["items"]]
VIEWS = {"canvas", "scatter", "matrix", "overlap"}


def test_presets_are_well_formed() -> None:
    ids = [item["id"] for item in ITEMS]
    assert len(ids) == len(set(ids))
    for item in ITEMS:
        assert item.get("view", "canvas") in VIEWS
        assert item.get("next") is None or item["next"] in ids
    # names read as their question or source, not as the seed field ("Seed: …", "(seed 002)")
    assert not [item["name"] for item in ITEMS if "seed" in item["name"].lower()]
    stack = json.loads((STATIC_DIR / "presets" / "stack.json").read_text("utf-8"))
    assert not [p["lesson"] for p in stack if "seed" in p.get("lesson", "").lower()]


def test_no_two_presets_show_the_same(client: TestClient) -> None:
    shown = [
        (client.get(f"/api/trace?{item['query']}&steps=0").json()["query"], item.get("view"))
        for item in ITEMS
    ]
    assert len(shown) == len(set(shown))


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_every_preset_traces(client: TestClient, item: dict[str, Any]) -> None:
    response = client.get(f"/api/trace?{item['query']}&steps=0")
    assert response.status_code == 200, response.text


def test_presets_show_what_they_are_named_for(client: TestClient) -> None:
    """SPEC.md's worked examples, as the presets configure them."""
    by_id = {item["id"]: item["query"] for item in ITEMS}

    def trace(preset: str) -> dict[str, Any]:
        body: dict[str, Any] = client.get(f"/api/trace?{by_id[preset]}").json()
        return body

    assert trace("seed-dilated-9")["output_size"] == [1, 1]
    assert trace("seed-strided-9")["output_size"] == [4, 4]
    assert trace("seed-transposed-9")["output_size"] == [11, 11]
    assert trace("padding-strides-odd-t")["output_size"] == [6, 6]  # transposed back to 6
    assert trace("seed-tf-same")["output"] == [
        [[1, 1, 3, 2], [1, 1, 3, 2], [4, 4, 10, 6], [3, 3, 7, 4]]
    ]
    assert trace("seed-bilinear")["output_size"] == [8, 8]
    assert {0.5625, 0.1875, 0.0625} <= {
        w for row in trace("seed-bilinear")["weight"][0][0] for w in row
    }
    # nearest-neighbour upsampling: each input value copied into a 2×2 block
    nearest = trace("nearest-upsample")
    x, y = nearest["input"][0], nearest["output"][0]
    assert all(y[i][j] == x[i // 2][j // 2] for i in range(6) for j in range(6))
    # "… then a 3×3 convolution on the 6×6 result": that very result is its input
    assert trace("nearest-then-conv")["input"] == nearest["output"]
    # WaveNet: causal, kernel 2, dilations 1, 2, 4, 8, each keeping the length
    for d in (1, 2, 4, 8):
        layer = trace(f"wavenet-d{d}")
        assert layer["output_size"] == [16]
        assert layer["padding"] == [[d, 0]]


def test_the_catalogue_names_every_preset_as_the_preset_file_does() -> None:
    """The page shows a preset's name from the catalogue (static/i18n/<lang>/presets.json,
    translated); its English must be the preset file's own name, and no name is left over."""
    english = json.loads((STATIC_DIR / "i18n" / "en" / "presets.json").read_text("utf-8"))
    for item in ITEMS:
        assert english.get(f"preset.{item['id']}") == item["name"], item["id"]
    ids = {item["id"] for item in ITEMS}
    names = [key for key in english if key.startswith("preset.") and "group" not in key]
    assert not [key for key in names if key.removeprefix("preset.").split(".")[0] not in ids]
