"""PyTorch's ``divisor_override`` of ``AvgPool2d``/``AvgPool3d``: accepted where PyTorch
accepts it, refused by name with PyTorch's reason where it refuses it, and every number (the
forward pass, the trace's ``divisor``, the gradients, the matrix) equal to PyTorch's.

The drawn pools of ``tests/strategies.py`` carry it too, so test_pool, test_gradients and
test_matrix check it over their own configurations; these add 3-D gradients and the refusals.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.errors import ConfigError
from app.arithmetic.gradients import backward
from app.arithmetic.matrix import conv_matrix
from app.arithmetic.trace import pool_divisor, trace
from app.arithmetic.values import resolve_values
from tests.reference import torch_gradients, torch_layer
from tests.strategies import pools

WITH_DIVISOR = pools(dims=(2, 3)).filter(lambda c: c.divisor_override is not None)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(WITH_DIVISOR, st.integers(0, 2**16))
def test_forward_and_gradients_match_pytorch(config: ConvConfig, seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(-9, 10, size=config.input_shape).astype(float)
    x, w, _ = resolve_values(config, input=x)
    result = trace(config, x, w)
    xt = torch.tensor(x, dtype=torch.float64)[None]
    np.testing.assert_allclose(result.output, torch_layer(config, xt, None, None)[0], atol=1e-12)
    assert np.all(pool_divisor(config) == config.divisor_override)
    g = rng.integers(-3, 4, size=config.output_shape).astype(float)
    dx, _, _ = torch_gradients(config, x, w, None, g)
    np.testing.assert_allclose(backward(result, g).input, dx, atol=1e-12)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(WITH_DIVISOR.filter(lambda c: c.ndim == 2))
def test_matrix_columns_are_pytorchs_unit_responses(config: ConvConfig) -> None:
    x, w, _ = resolve_values(config, fill="ones")
    matrix, _, _ = conv_matrix(trace(config, x, w))
    size = int(np.prod(config.input_shape))
    for j in range(size):
        unit = torch.zeros(size, dtype=torch.float64)
        unit[j] = 1.0
        expected = torch_layer(config, unit.reshape(1, *config.input_shape), None, None)
        np.testing.assert_allclose(matrix[:, j], expected.ravel(), atol=1e-12)


def test_pytorch_refuses_what_we_refuse_and_for_the_same_reason() -> None:
    x2 = torch.ones(1, 1, 4, 4)
    with pytest.raises(RuntimeError, match="divisor must be not zero"):
        F.avg_pool2d(x2, 2, divisor_override=0)
    with pytest.raises(ConfigError) as zero:
        build_config([4, 4], kernel_size=2, op="avg_pool", divisor_override=0)
    assert zero.value.type == "divisor_override_zero"
    with pytest.raises(TypeError, match="divisor_override"):
        torch.nn.AvgPool1d(2, divisor_override=2)  # type: ignore[call-arg]
    with pytest.raises(ConfigError) as one_d:
        build_config([4], kernel_size=2, op="avg_pool", divisor_override=2)
    assert one_d.value.type == "divisor_override_1d"
    with pytest.raises(TypeError, match="divisor_override"):
        torch.nn.MaxPool2d(2, divisor_override=2)  # type: ignore[call-arg]
    for op in ("max_pool", "conv"):
        with pytest.raises(ConfigError) as other:
            build_config([4, 4], kernel_size=2, op=op, divisor_override=2)
        assert other.value.type == "divisor_override_not_avg"


def test_a_negative_divisor_divides_as_pytorch_does() -> None:
    """PyTorch checks only for 0; a negative divisor flips the sign (a 3-D pool here)."""
    config = build_config([2, 2, 2], kernel_size=2, op="avg_pool", divisor_override=-4)
    x = np.arange(8.0).reshape(1, 2, 2, 2)
    expected = F.avg_pool3d(torch.tensor(x)[None], 2, divisor_override=-4)[0].numpy()
    assert trace(config, *resolve_values(config, input=x)[:2]).output.tolist() == [[[[-7.0]]]]
    assert expected.tolist() == [[[[-7.0]]]]
