"""The layout of a picture: which canvas cell is what, where the window is, the arithmetic.

Expected values come from SPEC.md's canvas and step definitions, not from the renderer."""

from typing import Any

import pytest

from app.arithmetic.errors import ConfigError
from app.limits import Limits
from app.render.scene import Diagram, Rect, Text, blend, cell_ink
from app.schemas import TraceRequest
from app.tracing import run_trace


def trace(**fields: Any) -> dict[str, Any]:
    return run_trace(TraceRequest(**fields))


PADDING_STRIDES = trace(input_size=[5, 5], kernel_size=3, stride=2, padding=1)
SEED = trace(
    input_size=[2, 2],
    kernel_size=3,
    stride=2,
    padding="same",
    transposed=True,
    input=[[1, 2], [3, 4]],
    fill="ones",
)


def test_padded_canvas_has_input_at_origin_and_padding_around() -> None:
    d = Diagram(PADDING_STRIDES)
    assert d.canvas_size == [7, 7]  # SPEC: 5 + 1 + 1
    assert d.input_index(0, 0) is None and d.input_index(6, 6) is None
    assert d.input_index(1, 1) == (0, 0) and d.input_index(5, 5) == (4, 4)


def test_zero_insertion_canvas_of_a_transposed_convolution() -> None:
    d = Diagram(SEED)
    # SPEC: origin k_eff − 1 − p_before = 2, step s = 2; size (2−1)·2 + 1 + 2 + (2 − 1) = 6
    assert d.canvas_size == [6, 6]
    assert d.input_index(2, 2) == (0, 0) and d.input_index(4, 4) == (1, 1)
    assert d.input_index(3, 3) is None  # an inserted zero


def test_window_slides_by_the_stride_and_a_transposed_kernel_is_rotated() -> None:
    d = Diagram(PADDING_STRIDES)
    assert sorted(d.window(0)) == [(y, x) for y in range(3) for x in range(3)]
    assert min(d.window(1)) == (0, 2)  # second output cell: anchor (0, 2·1)
    flipped = Diagram(SEED).window(0)
    assert flipped[(0, 0)] == (2, 2)  # kernel cell (0, 0) covers anchor + (K−1−0)·d


def test_arithmetic_of_a_seed_step_matches_spec() -> None:
    # SPEC seed: output row 0 is [1, 1, 3, 2]; cell (0, 2) = input(0,1)·1 + input(0,0)·1 = 2 + 1
    line = " ".join(Diagram(SEED)._math(2, 3))
    assert line.startswith("step 3/16: output (0, 2) = ")
    assert line.endswith("= 3")
    assert sorted(line.split(" = ")[1].split(" + ")) == ["1·1", "2·1"]


def test_long_arithmetic_is_wrapped_and_summarised() -> None:
    d = Diagram(trace(input_size=[15, 15], kernel_size=15, in_channels=4))
    lines = d._math(0, 3)
    assert len(lines) == 3
    assert "more)" in lines[-1] and lines[-1].endswith(f"= {d._math(0, 1)[0].split('= ')[-1]}")


def test_overlay_draws_the_window_on_every_drawn_channel_and_the_current_cell() -> None:
    d = Diagram(trace(input_size=[4, 4], in_channels=2, out_channels=2))
    rects = [item for item in d.overlay(0) if isinstance(item, Rect)]
    # 9 kernel cells on each of the 2 input channels, plus the output cell being written
    assert len(rects) == 2 * 9 + 1


def test_title_names_the_layer_and_configuration() -> None:
    text = next(i.text for i in Diagram(SEED).background(0) if isinstance(i, Text))
    assert (
        text == "ConvTranspose2d: input 2x2, kernel_size 3, stride 2, padding 0:1,0:1 -> output 4x4"
    )


def test_one_d_channels_are_rows_one_under_the_other() -> None:
    d = Diagram(trace(input_size=[8], in_channels=2))
    assert d.canvas_left[0] == d.canvas_left[1] == d.output_left
    assert d.canvas_top[0] < d.canvas_top[1] < d.output_top


def test_kernel_window_is_a_dark_translucent_shade() -> None:
    assert blend("#000000", "#ffffff", 0.25) == "#404040"  # 255 · 0.25 = 63.75 → 0x40
    assert cell_ink(blend("#5b9bd5", "#0b1a2a", 0.45)) == "#ffffff"


def test_picture_above_the_side_limit_is_refused_naming_it() -> None:
    with pytest.raises(ConfigError, match="max_render_side") as info:
        Diagram(PADDING_STRIDES, limits=Limits(max_render_side=100))
    assert info.value.field == "input_size"


def test_unknown_theme_is_refused() -> None:
    with pytest.raises(ConfigError) as info:
        Diagram(PADDING_STRIDES, theme="pink")
    assert info.value.field == "theme"
