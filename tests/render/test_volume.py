"""3-D layers as pictures (app/render/volume.py): at a step, the SVG lights the input cells and
the depth slices the kernel's window covers, checked against PyTorch's index rule computed
here (not against the trace); the numbers written are PyTorch's output; one GIF frame a step."""

import io
import xml.etree.ElementTree as ET
from itertools import product

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from app.arithmetic.config import ConvConfig
from app.arithmetic.errors import ConfigError
from app.arithmetic.trace import trace
from app.arithmetic.values import resolve_values
from app.render import make_view, render_svg
from app.render.scene import diagram_for
from tests.reference import torch_output
from tests.strategies import configs, pools

SVG = "{http://www.w3.org/2000/svg}"


def covered(config: ConvConfig, d: int, o: int) -> set[int]:
    """Input indices along dimension ``d`` that output index ``o`` reads (PyTorch's rule):
    direct and pools ``i = o·s − p + dil·k``; transposed, ``o = i·s − p + dil·k``."""
    n, k = config.input_size[d], config.kernel_size[d]
    s, dil, p = config.stride[d], config.dilation[d], config.padding[d][0]
    if config.transposed:
        return {i for i in range(n) for kk in range(k) if i * s - p + dil * kk == o}
    return {o * s - p + dil * kk for kk in range(k)} & set(range(n))


def canvas_depth(config: ConvConfig) -> tuple[int, int, int]:
    """SPEC's canvas along depth: (size, origin, step) of the padded input (direct, pools) or
    of the zero-inserted one (transposed)."""
    n, s, (before, after) = config.input_size[0], config.stride[0], config.padding[0]
    if not config.transposed:
        return n + before + after, before, 1
    k_eff = config.dilation[0] * (config.kernel_size[0] - 1) + 1
    op = config.output_padding[0]
    return (n - 1) * s + 1 + (k_eff - 1 - before) + (k_eff - 1 - after + op), k_eff - 1 - before, s


def slices(config: ConvConfig, o: int) -> set[int]:
    """Canvas depth slices under the window of output depth ``o``: it slides by the stride
    over the padded input, by 1 over the zero-inserted one; only the canvas's own slices."""
    size, _, _ = canvas_depth(config)
    step = 1 if config.transposed else config.stride[0]
    under = {o * step + config.dilation[0] * kk for kk in range(config.kernel_size[0])}
    return {z for z in under if 0 <= z < size}


def lit_slices(config: ConvConfig, cells: list[tuple[str, str]]) -> set[int]:
    """Canvas depth of every lit cell: padding and zeros are named by canvas index, input
    cells by input index (placed on the canvas by SPEC's ``origin + i·step``)."""
    size, origin, step = canvas_depth(config)
    found = set()
    for grid, index in cells:
        z = int(index.split(",")[-3])
        found.add(z if grid == "canvas" else origin + z * step)
    return {z for z in found if 0 <= z < size}


def lit(svg: bytes) -> list[tuple[str, str]]:
    return [
        (g.attrib["data-grid"], g.attrib["data-index"])
        for g in ET.fromstring(svg).iter(f"{SVG}g")
        if g.get("data-lit")
    ]


def _index(values: list[int], channel: int | None) -> str:
    return ",".join(map(str, values if channel is None else [channel, *values]))


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(configs(ndim=3) | pools(ndim=3), st.integers(0, 2**16), st.data())
def test_a_step_lights_the_cells_and_slices_its_window_covers(
    config: ConvConfig, seed: int, data: st.DataObject
) -> None:
    x, w, b = resolve_values(config, seed=seed, bias=None, max_abs=1e6)
    view = make_view(trace(config, x, w, b), "volume")
    try:
        diagram_for(view)
    except ConfigError as error:  # a canvas too large for max_render_side: named
        assert error.type == "picture_too_large"
        return
    step = data.draw(st.integers(0, view.count - 1))
    o, z, y, xx = np.unravel_index(step, config.output_shape)
    svg = render_svg(view, step)
    cells = lit(svg)
    # the input cells: every channel the output channel reads, PyTorch's indices
    cin_g = config.in_channels // config.groups
    if config.pooling:
        channels = [int(o)]
    else:
        per_group = config.out_channels // config.groups
        group = int(o) // per_group
        channels = list(range(group * cin_g, (group + 1) * cin_g))
    expected = {
        _index([iz, iy, ix], c if config.in_channels > 1 else None)
        for c in channels
        for iz, iy, ix in product(
            covered(config, 0, int(z)), covered(config, 1, int(y)), covered(config, 2, int(xx))
        )
    }
    assert {index for grid, index in cells if grid == "input"} == expected
    # the slices: every canvas slice the depth window covers is lit, no other
    assert lit_slices(config, cells) == slices(config, int(z))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(configs(ndim=3), st.integers(0, 2**16))
def test_the_output_written_so_far_is_pytorchs(config: ConvConfig, seed: int) -> None:
    x, w, b = resolve_values(config, seed=seed, bias=None, max_abs=1e6)
    view = make_view(trace(config, x, w, b), "volume")
    try:
        diagram_for(view)
    except ConfigError:
        return
    expected = torch_output(config, x, w, b)
    per_channel = int(np.prod(config.output_size))
    step = per_channel - 1  # the whole first output channel is written
    shown = {
        g.attrib["data-index"]: [t.text for t in g.iter(f"{SVG}text") if t.text]
        for g in ET.fromstring(render_svg(view, step)).iter(f"{SVG}g")
        if g.get("data-grid") == "output"
    }
    for z, y, xx in np.ndindex(*config.output_size):
        index = _index([z, y, xx], 0 if config.out_channels > 1 else None)
        texts = shown[index]
        if texts:  # too small a cell draws no number
            assert float(texts[0].replace("−", "-")) == pytest.approx(
                expected[0, z, y, xx], rel=1e-3, abs=1e-9
            )


def test_transposed_3d_lights_every_input_a_window_reads(client: TestClient) -> None:
    """ConvTranspose3d, 2×2×2 → 3×3×3 (kernel 2, stride 1): output (1, 1, 1) reads all 8
    input cells, from canvas slices 1 and 2 of the zero-padded 4-deep canvas."""
    svg = client.get("/api/render.svg?input_size=2,2,2&kernel_size=2&transposed=1&step=14")
    assert svg.status_code == 200, svg.text
    cells = lit(svg.content)
    inputs = {index for grid, index in cells if grid == "input"}
    assert inputs == {f"{z},{y},{x}" for z, y, x in product(range(2), repeat=3)}
    title = ET.fromstring(svg.content).find(f"{SVG}title")
    assert title is not None and title.text is not None and "output (1, 1, 1)" in title.text


@pytest.mark.parametrize(
    ("query", "frames", "name"),
    [
        ("input_size=3,4,4&kernel_size=2&stride=2", 4, "conv3d-3x4x4-k2-s2.gif"),
        (
            "input_size=2,2,2&kernel_size=2&stride=2&transposed=1",
            64,
            "conv-transpose3d-2x2x2-k2-s2.gif",
        ),
        ("input_size=4,4,4&kernel_size=2&stride=2&op=max_pool", 8, "max-pool3d-4x4x4-k2-s2.gif"),
        (
            "input_size=4,4,4&kernel_size=3&padding=1&op=avg_pool&in_channels=2&view=volume",
            128,
            "avg-pool3d-2x4x4x4-k3-p1.gif",
        ),
    ],
)
def test_3d_gif_has_one_frame_per_step(
    client: TestClient, query: str, frames: int, name: str
) -> None:
    response = client.get(f"/api/render.gif?{query}")
    assert response.status_code == 200, response.text
    assert Image.open(io.BytesIO(response.content)).n_frames == frames
    assert response.headers["content-disposition"] == f'inline; filename="{name}"'


def test_3d_png_decodes_at_the_svg_size(client: TestClient) -> None:
    query = "input_size=4,5,5&kernel_size=3&stride=2&padding=1&in_channels=2&step=7"
    svg = ET.fromstring(client.get(f"/api/render.svg?{query}").content)
    png = client.get(f"/api/render.png?{query}")
    image = Image.open(io.BytesIO(png.content))
    assert image.format == "PNG"
    assert image.size == (int(svg.attrib["width"]), int(svg.attrib["height"]))


@pytest.mark.parametrize(
    ("query", "field", "type"),
    [
        ("render.png?input_size=3,4,4&view=scatter", "view", "view_not_for_dimensions"),
        ("render.png?input_size=3,4,4&view=gradients", "view", "view_not_for_dimensions"),
        ("render.png?input_size=3,4,4&view=matrix", "view", "view_not_for_dimensions"),
        ("render.png?input_size=8&view=picture", "view", "view_not_for_dimensions"),
        ("render.png?input_size=4,4&view=volume", "view", "view_not_for_dimensions"),
        ("render.gif?input_size=16,16,16&padding=1", "input_size", "above_limit"),
        (
            "render.png?input_size=16,16,16&padding=16&kernel_size=15&stride=16",
            "input_size",
            "picture_too_large",
        ),
        ("render.png?input_size=3,4,4&step=9", "step", "step_out_of_range"),
    ],
)
def test_refusals_name_the_field(client: TestClient, query: str, field: str, type: str) -> None:
    response = client.get(f"/api/{query}")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["loc"], error["type"]) == (["query", field], type)
