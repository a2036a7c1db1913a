"""The stack's shapes, cost and receptive fields, against PyTorch and the closed form.

PyTorch is the reference for shapes (the layers run on a zero tensor) and for which
input cells one output cell depends on (autograd: with positive weights, the gradient
of one output cell is non-zero exactly on its receptive field). The closed form
``r = 1 + Σ d·(k − 1)·Π s`` (``geometry.receptive_fields``) checks direct stacks.
"""

from fractions import Fraction
from math import ceil, floor
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.arithmetic.geometry import receptive_fields
from app.arithmetic.stack import (
    LayerError,
    LayerSpec,
    StackLayer,
    build_stack,
    field_of,
    growing_field,
    total,
)

CONV = {1: F.conv1d, 2: F.conv2d}
CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d}
MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d}


def run_torch(x: torch.Tensor, layer: StackLayer) -> torch.Tensor:
    """The layer in PyTorch with all-ones weights (pooling: a depthwise window of ones,
    the window an average pool sums), padding per side done the PyTorch user's way."""
    c = layer.config
    n = c.ndim
    if not c.transposed:
        pads = [side for pair in reversed(c.padding) for side in pair]
        w = torch.ones(c.out_channels, c.in_channels // c.groups, *c.kernel_size, dtype=x.dtype)
        return CONV[n](F.pad(x, pads), w, stride=c.stride, dilation=c.dilation, groups=c.groups)
    w = torch.ones(c.in_channels, c.out_channels // c.groups, *c.kernel_size, dtype=x.dtype)
    y = CONV_T[n](
        x, w, stride=c.stride, dilation=c.dilation, groups=c.groups,
        output_padding=c.output_padding,
    )  # fmt: skip
    crop = tuple(slice(b, size - a) for (b, a), size in zip(c.padding, y.shape[2:], strict=True))
    return y[(slice(None), slice(None), *crop)]


def shapes_by_torch(input_size: list[int], channels: int, stack: list[StackLayer]) -> list[Any]:
    x = torch.zeros(1, channels, *input_size, dtype=torch.float64)
    shapes = []
    for layer in stack:
        x = run_torch(x, layer)
        shapes.append(tuple(x.shape[1:]))
    return shapes


def cells_by_autograd(
    input_size: list[int], stack: list[StackLayer], layer: int, index: list[int]
) -> list[list[int]]:
    """Input cells whose gradient is non-zero, per dimension (the field is a product)."""
    x = torch.ones(1, stack[0].config.in_channels, *input_size, dtype=torch.float64)
    x.requires_grad_(True)
    y = x
    for step in stack[: layer + 1]:
        y = run_torch(y, step)
    y[(0, 0, *index)].backward()
    assert x.grad is not None
    seen = (x.grad[0].sum(0) != 0).nonzero().tolist()
    return [sorted({cell[d] for cell in seen}) for d in range(len(input_size))]


def test_seed_dilation_stack_against_plain_three_by_three() -> None:
    dilated = build_stack(
        [64, 64], 1, [LayerSpec(dilation=d, padding="same") for d in (1, 2, 4, 8)]
    )
    plain = build_stack([64, 64], 1, [LayerSpec(padding="same")] * 4)
    assert [layer.fields[0].receptive_field for layer in dilated] == [3, 7, 15, 31]
    assert [layer.fields[0].receptive_field for layer in plain] == [3, 5, 7, 9]
    probes = growing_field(dilated, 3, [32, 32])
    assert [p.bounds for p in probes] == [((32 - r // 2, 32 + r // 2),) * 2 for r in (3, 7, 15, 31)]


def test_seed_bottleneck_saves_3_76_times_the_multiply_adds() -> None:
    # SPEC: 256·256·16 / (256·64 + 64·256·16) per output cell, on a 4×4 input ("same").
    plain = build_stack([4, 4], 256, [LayerSpec(4, padding="same", out_channels=256)])
    slim = build_stack(
        [4, 4], 256,
        [LayerSpec(1, out_channels=64), LayerSpec(4, padding="same", out_channels=256)],
    )  # fmt: skip
    assert total(plain)[1] == 256 * 256 * 16 * 16
    assert total(slim)[1] == (256 * 64 + 64 * 256 * 16) * 16
    assert round(total(plain)[1] / total(slim)[1], 2) == 3.76


def test_resnet_stem_224_to_56() -> None:
    stack = build_stack(
        [224, 224], 3,
        [LayerSpec(7, 2, 3, out_channels=64), LayerSpec(3, 2, 1, op="max_pool")],
    )  # fmt: skip
    assert [s.config.output_shape for s in stack] == [(64, 112, 112), (64, 56, 56)]
    assert shapes_by_torch([224, 224], 3, stack) == [(64, 112, 112), (64, 56, 56)]
    assert stack[0].params == 64 * 3 * 49 and stack[1].params == 0
    assert [s.fields[0].receptive_field for s in stack] == [7, 11]
    assert [s.fields[0].jump for s in stack] == [2, 4]
    # PyTorch's own max pooling agrees on the shape.
    y = F.max_pool2d(torch.zeros(1, 64, 112, 112), 3, 2, 1)
    assert tuple(y.shape[1:]) == stack[1].config.output_shape


def test_fcn_decoder_needs_output_padding_to_return_to_the_input_size() -> None:
    down = [LayerSpec(3, 2, 1, out_channels=8)] * 2
    without = build_stack(
        [50], 1, [*down, *[LayerSpec(3, 2, 1, out_channels=8, transposed=True)] * 2]
    )
    back = build_stack(
        [50], 1,
        [*down, LayerSpec(3, 2, 1, out_channels=8, transposed=True, output_padding=0),
         LayerSpec(3, 2, 1, out_channels=8, transposed=True, output_padding=1)],
    )  # fmt: skip
    assert [s.config.output_size[0] for s in without] == [25, 13, 25, 49]
    assert [s.config.output_size[0] for s in back] == [25, 13, 25, 50]
    assert shapes_by_torch([50], 1, back) == [s.config.output_shape for s in back]


def test_transposed_macs_count_what_each_input_cell_scatters() -> None:
    # SPEC: transposed MACs = in·(out/groups)·Πk·Πi.
    [layer] = build_stack([3, 3], 4, [LayerSpec(3, 2, 1, out_channels=2, transposed=True)])
    assert layer.macs == 4 * 2 * 9 * 9


def test_layer_errors_name_the_layer() -> None:
    with pytest.raises(LayerError) as caught:
        build_stack([5], 1, [LayerSpec(3), LayerSpec(7)])
    assert (caught.value.index, caught.value.field) == (1, "kernel_size")
    with pytest.raises(LayerError) as caught:
        build_stack([8], 4, [LayerSpec(2, op="max_pool", out_channels=3)])
    assert (caught.value.index, caught.value.type) == (0, "stack_pool_channels")


def test_probe_of_a_cell_reading_only_padding_is_empty() -> None:
    stack = build_stack([3], 1, [LayerSpec(1, padding=2)])
    assert field_of(stack, 0, [0]).bounds is None
    assert field_of(stack, 0, [2]).bounds == ((0, 0),)


# Hypothesis: random stacks of direct, transposed and pooling layers.

layer_specs = st.builds(
    LayerSpec,
    kernel_size=st.integers(1, 4),
    stride=st.integers(1, 3),
    padding=st.one_of(st.integers(0, 2), st.sampled_from(["valid", "same"])),
    dilation=st.integers(1, 3),
    groups=st.just(1),
    out_channels=st.integers(1, 2),
    transposed=st.booleans(),
    op=st.sampled_from(["conv", "conv", "conv", "avg_pool"]),
)


def _fix(spec: LayerSpec) -> LayerSpec:
    if spec.op != "conv":
        return LayerSpec(spec.kernel_size, spec.stride, spec.padding, spec.dilation, op=spec.op)
    return spec


@st.composite
def stacks(draw: st.DrawFn, transposed: bool = True) -> tuple[list[int], list[StackLayer]]:
    ndim = draw(st.sampled_from([1, 1, 2]))
    input_size = [draw(st.integers(4, 24)) for _ in range(ndim)]
    specs = [_fix(s) for s in draw(st.lists(layer_specs, min_size=1, max_size=4))]
    if not transposed:
        specs = [LayerSpec(s.kernel_size, s.stride, s.padding, s.dilation, op=s.op,
                           out_channels=s.out_channels if s.op == "conv" else None)
                 for s in specs]  # fmt: skip
    try:
        stack = build_stack(input_size, 1, specs)
    except LayerError:
        assume(False)
        raise
    assume(all(max(s.config.output_size) <= 64 for s in stack))
    return input_size, stack


SETTINGS = settings(max_examples=300, suppress_health_check=list(HealthCheck), deadline=None)
TORCH_SETTINGS = settings(SETTINGS, max_examples=200)


@TORCH_SETTINGS
@given(stacks())
def test_shapes_match_pytorch_on_zeros(case: tuple[list[int], list[StackLayer]]) -> None:
    input_size, stack = case
    assert shapes_by_torch(input_size, 1, stack) == [s.config.output_shape for s in stack]


@SETTINGS
@given(stacks(transposed=False))
def test_direct_stacks_follow_the_closed_form(case: tuple[list[int], list[StackLayer]]) -> None:
    _, stack = case
    for d in range(stack[0].config.ndim):
        closed = receptive_fields(
            [s.config.kernel_size[d] for s in stack],
            [s.config.stride[d] for s in stack],
            [s.config.dilation[d] for s in stack],
        )
        assert [(s.fields[d].receptive_field, s.fields[d].jump) for s in stack] == closed


@TORCH_SETTINGS
@given(stacks(), st.data())
def test_probed_cells_are_what_autograd_says(
    case: tuple[list[int], list[StackLayer]], data: st.DataObject
) -> None:
    input_size, stack = case
    layer = data.draw(st.integers(0, len(stack) - 1))
    size = stack[layer].config.output_size
    index = [data.draw(st.integers(0, s - 1)) for s in size]
    probe = field_of(stack, layer, index)
    expected = cells_by_autograd(input_size, stack, layer, index)
    if probe.bounds is None:
        assert not any(expected)
        return
    assert probe.cells is not None
    assert [list(c) for c in probe.cells] == expected
    assert [list(b) for b in probe.bounds] == [[c[0], c[-1]] for c in expected]
    # The closed form's window (centre start + n·jump, width r) holds the exact field,
    # and is the field itself for a direct stack away from the edges.
    for d, (first, last) in enumerate(probe.bounds):
        f = stack[layer].fields[d]
        centre = f.start + index[d] * f.jump
        low, high = centre - (f.receptive_field - 1) / 2, centre + (f.receptive_field - 1) / 2
        assert ceil(low) <= first and last <= floor(high)
        direct = not any(s.config.transposed for s in stack[: layer + 1])
        if direct and low >= 0 and high <= input_size[d] - 1:
            assert (first, last) == (low, high)


def test_fields_are_fractions_for_transposed_layers() -> None:
    [layer] = build_stack([4], 1, [LayerSpec(3, 2, transposed=True)])
    assert layer.fields[0].jump == Fraction(1, 2)
    assert layer.fields[0].receptive_field == 2
