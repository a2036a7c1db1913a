"""The convscope command: --help on each command, trace and render through the routes' own
functions (same bytes as the API), refusals that name the field with exit code 1, and
figures: every preset, each GIF one frame per step, each SVG's output numbers the trace's."""

import json
import re
import xml.etree.ElementTree as ET
from math import isclose, prod
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from app.cli import COMMANDS, main
from app.cli.render import presets
from app.layer.query import request_from_query
from app.layer.tracing import config_of, run_trace
from app.limits import LIMITS
from app.render import filename

QUERY = "input_size=5,5&kernel_size=3&stride=2&padding=1"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)])
def test_help_on_each_command(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: convscope")
    if command == ["render"]:
        assert "--format {svg,png,gif,html}" in out and "--view" in out and "--step" in out


def test_trace_prints_the_apis_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", QUERY]) == 0
    request, flat = request_from_query(parse_qsl(QUERY))
    assert json.loads(capsys.readouterr().out) == run_trace(request, flat)


@pytest.mark.parametrize("fmt", ["svg", "png", "gif", "html"])
def test_render_writes_what_the_api_sends(fmt: str, tmp_path: Path, client: TestClient) -> None:
    target = tmp_path / f"out.{fmt}"
    step = [] if fmt == "gif" else ["--step", "4"]
    assert main(["render", QUERY, "--view", "overlap", *step, "--format", fmt,
                 "-o", str(target)]) == 0  # fmt: skip
    url = f"/api/render.{fmt}?{QUERY}&view=overlap" + ("" if fmt == "gif" else "&step=4")
    assert target.read_bytes() == client.get(url).content


@pytest.mark.parametrize(
    ("query", "view", "name", "frames"),
    [
        ("input_size=4,6,6&stride=2&padding=1", None, "conv3d-4x6x6-k3-s2-p1.gif", 18),
        ("input_size=3,3&kernel_size=2&grad_output=ones", "gradients",
         "conv2d-3x3-k2-gradients.gif", 13),
        ("input_size=64,64&input=image:astronaut&fill=ones&padding=1", "picture",
         "conv2d-64x64-k3-p1-picture.gif", 1),
    ],
)  # fmt: skip
def test_render_draws_3d_gradients_and_pictures(
    query: str,
    view: str | None,
    name: str,
    frames: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    client: TestClient,
) -> None:
    """The same bytes as the page's Download menu: one GIF frame per step (a picture: one)."""
    monkeypatch.chdir(tmp_path)
    assert main(["render", query, *(["--view", view] if view else []), "--format", "gif"]) == 0
    assert Image.open(tmp_path / name).n_frames == frames
    url = f"/api/render.gif?{query}" + (f"&view={view}" if view else "")
    assert (tmp_path / name).read_bytes() == client.get(url).content


def test_render_names_the_file_like_the_download(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["render", f"http://localhost:8000/?{QUERY}", "--format", "gif"]) == 0
    assert (tmp_path / "conv2d-5x5-k3-s2-p1.gif").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["render", "input_size=5,5&stride=0"], "convscope: stride: stride must be at least 1"),
     (["render", QUERY, "--step", "10"], "convscope: step: step must be between 1 and 9"),
     (["trace", "input_size=5,5&strde=2"], 'convscope: strde: "strde" is not a'),
     (["render", QUERY, "--format", "html", "--lang", "xx"], "convscope: lang: lang must be")],
)  # fmt: skip
def test_refusals_name_the_field_and_exit_1(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 1
    assert capsys.readouterr().err.startswith(message)


def test_a_bad_command_line_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["render", QUERY, "--format", "bmp"])
    assert done.value.code == 2
    assert "invalid choice: 'bmp'" in capsys.readouterr().err


def _output_numbers(svg: bytes, rows: int, cols: int) -> list[list[str]]:
    """The numbers drawn in the output grid: the texts right of the last "→", above the
    step's arithmetic line, read row by row."""
    texts = [(float(e.attrib["x"]), float(e.attrib["y"]), e.text or "")
             for e in ET.fromstring(svg).iter(f"{SVG}text")]  # fmt: skip
    arrow = max(x for x, _, text in texts if text == "→")
    caption = next(y for x, y, text in texts if text == "output" and x > arrow)
    cells = sorted((y, x, text) for x, y, text in texts
                   if x > arrow and y > caption and re.fullmatch(r"−?[0-9.]+", text))  # fmt: skip
    assert len(cells) == rows * cols
    return [[text for _, _, text in sorted(cells[r * cols:(r + 1) * cols], key=lambda c: c[1])]
            for r in range(rows)]  # fmt: skip


def _frames(trace: dict[str, Any], view: str) -> int:
    """One frame per step: an output cell (canvas, matrix), an input cell (scatter), a
    spatial output cell (overlap), counted from the trace."""
    config = trace["config"]
    if view == "scatter":
        return config["in_channels"] * prod(config["input_size"])
    if view == "overlap":
        return prod(trace["output_size"])
    return len(trace["steps"])


def test_figures_writes_every_preset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["figures", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    items = list(presets())
    assert f"{len(items)}/{len(items)}" in err
    written = {p.name for p in tmp_path.iterdir()}
    checked = 0
    for item in items:
        request, flat = request_from_query(parse_qsl(item["query"]))
        trace = run_trace(request, flat)
        view = item.get("view", "canvas")
        padding = request.padding if isinstance(request.padding, str) else None
        gif_name = filename(config_of(request), "gif", view, None, padding)
        frames = _frames(trace, view)
        svg_name = gif_name.removesuffix(".gif") + f"-step{frames}.svg"
        assert svg_name in written, item["id"]
        if frames > LIMITS.max_gif_frames:  # refused by name, as the API refuses it
            assert f"skipped {item['id']} (gif): input_size is {frames}" in err
            continue
        assert Image.open(tmp_path / gif_name).n_frames == frames, item["id"]
        if view == "canvas" and len(trace["output"]) == 1 and len(trace["output_size"]) == 2:
            rows, cols = trace["output_size"]
            drawn = _output_numbers((tmp_path / svg_name).read_bytes(), rows, cols)
            for drawn_row, row in zip(drawn, trace["output"][0], strict=True):
                for text, value in zip(drawn_row, row, strict=True):  # 4 digits are drawn
                    assert isclose(float(text.replace("−", "-")), value, rel_tol=1e-3), item["id"]
            checked += 1
    assert checked >= 15  # the guide's figures at least
