"""PNG and GIF: the page's look where SPEC.md says cells are, GIF frames equal to the PNGs,
deterministic bytes, limits refused before drawing."""

import io
from typing import Any

import pytest
from PIL import Image

from app.arithmetic.errors import ConfigError
from app.arithmetic.trace import Trace
from app.layer.schemas import TraceRequest
from app.layer.tracing import compute, config_of
from app.limits import Limits
from app.render import make_view, render_gif, render_png
from app.render.look import LOOKS, shaded
from app.render.raster import gif_diagram, palette
from app.render.scene import Diagram
from app.render.views import View

LIGHT = LOOKS["light"].cells
LOOK = LOOKS["light"]


def traced(**fields: Any) -> Trace:
    request = TraceRequest(**fields)
    return compute(config_of(request), request)[0]


PADDING_STRIDES = traced(input_size=[5, 5], kernel_size=3, stride=2, padding=1)


def png(view: View, step: int, theme: str = "light") -> Image.Image:
    return Image.open(io.BytesIO(render_png(view, step, theme))).convert("RGB")


def hexcolor(rgb: Any) -> str:
    return "#" + "".join(f"{v:02x}" for v in rgb[:3])


def corner(d: Diagram, grid: int, row: int, col: int) -> tuple[int, int]:
    """A pixel inside cell (row, col) of ``grid``, inside its border, clear of its text."""
    x, y = d.tile((grid, row, col))
    return x + 3, y + 3


def colors_in(image: Image.Image, d: Diagram, grid: int, row: int, col: int) -> set[str]:
    x, y = d.tile((grid, row, col))
    tile = image.crop((x + 2, y + 2, x + d.cell - 2, y + d.cell - 2))
    return {hexcolor(c) for _, c in tile.getcolors(maxcolors=4096) or []}


def test_a_step_reads_like_the_classic_padding_strides_diagram() -> None:
    view = make_view(PADDING_STRIDES)
    d = Diagram(view)
    image = png(view, 4)
    assert image.size == (d.width, d.height)
    # SPEC: the 7×7 canvas holds the input at origin 1; step 4 is output (1, 1), its window
    # covers canvas rows and columns 2..4 (anchor = 1·stride)
    for row in range(7):
        for col in range(7):
            inside = 1 <= row <= 5 and 1 <= col <= 5
            fill = LIGHT["input" if inside else "padding"].fill
            windowed = 2 <= row <= 4 and 2 <= col <= 4
            expected = shaded(LOOK, fill) if windowed else fill
            assert hexcolor(image.getpixel(corner(d, 0, row, col))) == expected, (row, col)
    # the kernel, its own grid: every weight cell in the kernel's colour
    for row in range(3):
        assert hexcolor(image.getpixel(corner(d, 1, row, 0))) == LIGHT["kernel"].fill
    # the output: cells 0..3 written, 4 being written, the rest still empty
    kinds = ["output"] * 4 + ["output_current"] + ["output_empty"] * 4
    for i, kind in enumerate(kinds):
        point = corner(d, 2, i // 3, i % 3)
        assert hexcolor(image.getpixel(point)) == LIGHT[kind].fill, i


def test_inserted_zeros_are_hatched_and_never_read_input_striped() -> None:
    seed = traced(input_size=[2, 2], stride=2, padding="same", transposed=True)
    view = make_view(seed)
    d, image = Diagram(view), png(view, 0)
    # SPEC: origin 2, step 2 → canvas (3, 3) is an inserted zero, (5, 5) padding
    assert colors_in(image, d, 0, 3, 3) >= {LIGHT["zero"].fill, LIGHT["zero"].pattern_color}
    assert colors_in(image, d, 0, 5, 5) == {LIGHT["padding"].fill}
    unused = make_view(traced(input_size=[6, 6], stride=2))  # input index 5 never read
    d, image = Diagram(unused), png(unused, 0)
    stripes = {LIGHT["unused"].fill, LIGHT["unused"].pattern_color}
    assert stripes <= colors_in(image, d, 0, 5, 0)
    assert LIGHT["unused"].pattern_color not in colors_in(image, d, 0, 4, 4)


def test_max_side_is_refused_naming_the_limit() -> None:
    with pytest.raises(ConfigError) as info:
        Diagram(make_view(PADDING_STRIDES), limits=Limits(max_render_side=100))
    assert info.value.type == "picture_too_large"
    assert info.value.ctx["max_render_side"] == 100


@pytest.mark.parametrize(
    ("fields", "view", "steps"),
    [
        (dict(input_size=[5, 5], stride=2, padding=1), "canvas", 9),
        # channels switch between frames: groups change the drawn input channels
        (
            dict(input_size=[3, 3], kernel_size=2, in_channels=4, out_channels=2, groups=2),
            "canvas",
            8,
        ),
        (dict(input_size=[2, 2], stride=2, padding="same", transposed=True), "scatter", 4),
        (dict(input_size=[3, 3], kernel_size=2), "matrix", 4),
        (dict(input_size=[3, 3], stride=2, transposed=True), "overlap", 49),
        (dict(input_size=[8], kernel_size=2, dilation=2, padding="causal"), "canvas", 8),
    ],
)
def test_each_gif_frame_is_the_png_of_its_step(
    fields: dict[str, Any], view: str, steps: int
) -> None:
    v = make_view(traced(**fields), view)
    gif = Image.open(io.BytesIO(render_gif(v, fps=4)))
    assert gif.n_frames == steps
    assert gif.info["loop"] == 0 and gif.info["duration"] == 250
    colors = palette(LOOK)
    for step in sorted({0, 1, steps // 2, steps - 1}):
        gif.seek(step)
        expected = png(v, step).quantize(palette=colors, dither=Image.Dither.NONE)
        assert gif.convert("RGB").tobytes() == expected.convert("RGB").tobytes(), step


def test_same_trace_same_bytes() -> None:
    again = traced(input_size=[5, 5], kernel_size=3, stride=2, padding=1)
    assert render_png(make_view(PADDING_STRIDES), 3) == render_png(make_view(again), 3)
    dark = render_gif(make_view(PADDING_STRIDES), 2, "dark")
    assert dark == render_gif(make_view(again), 2, "dark")


def test_dark_theme_keeps_the_cell_colours_on_a_dark_background() -> None:
    view = make_view(PADDING_STRIDES)
    d, image = Diagram(view, "dark"), png(view, 0, "dark")
    assert hexcolor(image.getpixel((2, 2))) == LOOKS["dark"].background
    assert hexcolor(image.getpixel(corner(d, 0, 3, 3))) == LOOKS["dark"].cells["input"].fill


def test_gif_limits_are_refused_before_drawing() -> None:
    view = make_view(PADDING_STRIDES)
    with pytest.raises(ConfigError, match="gif_too_many_frames"):
        gif_diagram(view, 2, "light", Limits(max_gif_frames=8))
    with pytest.raises(ConfigError, match="gif_too_many_pixels"):
        gif_diagram(view, 2, "light", Limits(max_gif_pixels=1000))
    with pytest.raises(ConfigError) as info:
        gif_diagram(view, 0, "light")
    assert info.value.field == "fps"


def test_gif_shrinks_cells_to_fit_the_pixel_budget() -> None:
    view = make_view(PADDING_STRIDES)
    full = gif_diagram(view, 2, "light")
    budget = 9 * full.width * full.height - 1
    smaller = gif_diagram(view, 2, "light", Limits(max_gif_pixels=budget))
    assert smaller.cell < full.cell
    assert 9 * smaller.width * smaller.height <= budget


def test_a_long_causal_signal_wraps_with_each_output_under_its_input() -> None:
    # Keras causal: d·(k − 1) = 8 cells of padding before, so input t sits at canvas t + 8
    # and output t belongs to time t; a 300-long row wraps onto several lines
    view = make_view(traced(input_size=[300], kernel_size=2, dilation=8, padding="causal"))
    d = Diagram(view)
    assert d.wrap and d.width <= 2048
    output = len(view.grids) - 1
    for t in (0, 1, 117, 200, 299):
        canvas_x, canvas_y = d.tile((0, 0, t + 8))
        output_x, output_y = d.tile((output, 0, t))
        assert output_x == canvas_x
        # the same line of its own row: as far below its row's top as the input is below its own
        assert output_y - d.positions[output][1] == canvas_y - d.positions[0][1]
    image = png(view, 299)
    assert hexcolor(image.getpixel(corner(d, output, 0, 299))) == LIGHT["output_current"].fill
