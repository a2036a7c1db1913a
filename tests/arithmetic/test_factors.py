"""The factors a trace carries (axes, channel_taps, overlap, unused_input, twin) against the
per-step contract and against PyTorch, computed independently."""

import itertools

import numpy as np
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.trace import steps, trace
from app.arithmetic.values import resolve_values
from tests.reference import CONV, CONV_T, torch_output
from tests.strategies import configs

SOME = settings(max_examples=80, suppress_health_check=[HealthCheck.filter_too_much])


def _one_channel(config: ConvConfig) -> ConvConfig:
    """The same geometry (resolved numbers, PyTorch's meaning) with one channel."""
    return build_config(
        input_size=list(config.input_size),
        kernel_size=list(config.kernel_size),
        stride=list(config.stride),
        padding=[list(p) for p in config.padding],
        dilation=list(config.dilation),
        output_padding=list(config.output_padding) if config.transposed else None,
        transposed=config.transposed,
        padding_mode=config.padding_mode,
    )


@SOME
@given(configs())
def test_steps_are_the_product_of_the_factors(config: ConvConfig) -> None:
    """SPEC.md: the taps of step (o, y, x) are [[c, iy, ix], [w0, w1, ky, kx]] for [c, w0, w1]
    in channel_taps[o], [ky, iy] in axes[0].taps[y], [kx, ix] in axes[1].taps[x], in that
    nesting order; the anchor is each axis's anchor."""
    x, w, _ = resolve_values(config)
    result = trace(config, x, w)
    for step in steps(result):
        o, *position = step["output"]
        per_axis = [a.taps(p) for a, p in zip(result.axes, position, strict=True)]
        expected = [
            [[c, *(i for _, i in spatial)], [w0, w1, *(k for k, _ in spatial)]]
            for (c, w0, w1) in result.channel_taps[o].tolist()
            for spatial in itertools.product(*per_axis)
        ]
        assert step["taps"] == expected
        assert step["anchor"] == [
            int(a.anchor[p]) for a, p in zip(result.axes, position, strict=True)
        ]


@SOME
@given(configs())
def test_overlap_is_a_convolution_of_ones(config: ConvConfig) -> None:
    """Real input cells under each window (direct) or scattering onto each cell (transposed):
    PyTorch's convolution of an all-ones input with an all-ones kernel, one channel."""
    single = _one_channel(config)
    ones_x, ones_w = np.ones(single.input_shape), np.ones(single.weight_shape)
    expected = torch_output(single, ones_x, ones_w, None)[0]
    np.testing.assert_array_equal(trace(config, *resolve_values(config)[:2]).overlap, expected)


@SOME
@given(configs())
def test_unused_input_gets_no_gradient(config: ConvConfig) -> None:
    """An input cell no window reads is one whose gradient is zero whatever the weights."""
    single = _one_channel(config)
    x = torch.ones(single.input_shape, dtype=torch.float64, requires_grad=True)
    w = torch.ones(single.weight_shape, dtype=torch.float64)
    padded = x[None]
    fn = CONV_T if config.transposed else CONV
    pads = [side for pair in reversed(single.padding) for side in pair]
    if config.transposed:
        y = fn[config.ndim](padded, w, stride=single.stride, dilation=single.dilation,
                            output_padding=single.output_padding)  # fmt: skip
        crop = tuple(slice(b, n - a) for (b, a), n in zip(single.padding, y.shape[2:], strict=True))
        y = y[(slice(None), slice(None), *crop)]
    else:
        mode = "constant" if config.padding_mode == "zeros" else config.padding_mode
        padded = torch.nn.functional.pad(padded, pads, mode=mode)
        y = fn[config.ndim](padded, w, stride=single.stride, dilation=single.dilation)
    (grad,) = torch.autograd.grad(y.sum(), x)
    reached = grad[0].numpy() != 0
    result = trace(config, *resolve_values(config)[:2])
    used = np.ones((), dtype=bool)
    for size, unused in zip(config.input_size, result.unused_input, strict=True):
        along = np.ones(size, dtype=bool)
        along[unused] = False
        used = np.logical_and.outer(used, along)
    np.testing.assert_array_equal(used, reached)


@SOME
@given(configs(transposed=False, modes=("zeros",)), st.integers(0, 2**16))
def test_twin_is_the_backward_pass(direct: ConvConfig, seed: int) -> None:
    """The twin of a direct convolution, fed the upstream gradient with the same weight, gives
    torch.autograd.grad of the direct convolution with respect to its input."""
    x, w, _ = resolve_values(direct, seed=seed)
    result = trace(direct, x, w)
    twin = result.twin
    assert twin.transposed and twin.output_size == direct.input_size
    upstream = np.random.default_rng(seed).integers(-3, 4, size=direct.output_shape).astype(float)
    xt = torch.tensor(x[None], requires_grad=True)
    pads = [side for pair in reversed(direct.padding) for side in pair]
    common = {"stride": direct.stride, "dilation": direct.dilation, "groups": direct.groups}
    y = CONV[direct.ndim](torch.nn.functional.pad(xt, pads), torch.tensor(w), **common)
    (grad,) = torch.autograd.grad(y, xt, torch.tensor(upstream[None]))
    back = trace(twin, upstream, w).output
    np.testing.assert_allclose(back, grad[0].numpy(), atol=1e-9)
    assert (
        result.twin.twin
        if False
        else trace(twin, upstream, w).twin.output_size == direct.output_size
    )


def test_twin_of_the_guide_figure() -> None:
    """SPEC.md: i=6, k=3, s=2, p=1 gives 3; its twin maps 3 back to 6 with output_padding 1."""
    twin = trace(*_values_of(build_config([6], kernel_size=3, stride=2, padding=1))).twin
    assert (twin.input_size, twin.output_padding, twin.output_size) == ((3,), (1,), (6,))


def _values_of(config: ConvConfig) -> tuple[ConvConfig, np.ndarray, np.ndarray]:
    x, w, _ = resolve_values(config)
    return config, x, w


def test_no_twin_under_a_padding_mode() -> None:
    """A reflect-padded layer's gradient goes back to the copied cells' sources, which no
    transposed convolution (zeros only in PyTorch) computes: the trace offers no twin."""
    config = build_config([5], padding=1, padding_mode="reflect")
    assert trace(config, *resolve_values(config)[:2]).twin is None
