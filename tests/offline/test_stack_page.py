"""The offline stack page: /api/stack's answer inline, the receptive field of every cell of
every layer readable from the per-dimension lists it embeds (equal to the API's probe),
nothing loaded from anywhere, a small file; GET /api/stack.html and ``convscope stack``."""

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.arithmetic.stack import growing_field
from app.cli import main
from app.offline import stack_page as module
from app.offline.stack_page import growth, stack_page, stack_page_from_query
from app.stack.build import StackRefusal, probe, resolve, run_stack
from app.stack.link import stack_request
from app.stack.schemas import StackProbe
from tests.offline.test_page import _Resources

ROOT = Path(__file__).resolve().parents[2]
RESNET = ("input_size=64,64&in_channels=3&layer=conv,c8,k7,s2,p3&layer=maxpool,k3,s2,p1"
          "&layer=conv,c8,k3,p1&layer=conv,c8,k3,p1&layer=conv,c16,k3,s2,p1"
          "&layer=conv,c16,k3,p1&layer=conv,c16,k3,p1&layer=conv,c16,k3,p1")  # fmt: skip
# Measured: 119 kB for this 8-layer stack (modules 58 kB, styles 32 kB, its words 15 kB,
# the answer and every cell's field 13 kB); a slide deck or an LMS takes it
MAX_BYTES = 150_000


def _state(html: str) -> dict[str, Any]:
    parsed = _Resources()
    parsed.feed(html)
    assert all(url.startswith("data:") for url in parsed.urls), parsed.urls
    state: dict[str, Any] = json.loads(parsed.initial)
    return state


def _step(step: list[Any]) -> dict[str, Any]:
    """A step as static/js/stack/offline.js reads it (axisStep)."""
    if len(step) == 1:
        return {"index": step[0], "bounds": None, "cells": None}
    cells = None
    if len(step) == 4:
        cells = list(range(step[1], step[2] + 1)) if step[3] == 1 else step[3]
    return {"index": step[0], "bounds": [step[1], step[2]], "cells": cells}


def _combine(layer: int, axes: list[dict[str, Any]]) -> dict[str, Any]:
    index = [a["index"] for a in axes]
    if any(a["bounds"] is None for a in axes):
        return {"layer": layer, "index": index, "bounds": None, "cells": None}
    cells = [a["cells"] for a in axes] if all(a["cells"] is not None for a in axes) else None
    return {"layer": layer, "index": index, "bounds": [a["bounds"] for a in axes], "cells": cells}


def read(tables: Any, layer: int, index: list[int]) -> list[dict[str, Any]]:
    """The probe list of one cell from the file's tables, as offline.js pairs them."""
    rows = [tables[layer][d][position] for d, position in enumerate(index)]
    if any(row[0] == 1 for row in rows):
        return [_combine(layer, [_step(row[-1]) for row in rows])]
    return [_combine(m, [_step(row[m + 1]) for row in rows]) for m in range(layer + 1)]


def _api(request: Any, layer: int, index: list[int]) -> list[dict[str, Any]]:
    asked = request.model_copy(update={"probe": StackProbe(layer=layer, index=index)})
    found: list[dict[str, Any]] = run_stack(asked)["probe"]
    return found


@st.composite
def queries(draw: st.DrawFn) -> str:
    """A /stack link of 1 to 4 layers of every kind, 1-D or 2-D."""
    ndim = draw(st.sampled_from([1, 2]))
    size = draw(st.integers(4, 16))
    parts = [f"input_size={','.join([str(size)] * ndim)}"]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["conv", "conv", "convt", "maxpool", "avgpool"]))
        tokens = [kind, "c1"] if kind in ("conv", "convt") else [kind]
        kernel = draw(st.integers(1, 4))
        tokens += [f"k{kernel}", f"s{draw(st.integers(1, 3))}"]
        paddings = ["0", "1", "same", "valid"] if kind == "conv" else ["0", str(kernel // 2)]
        tokens.append(f"p{draw(st.sampled_from(paddings))}")
        if kind != "avgpool":
            tokens.append(f"d{draw(st.integers(1, 3))}")
        parts.append("layer=" + ",".join(tokens))
    return "&".join(parts)


@settings(max_examples=40)
@given(queries())
def test_every_cells_field_read_from_the_file_equals_the_apis(query: str) -> None:
    request = stack_request(query)
    try:
        stack = resolve(request)
    except StackRefusal:
        assume(False)
    tables = growth(request)
    for layer, resolved in enumerate(stack):
        sizes = resolved.config.output_size
        cells = [[i] for i in range(sizes[0])] if len(sizes) == 1 else [
            [y, x] for y in range(sizes[0]) for x in range(sizes[1])]  # fmt: skip
        for index in cells:
            expected = [
                {"layer": p.layer, "index": list(p.index),
                 "bounds": None if p.bounds is None else [list(b) for b in p.bounds],
                 "cells": None if p.cells is None else [list(c) for c in p.cells]}
                for p in growing_field(stack, layer, index)
            ]  # fmt: skip
            assert read(tables, layer, index) == expected, (layer, index)


def test_the_page_holds_the_stacks_answer_and_is_small() -> None:
    page = stack_page_from_query(RESNET)
    state = _state(page.html)
    request = stack_request(RESNET)
    expected = run_stack(request)
    assert state["result"] == {**{k: v for k, v in expected.items() if k != "code"},
                               "probe": None}  # fmt: skip
    assert state["offline"] is True and state["growth"] is not None
    assert state["stack"]["probe"] == {"layer": 7, "index": [4, 4]}  # the last 8×8 centre
    assert read(state["growth"], 7, [4, 4]) == _api(request, 7, [4, 4])
    assert read(state["growth"], 2, [0, 15]) == _api(request, 2, [0, 15])
    assert state["catalogue"]["stack_page.total"] == "Total"
    assert not [key for key in state["catalogue"] if key.startswith(("tour.", "view."))]
    assert len(page.html.encode()) < MAX_BYTES
    assert page.filename == "stack-3x64x64-8-layers.html"
    assert "/stack?input_size=64,64&amp;in_channels=3&amp;layer=conv,c8,k7,s2,p3" in page.html


def test_the_answer_speaks_the_pages_language() -> None:
    """A Hindi file's own answer (a layer too big for the one-layer page) is in Hindi, as the
    catalogue says it, outside any request too (the command line, a notebook)."""
    state = _state(stack_page_from_query(RESNET, lang="hi").html)
    hindi = json.loads((ROOT / "static/i18n/hi/learner.json").read_text(encoding="utf-8"))
    english = json.loads((ROOT / "static/i18n/en/learner.json").read_text(encoding="utf-8"))
    refusals = [row["trace_refusal"] for row in state["result"]["layers"] if row["trace_refusal"]]
    assert refusals, "the 64×64 stem's first layer is too big for the one-layer page"
    start = hindi["stack.too_big"].split("{")[0]
    assert all(r.startswith(start) for r in refusals), refusals
    assert not any(english["stack.too_big"].split("{")[0] in r for r in refusals)


def test_a_deep_stack_on_a_large_input_embeds_each_layers_centre(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(module, "GROWTH_STEPS", 10)
    request = stack_request(RESNET)
    state = _state(stack_page(request).html)
    assert state["growth"] is None
    stack = resolve(request)
    for layer, resolved in enumerate(stack):
        centre = [size // 2 for size in resolved.config.output_size]
        asked = request.model_copy(update={"probe": StackProbe(layer=layer, index=centre)})
        key = f"{layer}:{','.join(map(str, centre))}"
        assert state["probes"][key] == probe(asked, stack) == _api(request, layer, centre)


def test_the_route_names_the_file_and_refuses_by_field(client: TestClient) -> None:
    response = client.get(f"/api/stack.html?{RESNET}&probe=3:2,2&lang=vi")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="stack-3x64x64-8-layers.html"'
    state = _state(response.text)
    assert state["lang"] == "vi" and state["stack"]["probe"] == {"layer": 2, "index": [2, 2]}
    assert state["catalogue"]["stack_page.total"] != "Total"  # Vietnamese words
    for bad, loc, kind in (
        ("input_size=8&layer=conv,k3,s0", ["body", "layers", 0, "stride"], "too_small"),
        ("input_size=8&layer=conv,k3&probe=5:1", ["body", "probe", "layer"], "stack_probe_layer"),
        ("input_size=8&layer=conv,k3&probe=x", ["query", "probe"], "not_a_number"),
        ("input_size=8&layer=conv,k3&lang=xx", ["query", "lang"], "not_a_choice"),
        ("input_size=8&layer=conv,k3&view=1", ["query", "view"], "not_a_parameter"),
    ):
        response = client.get(f"/api/stack.html?{bad}")
        assert response.status_code == 422, bad
        detail = response.json()["detail"][0]
        assert (detail["loc"], detail["type"]) == (loc, kind), bad


CODE = """import torch.nn as nn
model = nn.Sequential(
    nn.Conv2d(3, 16, 3, stride=2, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1, dilation=2),
    nn.AdaptiveAvgPool2d(1),
    nn.Flatten(),
    nn.Linear(32, 10),
)
"""


def test_the_command_line_writes_the_page_of_a_query_or_of_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "model.py"
    source.write_text(CODE, encoding="utf-8")
    target = tmp_path / "page.html"
    assert main(["stack", str(source), "--input-size", "32,32", "-o", str(target)]) == 0
    state = _state(target.read_text(encoding="utf-8"))
    assert [layer["output_size"] for layer in state["result"]["layers"]] == [
        [16, 16], [8, 8], [6, 6]]  # fmt: skip
    assert [item["name"] for item in state["left_out"]["head"]] == [
        "AdaptiveAvgPool2d", "Flatten", "Linear"]  # fmt: skip
    assert main(["stack", RESNET, "-o", str(tmp_path / "q.html")]) == 0
    assert _state((tmp_path / "q.html").read_text(encoding="utf-8"))["stack"]["in_channels"] == 3
    capsys.readouterr()
    assert main(["stack", "input_size=8&layer=conv,k3,s0", "-o", str(tmp_path / "x.html")]) == 1
    assert "layers.0.stride: layer 1: stride must be at least 1" in capsys.readouterr().err
    assert main(["stack", str(source), "--input-size", "3,a"]) == 1
    assert main(["stack", RESNET, "-o", str(tmp_path / "missing" / "x.html")]) == 3


def test_centres_of_a_very_deep_stack_keep_their_last_step_without_cells(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(module, "GROWTH_STEPS", 10)
    monkeypatch.setattr(module, "CENTRE_STEPS", 3)
    query = "input_size=100,100&layer=conv,c1,k3,s2&layer=conv,c1,k3&layer=conv,c1,k3"
    request = stack_request(query)
    probes = _state(stack_page(request).html)["probes"]
    assert sorted(probes) == ["0:24,24", "1:23,23", "2:22,22"]
    for key, steps in probes.items():
        layer, index = key.split(":")
        api = _api(request, int(layer), [int(i) for i in index.split(",")])[-1]
        assert steps == [{**api, "cells": None}]  # the field, drawn as bounds above 64
