"""What each view shows at a step: which cell is what, where the window is, the arithmetic.

Expected values come from SPEC.md's definitions (canvas, anchor, taps) and the seed
example, or from PyTorch; never from the renderer itself."""

from typing import Any

import numpy as np
import pytest
import torch

from app.arithmetic.trace import Trace
from app.i18n.messages import t
from app.layer.schemas import TraceRequest
from app.layer.tracing import compute, config_of
from app.render.views import CanvasView, Cell, MatrixView, OverlapView, ScatterView, cell_view


def traced(**fields: Any) -> Trace:
    request = TraceRequest(**fields)
    return compute(config_of(request), request)[0]


PADDING_STRIDES = traced(input_size=[5, 5], kernel_size=3, stride=2, padding=1)
SEED = traced(
    input_size=[2, 2],
    kernel_size=3,
    stride=2,
    padding="same",
    transposed=True,
    input=[[[1, 2], [3, 4]]],
    fill="ones",
)
SEED_OUTPUT = [[1, 1, 3, 2], [1, 1, 3, 2], [4, 4, 10, 6], [3, 3, 7, 4]]


def canvas(view: CanvasView, step: int, slot: int = 0) -> dict[tuple[int, int], Cell]:
    return {(r, c): cell for (g, r, c), cell in view.cells(step).items() if g == slot}


def test_padded_canvas_holds_the_input_at_its_origin_and_the_window_at_its_anchor() -> None:
    view = cell_view(PADDING_STRIDES)
    assert isinstance(view, CanvasView)
    cells = canvas(view, 4)  # output (1, 1): SPEC anchor = (1·2, 1·2) on the 7×7 canvas
    assert len(cells) == 49
    x = PADDING_STRIDES.input[0]
    for (r, c), cell in cells.items():
        inside = 1 <= r <= 5 and 1 <= c <= 5  # origin p_before = 1
        assert cell.kind == ("input" if inside else "padding"), (r, c)
        if inside:
            assert cell.text == f"{x[r - 1, c - 1]:g}".replace("-", "−")
        assert cell.shade == (2 <= r <= 4 and 2 <= c <= 4), (r, c)
    w = PADDING_STRIDES.weight[0, 0]
    assert cells[2, 2].corner == f"{w[0, 0]:g}".replace("-", "−")  # kernel cell (0, 0)


def test_zero_insertion_canvas_of_the_seed_and_its_rotated_kernel() -> None:
    view = cell_view(SEED)
    assert isinstance(view, CanvasView)
    cells = canvas(view, 0)
    # SPEC: origin k_eff − 1 − p_before = 2, step 2, size (2−1)·2 + 1 + 2 + (2 − 1) = 6
    assert {(r, c) for (r, c) in cells} == {(r, c) for r in range(6) for c in range(6)}
    assert [cells[2, 2].text, cells[2, 4].text, cells[4, 2].text, cells[4, 4].text] == list("1234")
    assert {cells[3, 3].kind, cells[2, 3].kind, cells[3, 4].kind} == {"zero"}
    assert {cells[0, 0].kind, cells[5, 5].kind, cells[1, 3].kind} == {"padding"}
    # step 0's window covers canvas rows/columns 0..2; all weights are ones
    assert {rc for rc, cell in cells.items() if cell.shade} == {
        (r, c) for r in range(3) for c in range(3)
    }
    assert "rotated 180°" in " ".join(view.captions(0))


def test_never_read_input_has_its_own_kind() -> None:
    # SPEC: i=6, k=3, s=2, p=0 → o=2; input index 5 is never reached
    cells = canvas(cell_view(traced(input_size=[6, 6], stride=2)), 0)  # type: ignore[arg-type]
    for (r, c), cell in cells.items():
        assert cell.kind == ("unused" if 5 in (r, c) else "input"), (r, c)


def test_dilated_window_spans_the_whole_input_and_reads_every_cell_it_should() -> None:
    # seed: a 3×3 kernel with dilation 4 covers all of a 9×9 input, one output cell
    view = cell_view(traced(input_size=[9, 9], dilation=4))
    cells = canvas(view, 0)  # type: ignore[arg-type]
    shaded = {rc for rc, cell in cells.items() if cell.shade}
    assert shaded == {(r, c) for r in (0, 4, 8) for c in (0, 4, 8)}
    assert {cell.kind for cell in cells.values()} == {"unused", "input"}


def test_the_sum_reads_in_picture_order_channel_row_column() -> None:
    # seed cell (0, 2) = input (0, 0)·1 + input (0, 1)·1 = 1 + 2 = 3, the trace lists it
    # in kernel order (input (0, 1) first); the picture reads left to right
    total = cell_view(SEED).arithmetic(2)
    assert total.head == "output (0, 2) = "
    assert total.terms == ["1·1", "2·1"]
    assert total.tail == " = 3"


def test_channels_of_a_group_feed_one_output_cell_and_the_bracket_names_them() -> None:
    trace = traced(input_size=[3, 3], in_channels=4, out_channels=2, groups=2, padding=1)
    view = cell_view(trace)
    assert isinstance(view, CanvasView)
    last = view.count - 1  # output channel 1: group 1, input channels 2 and 3
    assert [c for c, _, _ in view.channels(1)] == [2, 3]
    assert view.captions(1)[:2] == ["input, padded · channel 2", "input, padded · channel 3"]
    assert view.bracket_label(1) == "group 1: input channels 2–3"
    cells = view.cells(last)
    x = trace.input
    assert cells[1, 1, 1].text == f"{x[3, 0, 0]:g}".replace("-", "−")
    total = view.arithmetic(last)
    assert len(total.terms) == 2 * 4  # two channels × the 2×2 real cells under the corner window


def test_scatter_view_adds_each_input_cell_into_the_output_up_to_the_seed_result() -> None:
    view = cell_view(SEED, "scatter")
    assert isinstance(view, ScatterView)
    assert view.count == 4  # one step per input cell
    first = view.cells(0)
    # input (0, 0) = 1 scatters its 3×3 kernel at full-output (0..2, 0..2); "same" crops
    # nothing before, so those nine cells, each 1·1
    fed = {(r, c) for (g, r, c), cell in first.items() if g == 2 and cell.shade}
    assert fed == {(r, c) for r in range(3) for c in range(3)}
    last = view.cells(3)
    sums = [[last[2, r, c].text for c in range(4)] for r in range(4)]
    assert sums == [[str(v) for v in row] for row in SEED_OUTPUT]


def test_matrix_view_lights_a_row_and_the_input_cells_of_its_window() -> None:
    trace = traced(input_size=[4, 4], kernel_size=3, seed=3)
    view = cell_view(trace, "matrix")
    assert isinstance(view, MatrixView)
    assert view.count == 4 and view.grids[1].rows == 4 and view.grids[1].cols == 16
    cells = view.cells(3)  # output (1, 1): window rows 1..3, columns 1..3 (SPEC anchor)
    w = trace.weight[0, 0]
    expected = {r * 4 + c for r in range(1, 4) for c in range(1, 4) if w[r - 1, c - 1] != 0}
    lit = {col for (g, _, col), cell in cells.items() if g == 0 and cell.shade}
    assert lit == expected
    assert {col for (g, row, col), cell in cells.items() if g == 1 and cell.mark == "now"} == set(
        range(16)
    )
    assert cells[2, 3, 0].kind == "output_current"


@pytest.mark.parametrize(("kernel_size", "even"), [(3, False), (4, True)])
def test_overlap_counts_match_a_transposed_convolution_of_ones(
    kernel_size: int, even: bool
) -> None:
    trace = traced(input_size=[3, 3], kernel_size=kernel_size, stride=2, transposed=True)
    view = cell_view(trace, "overlap")
    assert isinstance(view, OverlapView)
    ones = torch.ones(1, 1, 3, 3)
    expected = torch.conv_transpose2d(ones, torch.ones(1, 1, kernel_size, kernel_size), stride=2)
    counts = [[int(view.cells(0)[1, r, c].text) for c in range(view.grids[1].cols)]
              for r in range(view.grids[1].rows)]  # fmt: skip
    assert counts == expected[0, 0].int().tolist()
    inner = np.array(counts)[2:-2, 2:-2]  # away from the border
    assert (len(np.unique(inner)) == 1) == even  # k4/s2 even, k3/s2 the checkerboard


def test_max_pooling_marks_the_largest_input_of_each_window() -> None:
    # the view reads the window from the canvas and marks its largest real input cell; the
    # expected cell comes from numpy on the padded input, the value from PyTorch
    fields: dict[str, Any] = dict(input_size=[5, 5], stride=2, padding=1, in_channels=2)
    trace = traced(**fields, op="max_pool", seed=7)
    view = cell_view(trace)
    assert isinstance(view, CanvasView)
    assert [g.name for g in view.grids] == ["canvas", "output"]  # no kernel: no weights
    expected = torch.nn.functional.max_pool2d(
        torch.tensor(trace.input), kernel_size=3, stride=2, padding=1
    )
    for step in range(view.count):
        o, y, x = view.r.out(step)
        padded = np.pad(trace.input[o], 1, constant_values=-np.inf)
        marked = [rc for rc, cell in canvas(view, step).items() if cell.mark == "max"]
        assert len(marked) == 1
        (r, c) = marked[0]
        assert 2 * y <= r < 2 * y + 3 and 2 * x <= c < 2 * x + 3
        assert padded[r, c] == padded[2 * y : 2 * y + 3, 2 * x : 2 * x + 3].max()
        assert padded[r, c] == expected[o, y, x].item()
        total = view.arithmetic(step)
        assert total.head.endswith("max(") and total.tail == f") = {padded[r, c]:g}".replace(
            "-", "−"
        )
    assert view.title.startswith("MaxPool2d: 2×5×5 → 2×3×3")


def test_average_pooling_divides_the_window_sum_by_the_kernel_cells() -> None:
    # count_include_pad: the corner window holds 4 real cells, divided by all 9
    trace = traced(input_size=[4, 4], stride=2, padding=1, op="avg_pool", fill="arange")
    total = cell_view(trace).arithmetic(0)
    assert total.terms == ["0", "1", "4", "5"] and total.tail == ") / 9 = 1.111"


def test_one_d_outputs_sit_under_the_time_step_they_belong_to() -> None:
    # causal (Keras): d·(k − 1) = 2 of padding before; output t is under input t, i.e. under
    # canvas column t + 2, the last cell its window reads
    trace = traced(input_size=[8], kernel_size=2, dilation=2, padding="causal")
    view = cell_view(trace, padding_name="causal")
    assert view.shift == (2, 2)  # the output grid (canvas, kernel, output) moves 2 columns
    assert view.title == "Conv1d: 8 → 8, kernel_size 2, padding causal, dilation 2"


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        (dict(input_size=[6, 6], stride=2), "floor"),  # SPEC: index 5 is never reached
        (dict(input_size=[9, 9], dilation=4), "dilation"),  # the seed: taps at 0, 4, 8
        (dict(input_size=[7], kernel_size=2, stride=3), "stride"),  # windows over 0–1, 3–4
    ],
)
def test_the_legend_says_why_input_is_never_read(fields: dict[str, Any], why: str) -> None:
    labels = [
        label for cell, label in cell_view(traced(**fields)).legend() if cell.kind == "unused"
    ]
    assert t(f"unused.why.{why}") in labels
