"""The trace against PyTorch, against its own contract, and against the adjoint identity."""

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.arithmetic.config import ConvConfig
from app.arithmetic.trace import count_taps, steps, trace
from app.arithmetic.values import resolve_values
from tests.reference import torch_output, transposed_twin
from tests.strategies import configs

MANY = settings(
    max_examples=300, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow]
)


def _values(config: ConvConfig, seed: int, with_bias: bool):
    x, w, _ = resolve_values(config, seed=seed)
    rng = np.random.default_rng(seed)
    b = rng.integers(-3, 4, size=config.out_channels).astype(float) if with_bias else None
    return x, w, b


@MANY
@given(configs(), st.integers(0, 2**16), st.booleans())
def test_output_matches_pytorch(config: ConvConfig, seed: int, with_bias: bool) -> None:
    event(f"{'transposed' if config.transposed else 'direct'} {config.ndim}-D")
    event(f"groups {config.groups}")
    event(f"padding_mode {config.padding_mode}")
    x, w, b = _values(config, seed, with_bias)
    expected = torch_output(config, x, w, b)
    result = trace(config, x, w, b)
    assert result.output.shape == expected.shape == config.output_shape
    np.testing.assert_allclose(result.output, expected, atol=1e-9)


@settings(max_examples=100, suppress_health_check=[HealthCheck.filter_too_much])
@given(configs(ndim=3), st.integers(0, 2**16), st.booleans())
def test_3d_output_matches_pytorch(config: ConvConfig, seed: int, with_bias: bool) -> None:
    """Conv3d and ConvTranspose3d (output_padding, groups, dilation, every padding form and
    padding_mode) against PyTorch."""
    event(f"{'transposed' if config.transposed else 'direct'} {config.padding_mode}")
    x, w, b = _values(config, seed, with_bias)
    expected = torch_output(config, x, w, b)
    np.testing.assert_allclose(trace(config, x, w, b).output, expected, atol=1e-9)


@settings(max_examples=40, suppress_health_check=[HealthCheck.filter_too_much])
@given(configs(ndim=3, transposed=False, modes=("reflect", "replicate", "circular")),
       st.integers(0, 2**16))  # fmt: skip
def test_3d_padding_modes_match_pytorch(config: ConvConfig, seed: int) -> None:
    x, w, b = _values(config, seed, True)
    np.testing.assert_allclose(trace(config, x, w, b).output, torch_output(config, x, w, b),
                               atol=1e-9)  # fmt: skip


@settings(max_examples=150, suppress_health_check=[HealthCheck.filter_too_much])
@given(configs(dims=(1, 2, 3)), st.integers(0, 2**16), st.booleans())
def test_steps_follow_the_contract(config: ConvConfig, seed: int, with_bias: bool) -> None:
    """SPEC.md: one step per output cell in order; a kernel cell (ky, kx) covers canvas cell
    anchor + d·(ky, kx), or anchor + d·(K−1−ky, K−1−kx) when flipped; input index i sits at
    origin + i·step; value = Σ input·weight + bias, equal to the output cell."""
    x, w, b = _values(config, seed, with_bias)
    result = trace(config, x, w, b)
    cells = list(np.ndindex(*config.output_shape))
    assert [tuple(s["output"]) for s in steps(result)] == cells
    axes = config.axes
    for step in steps(result):
        o, position = step["output"][0], step["output"][1:]
        assert step["anchor"] == [p * a.window_stride for p, a in zip(position, axes, strict=True)]
        total = 0.0 if b is None else b[o]
        for x_index, w_index in step["taps"]:
            kernel = w_index[2:]
            for d, axis in enumerate(axes):
                k = axis.kernel_size - 1 - kernel[d] if config.transposed else kernel[d]
                canvas = step["anchor"][d] + axis.dilation * k
                assert 0 <= canvas < axis.canvas_size
                # the input cell there, or the one a padding cell copies (padding_mode)
                assert axis.source(canvas) == x_index[1 + d]
                if config.padding_mode == "zeros":
                    assert canvas == axis.canvas_origin + x_index[1 + d] * axis.canvas_step
            total += x[tuple(x_index)] * w[tuple(w_index)]
        assert step["value"] == pytest.approx(total)
        assert result.output[tuple(step["output"])] == pytest.approx(total)
    assert sum(len(s["taps"]) for s in steps(result)) == count_taps(config)


@settings(max_examples=150, suppress_health_check=[HealthCheck.filter_too_much])
@given(configs(transposed=False, modes=("zeros",)), st.integers(0, 2**16))
def test_transposed_is_the_adjoint(direct: ConvConfig, seed: int) -> None:
    """⟨conv(x), y⟩ = ⟨x, conv_transposed(y)⟩ for the same kernel, stride, dilation, padding."""
    x, w, _ = resolve_values(direct, seed=seed)
    y = np.random.default_rng(seed + 1).integers(-3, 4, size=direct.output_shape).astype(float)
    back = transposed_twin(direct)
    assert back.output_size == direct.input_size
    forward = trace(direct, x, w).output
    backward = trace(back, y, w).output
    assert float(np.sum(forward * y)) == pytest.approx(float(np.sum(x * backward)))


@settings(max_examples=100, suppress_health_check=[HealthCheck.filter_too_much])
@given(configs())
def test_canvas_fits_the_windows(config: ConvConfig) -> None:
    """A window sliding over the canvas with the window stride gives exactly output_size."""
    for axis in config.axes:
        assert (axis.canvas_size - axis.k_eff) // axis.window_stride + 1 == axis.output_size
        if not config.transposed:
            assert axis.canvas_origin + (axis.input_size - 1) < axis.canvas_size


@settings(max_examples=40, suppress_health_check=[HealthCheck.filter_too_much])
@given(configs(ndim=3), st.integers(0, 2**16))
def test_three_dimensional_output_matches_pytorch(config: ConvConfig, seed: int) -> None:
    """3-D is not on the page, but the engine is dimension-generic and checked as such."""
    x, w, _ = resolve_values(config, seed=seed)
    np.testing.assert_allclose(trace(config, x, w).output, torch_output(config, x, w, None))
