"""Golden traces of the presets: a change that moves one cell shows up in review.

Every preset of ``static/presets/layer.json`` has ``tests/golden/<id>.json``, what its trace
draws: sizes, padding, canvas, the factorised taps, overlap, values and the twin, one key a
line. The values themselves are checked against PyTorch and Keras elsewhere
(tests/arithmetic); these files make any change to what a preset shows visible as a diff.
After an intended change, regenerate them and read the diff:
``UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py``.
"""

import json
import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.web.paths import STATIC_DIR

GOLDEN = Path(__file__).parent / "golden"
PRESETS = json.loads((STATIC_DIR / "presets" / "layer.json").read_text("utf-8"))
ITEMS = [item for group in PRESETS["groups"] for item in group["items"]]
KEYS = (
    "config", "output_size", "padding", "canvas", "kernel_flipped", "axes", "channel_taps",
    "overlap", "unused_input", "twin", "input", "weight", "bias", "output",
)  # fmt: skip


def golden_text(trace: dict[str, Any]) -> str:
    """One key a line, so a moved cell changes one line of the diff."""
    lines = [f"  {json.dumps(key)}: {json.dumps(trace[key])}" for key in KEYS if key in trace]
    return "{\n" + ",\n".join(lines) + "\n}\n"


@pytest.mark.parametrize("item", ITEMS, ids=[item["id"] for item in ITEMS])
def test_preset_trace_matches_its_golden_file(client: TestClient, item: dict[str, Any]) -> None:
    response = client.get(f"/api/trace?{item['query']}&steps=0")
    assert response.status_code == 200, response.text
    text = golden_text(response.json())
    path = GOLDEN / f"{item['id']}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden trace for {item['id']}: run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{item['id']} moved: see the diff"


def test_every_golden_file_belongs_to_a_preset() -> None:
    ids = {item["id"] for item in ITEMS}
    assert {path.stem for path in GOLDEN.glob("*.json")} <= ids
