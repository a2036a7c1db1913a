"""A second, independent oracle: Keras 3 (on its PyTorch backend; TensorFlow is too heavy
for CI) builds Conv1D/Conv2D/Conv1DTranspose/Conv2DTranspose with the trace's weights, and
must give the same output size and values, named paddings and output_padding included."""

import os

os.environ["KERAS_BACKEND"] = "torch"  # before keras is imported: no TensorFlow here

from typing import Any

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.errors import ConfigError
from app.arithmetic.trace import trace
from app.arithmetic.values import resolve_values


def keras_output(config: ConvConfig, keras_args: dict[str, Any], x: np.ndarray,
                 w: np.ndarray, b: np.ndarray | None) -> np.ndarray:  # fmt: skip
    """The layer Keras builds from ``keras_args``, run on the trace's input and weight,
    back in PyTorch's layout ``[out_channels, *output_size]``."""
    n = config.ndim
    name = f"Conv{n}DTranspose" if config.transposed else f"Conv{n}D"
    layer = getattr(keras.layers, name)(
        filters=config.out_channels, use_bias=b is not None, **keras_args
    )
    batch = np.transpose(x, (*range(1, n + 1), 0))[None].astype("float32")
    layer.build(batch.shape)
    # PyTorch [out, in/groups, *k] (direct) or [in, out, *k] (transposed) → Keras [*k, b, a]
    kernel = np.transpose(w, (*range(2, 2 + n), 1, 0)).astype("float32")
    layer.set_weights([kernel] if b is None else [kernel, b.astype("float32")])
    y = layer(batch)
    y = y.detach().numpy() if hasattr(y, "detach") else np.asarray(y)
    return np.moveaxis(y[0], -1, 0)


@st.composite
def keras_layers(
    draw: st.DrawFn, dims: tuple[int, ...] = (1, 2)
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(build_config fields, Keras layer arguments) for what Keras accepts: strides > 1 and
    dilation > 1 never together, output_padding below the stride, groups on direct layers."""
    n = draw(st.sampled_from(dims))
    transposed = draw(st.booleans())
    dims = lambda lo, hi: st.lists(st.integers(lo, hi), min_size=n, max_size=n)  # noqa: E731
    kernel = draw(dims(1, 4))
    if draw(st.booleans()):
        stride, dilation = draw(dims(1, 3)), [1] * n
    else:
        stride, dilation = [1] * n, draw(dims(1, 3))
    names = ["valid", "same"] + (["causal"] if n == 1 and not transposed else [])
    padding = draw(st.sampled_from(names))
    groups = 1 if transposed else draw(st.integers(1, 2))
    in_channels, out_channels = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    output_padding = None
    if transposed and draw(st.booleans()):
        output_padding = [draw(st.integers(0, s - 1)) for s in stride]
    fields = {
        "input_size": draw(dims(1, {1: 12, 2: 7, 3: 5}[n])),
        "kernel_size": kernel,
        "stride": stride,
        "dilation": dilation,
        "padding": padding,
        "output_padding": output_padding,
        "transposed": transposed,
        "in_channels": in_channels,
        "out_channels": out_channels,
        "groups": groups,
    }
    args: dict[str, Any] = {
        "kernel_size": tuple(kernel),
        "strides": tuple(stride),
        "dilation_rate": tuple(dilation),
        "padding": padding,
    }
    if transposed:
        args["output_padding"] = None if output_padding is None else tuple(output_padding)
    else:
        args["groups"] = groups
    return fields, args


@settings(
    max_examples=150,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(keras_layers(), st.integers(0, 2**16), st.booleans())
def test_trace_matches_keras(layer: tuple[dict[str, Any], dict[str, Any]], seed: int,
                             with_bias: bool) -> None:  # fmt: skip
    check_against_keras(layer, seed, with_bias)


def check_against_keras(layer: tuple[dict[str, Any], dict[str, Any]], seed: int,
                        with_bias: bool) -> None:  # fmt: skip
    fields, args = layer
    try:
        config = build_config(**fields)
    except ConfigError:
        assume(False)
        raise
    x, w, _ = resolve_values(config, seed=seed)
    b = np.arange(config.out_channels, dtype=float) - 1 if with_bias else None
    expected = keras_output(config, args, x, w, b)
    result = trace(config, x, w, b)
    assert result.output.shape == expected.shape
    np.testing.assert_allclose(result.output, expected, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize(
    ("fields", "output_padding", "expected"),
    [
        # SPEC.md's Keras examples
        ({"input_size": [4], "kernel_size": 2, "stride": 3, "padding": "same"}, 1, 10),
        ({"input_size": [8], "kernel_size": 1, "stride": 2, "padding": "valid"}, None, 16),
        ({"input_size": [2], "kernel_size": 4, "stride": 1, "padding": "same"}, None, 2),
        ({"input_size": [2], "kernel_size": 4, "stride": 1, "padding": "same"}, 0, 1),
        # "valid" keeps a given output_padding: F + q = (2 − 1)·2 + 4 + 1
        ({"input_size": [2], "kernel_size": 4, "stride": 2, "padding": "valid"}, 1, 7),
        # "valid", k_eff < s, output_padding 0 given: F, not i·s
        ({"input_size": [3], "kernel_size": 1, "stride": 3, "padding": "valid"}, 0, 7),
        # "same", q given, odd total 2·1 − 1 = 1: the odd cell is cropped after
        ({"input_size": [3], "kernel_size": 3, "stride": 2, "padding": "same"}, 1, 6),
        # "same", q given, negative total 0 − 2: two cells of output padding
        ({"input_size": [3], "kernel_size": 1, "stride": 3, "padding": "same"}, 2, 9),
    ],
)
def test_spec_keras_examples(fields: dict[str, Any], output_padding: int | None,
                             expected: int) -> None:  # fmt: skip
    config = build_config(**fields, output_padding=output_padding, transposed=True)
    x, w, _ = resolve_values(config, seed=1)
    args = {
        "kernel_size": fields["kernel_size"],
        "strides": fields["stride"],
        "padding": fields["padding"],
        "output_padding": output_padding,
    }
    keras_y = keras_output(config, args, x, w, None)
    assert config.output_size == (expected,) == keras_y.shape[1:]
    np.testing.assert_allclose(trace(config, x, w).output, keras_y, rtol=1e-5, atol=1e-4)


@settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(keras_layers(dims=(3,)), st.integers(0, 2**16), st.booleans())
def test_3d_trace_matches_keras(layer: tuple[dict[str, Any], dict[str, Any]], seed: int,
                                with_bias: bool) -> None:  # fmt: skip
    """Conv3D and Conv3DTranspose (named paddings, output_padding, groups) against Keras."""
    check_against_keras(layer, seed, with_bias)


POOLS = {"max_pool": "MaxPooling", "avg_pool": "AveragePooling"}


def keras_pool(
    data: st.DataObject, n: int, op: str, padding: str
) -> tuple[ConvConfig, dict[str, Any]]:
    """A pool Keras can build (``padding`` "valid" or "same") and the same pool as ConvScope's
    fields: "same" pads as TensorFlow does and its average leaves the padding out, which is
    PyTorch's count_include_pad=False on the same padding (drawn only where PyTorch can say
    that padding: symmetric, at most half the kernel)."""
    from app.arithmetic.geometry import same_padding

    dims = lambda lo, hi: st.lists(st.integers(lo, hi), min_size=n, max_size=n)  # noqa: E731
    size = data.draw(dims(1, {1: 12, 2: 7, 3: 5}[n]))
    kernel, stride = data.draw(dims(1, 3)), data.draw(dims(1, 3))
    assume(all(k <= i for k, i in zip(kernel, size, strict=True)))
    pads: Any = "valid"
    if padding == "same":
        pairs = [same_padding(i, k, s)[:2] for i, k, s in zip(size, kernel, stride, strict=True)]
        assume(all(b == a and b <= k // 2 for (b, a), k in zip(pairs, kernel, strict=True)))
        pads = [b for b, _ in pairs]
    try:
        config = build_config(size, kernel_size=kernel, stride=stride, padding=pads, op=op,
                              in_channels=2, count_include_pad=op == "max_pool")  # fmt: skip
    except ConfigError:
        assume(False)
        raise
    return config, {"pool_size": tuple(kernel), "strides": tuple(stride), "padding": padding}


@settings(max_examples=60, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.sampled_from([1, 2, 3]), st.sampled_from(list(POOLS)), st.sampled_from(["valid", "same"]),
       st.data())  # fmt: skip
def test_pools_match_keras(n: int, op: str, padding: str, data: st.DataObject) -> None:
    """Keras pooling, "valid" and "same": "same" pads as TensorFlow does and its average
    leaves the padding out, which is PyTorch's count_include_pad=False on the same padding
    (drawn only where PyTorch can say that padding: symmetric, at most half the kernel)."""
    config, args = keras_pool(data, n, op, padding)
    x, w, _ = resolve_values(config, seed=n)
    layer = getattr(keras.layers, f"{POOLS[op]}{n}D")(**args)
    y = layer(np.transpose(x, (*range(1, n + 1), 0))[None].astype("float32"))
    y = y.detach().numpy() if hasattr(y, "detach") else np.asarray(y)
    expected = np.moveaxis(y[0], -1, 0)
    result = trace(config, x, w)
    assert result.output.shape == expected.shape
    np.testing.assert_allclose(result.output, expected, rtol=1e-5, atol=1e-4)
