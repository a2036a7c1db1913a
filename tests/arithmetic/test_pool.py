"""Max and average pooling against PyTorch's F.max_pool*d and F.avg_pool*d."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.errors import ConfigError
from app.arithmetic.trace import steps, trace
from app.arithmetic.values import resolve_values
from tests.strategies import pools

MAX = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
AVG = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def torch_pool(config: ConvConfig, x: np.ndarray) -> np.ndarray:
    xt = torch.tensor(x, dtype=torch.float64)[None]
    padding = [b for b, _ in config.padding]
    if config.op == "max_pool":
        y = MAX[config.ndim](xt, config.kernel_size, config.stride, padding, config.dilation,
                             ceil_mode=config.ceil_mode)  # fmt: skip
    else:
        extra = {}  # F.avg_pool1d has no divisor_override: given only when set
        if config.divisor_override is not None:
            extra["divisor_override"] = config.divisor_override
        y = AVG[config.ndim](xt, config.kernel_size, config.stride, padding,
                             ceil_mode=config.ceil_mode,
                             count_include_pad=config.count_include_pad, **extra)  # fmt: skip
    return y[0].numpy()


@settings(max_examples=200, suppress_health_check=[HealthCheck.filter_too_much])
@given(pools(dims=(1, 2, 3)), st.integers(0, 2**16))
def test_pool_matches_pytorch(config: ConvConfig, seed: int) -> None:
    x = np.random.default_rng(seed).integers(-9, 10, size=config.input_shape).astype(float)
    x, w, _ = resolve_values(config, input=x)
    result = trace(config, x, w)
    np.testing.assert_allclose(result.output, torch_pool(config, x), atol=1e-12)
    assert result.twin is None and config.params == 0
    if config.op == "max_pool":  # each step's value is its largest tap
        for step in steps(result):
            assert step["value"] == max(x[tuple(tap[0])] for tap in step["taps"])


@pytest.mark.parametrize(
    ("fields", "type"),
    [
        ({"kernel_size": 3, "padding": 2, "op": "max_pool"}, "pool_padding_too_large"),
        ({"kernel_size": 3, "padding": 1, "dilation": 2, "op": "avg_pool"},
         "pool_average_dilation"),
        ({"transposed": True, "op": "max_pool"}, "pool_transposed"),
        ({"padding": "same", "op": "avg_pool"}, "pool_padding_name"),
        ({"padding": [[0, 1], [1, 1]], "op": "max_pool"}, "pool_padding_asymmetric"),
        ({"in_channels": 2, "out_channels": 3, "op": "max_pool"}, "pool_channels"),
        ({"op": "min_pool"}, "op_unknown"),
        ({"ceil_mode": True}, "ceil_mode_conv"),
        ({"count_include_pad": False, "op": "max_pool"}, "count_include_pad_not_avg"),
        ({"padding_mode": "reflect", "padding": 1, "op": "max_pool"}, "pool_padding_mode"),
        ({"op": "max_pool", "divisor_override": 2}, "divisor_override_not_avg"),
        ({"divisor_override": 2}, "divisor_override_not_avg"),
        ({"op": "avg_pool", "divisor_override": 0}, "divisor_override_zero"),
    ],
)  # fmt: skip
def test_pool_refusals(fields: dict, type: str) -> None:
    with pytest.raises(ConfigError) as refused:
        build_config(input_size=[6, 6], **fields)
    assert refused.value.type == type


def test_pool_has_no_weight_or_bias() -> None:
    config = build_config([4], kernel_size=2, op="avg_pool")
    for values in ({"weight": [1, 1]}, {"bias": [1]}):
        with pytest.raises(ConfigError):
            resolve_values(config, **values)


@pytest.mark.parametrize(
    ("input_size", "kernel_size", "stride", "padding"),
    [(6, 3, 2, 0), (5, 2, 2, 0), (4, 2, 3, 1), (7, 3, 3, 1), (5, 3, 2, 1)],
)
def test_ceil_mode_sizes_and_last_window_exception(
    input_size: int, kernel_size: int, stride: int, padding: int
) -> None:
    """SPEC's ceil rule, its exception ((o − 1)·s ≥ i + p_before drops the last window) and
    the average's divisor of a window that hangs past the padded input, against PyTorch."""
    x = np.arange(1.0, input_size + 1)[None]
    for op, count in (("max_pool", True), ("avg_pool", True), ("avg_pool", False)):
        config = build_config(
            [input_size], kernel_size=kernel_size, stride=stride, padding=padding, op=op,
            ceil_mode=True, count_include_pad=count,
        )  # fmt: skip
        expected = torch_pool(config, x)
        assert config.output_size == expected.shape[1:]
        np.testing.assert_allclose(trace(config, x, resolve_values(config, input=x)[1]).output,
                                   expected)  # fmt: skip
