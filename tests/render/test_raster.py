"""PNG and GIF: the classic palette where SPEC.md says cells are, GIF frames equal to the PNGs,
deterministic bytes, limits refused before drawing."""

import io
from typing import Any

import pytest
from PIL import Image

from app.arithmetic.errors import ConfigError
from app.limits import Limits
from app.render import render_gif, render_png
from app.render.raster import gif_diagram, palette
from app.render.scene import LIGHT, Diagram, blend
from app.schemas import TraceRequest
from app.tracing import run_trace

PADDING_STRIDES = run_trace(TraceRequest(input_size=[5, 5], kernel_size=3, stride=2, padding=1))


def png(trace: dict[str, Any], step: int, theme: str = "light") -> Image.Image:
    return Image.open(io.BytesIO(render_png(trace, step, theme))).convert("RGB")


def hexcolor(rgb: Any) -> str:
    return "#" + "".join(f"{v:02x}" for v in rgb[:3])


def tile(d: Diagram, left: int, top: int, row: int, col: int) -> tuple[int, int]:
    """A pixel inside tile (row, col), clear of its border and its text."""
    return left + col * d.cell + 4, top + row * d.cell + 4


def test_first_frame_reads_like_the_classic_padding_strides_diagram() -> None:
    d = Diagram(PADDING_STRIDES)
    image = png(PADDING_STRIDES, 0)
    assert image.size == (d.width, d.height)
    left, top = d.canvas_left[0], d.canvas_top[0]
    shade = LIGHT.shade, LIGHT.shade_alpha
    # SPEC: the 7x7 canvas is the input at origin 1 with padding 1; step 0's window covers
    # canvas rows and columns 0..2: padding at (0, 0), input (0, 0) at canvas (1, 1)
    expected = {
        (0, 0): blend(LIGHT.pad, *shade),
        (1, 1): blend(LIGHT.input, *shade),
        (2, 2): blend(LIGHT.input, *shade),
        (3, 3): LIGHT.input,
        (5, 5): LIGHT.input,
        (6, 6): LIGHT.pad,
        (0, 3): LIGHT.pad,
    }
    for (row, col), color in expected.items():
        assert hexcolor(image.getpixel(tile(d, left, top, row, col))) == color, (row, col)
    # the output: 3x3, cell (0, 0) being written, the rest still empty
    assert hexcolor(image.getpixel(tile(d, d.output_left, d.output_top, 0, 0))) == blend(
        LIGHT.output, *shade
    )
    for row, col in [(0, 1), (2, 2)]:
        point = tile(d, d.output_left, d.output_top, row, col)
        assert hexcolor(image.getpixel(point)) == LIGHT.empty


def test_written_output_cells_turn_green() -> None:
    d = Diagram(PADDING_STRIDES)
    image = png(PADDING_STRIDES, 4)
    colors = [
        hexcolor(image.getpixel(tile(d, d.output_left, d.output_top, i // 3, i % 3)))
        for i in range(9)
    ]
    assert colors[:4] == [LIGHT.output] * 4
    assert colors[4] == blend(LIGHT.output, LIGHT.shade, LIGHT.shade_alpha)
    assert colors[5:] == [LIGHT.empty] * 4


def test_gif_has_one_frame_per_step_and_loops_forever() -> None:
    gif = Image.open(io.BytesIO(render_gif(PADDING_STRIDES, fps=4)))
    assert gif.n_frames == 9  # the issue: 5x5, kernel 3, stride 2, padding 1
    assert gif.info["loop"] == 0
    assert gif.info["duration"] == 250


def test_each_gif_frame_is_the_png_of_its_step() -> None:
    gif = Image.open(io.BytesIO(render_gif(PADDING_STRIDES)))
    colors = palette(LIGHT)
    for step in (0, 4, 8):
        gif.seek(step)
        expected = png(PADDING_STRIDES, step).quantize(palette=colors, dither=Image.Dither.NONE)
        assert gif.convert("RGB").tobytes() == expected.convert("RGB").tobytes()


def test_channels_switch_between_gif_frames() -> None:
    trace = run_trace(TraceRequest(input_size=[3, 3], kernel_size=2, out_channels=2, groups=1))
    gif = Image.open(io.BytesIO(render_gif(trace)))
    assert gif.n_frames == 8  # 2 channels of 2x2
    gif.seek(5)
    expected = png(trace, 5).quantize(palette=palette(LIGHT), dither=Image.Dither.NONE)
    assert gif.convert("RGB").tobytes() == expected.convert("RGB").tobytes()


def test_same_trace_same_bytes() -> None:
    again = run_trace(TraceRequest(input_size=[5, 5], kernel_size=3, stride=2, padding=1))
    assert render_png(PADDING_STRIDES, 3) == render_png(again, 3)
    assert render_gif(PADDING_STRIDES, 2, "dark") == render_gif(again, 2, "dark")


def test_dark_theme_keeps_the_cell_colours_on_a_dark_background() -> None:
    d = Diagram(PADDING_STRIDES, "dark")
    image = png(PADDING_STRIDES, 0, "dark")
    assert hexcolor(image.getpixel((2, 2))) == "#15191e"
    assert hexcolor(image.getpixel(tile(d, d.canvas_left[0], d.canvas_top[0], 3, 3))) == "#5b9bd5"


def test_gif_limits_are_refused_before_drawing() -> None:
    with pytest.raises(ConfigError, match="max_gif_frames"):
        gif_diagram(PADDING_STRIDES, 2, "light", Limits(max_gif_frames=8))
    with pytest.raises(ConfigError, match="max_gif_pixels"):
        gif_diagram(PADDING_STRIDES, 2, "light", Limits(max_gif_pixels=1000))
    with pytest.raises(ConfigError, match="max_gif_fps") as info:
        gif_diagram(PADDING_STRIDES, 0, "light")
    assert info.value.field == "fps"


def test_gif_shrinks_cells_to_fit_the_pixel_budget() -> None:
    full = gif_diagram(PADDING_STRIDES, 2, "light")
    budget = 9 * full.width * full.height - 1
    smaller = gif_diagram(PADDING_STRIDES, 2, "light", Limits(max_gif_pixels=budget))
    assert smaller.cell < full.cell
    assert 9 * smaller.width * smaller.height <= budget
