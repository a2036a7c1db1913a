"""The framework snippets: every PyTorch snippet is executed with torch and must print the
output shape SPEC.md gives and compute the trace's output; Keras snippets compile and use the
layer and arguments that say the configuration."""

import contextlib
import io
import re
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st

from app.arithmetic.errors import ConfigError
from app.layer.schemas import TraceRequest
from app.layer.tracing import run_trace

FCN_BILINEAR = np.outer([0.25, 0.75, 0.75, 0.25], [0.25, 0.75, 0.75, 0.25]).tolist()

# name → (request fields, output_size SPEC.md gives)
PRESETS: dict[str, tuple[dict[str, Any], list[int]]] = {
    # SPEC.md, "Worked examples"
    "seed: TF conv2d_transpose": (
        {
            "input_size": [2, 2],
            "kernel_size": 3,
            "stride": 2,
            "transposed": True,
            "padding": "same",
            "input": [[1, 2], [3, 4]],
            "fill": "ones",
        },
        [4, 4],
    ),
    "padded strided": ({"input_size": [5, 5], "stride": 2, "padding": 1}, [3, 3]),
    "half (same) padding": ({"input_size": [5, 5], "padding": 1}, [5, 5]),
    "full padding": ({"input_size": [5, 5], "padding": "full"}, [7, 7]),
    "non-exact stride": ({"input_size": [6, 6], "stride": 2}, [2, 2]),
    "stride 2 loses a size (6)": ({"input_size": [6, 6], "stride": 2, "padding": 1}, [3, 3]),
    "stride 2 loses a size (5)": ({"input_size": [5, 5], "stride": 2, "padding": 1}, [3, 3]),
    "transposed back to 6": (
        {"input_size": [3, 3], "stride": 2, "padding": 1, "transposed": True, "output_padding": 1},
        [6, 6],
    ),
    "transposed without output_padding": (
        {"input_size": [3, 3], "stride": 2, "padding": 1, "transposed": True},
        [5, 5],
    ),
    "seed: dilated covers all": ({"input_size": [9, 9], "dilation": 4}, [1, 1]),
    "seed: strided": ({"input_size": [9, 9], "stride": 2}, [4, 4]),
    "seed: transposed upsampling": ({"input_size": [9, 9], "transposed": True}, [11, 11]),
    "seed: dilation 8 of the stack": ({"input_size": [32], "dilation": 8}, [16]),
    "seed: FCN bilinear 2x": (
        {
            "input_size": [4, 4],
            "kernel_size": 4,
            "stride": 2,
            "padding": 1,
            "transposed": True,
            "weight": FCN_BILINEAR,
        },
        [8, 8],
    ),
    "seed: 1x1 bottleneck (64 channels, the limit)": (
        {"input_size": [4, 4], "kernel_size": 1, "in_channels": 64, "out_channels": 16},
        [4, 4],
    ),
    # SPEC.md, "The guide's figures": direct, then transposed
    "no padding, no strides": ({"input_size": [4, 4]}, [2, 2]),
    "arbitrary padding, no strides": (
        {"input_size": [5, 5], "kernel_size": 4, "padding": 2},
        [6, 6],
    ),
    "half padding, no strides": ({"input_size": [5, 5], "padding": 1}, [5, 5]),
    "full padding, no strides": ({"input_size": [5, 5], "padding": 2}, [7, 7]),
    "no padding, strides": ({"input_size": [5, 5], "stride": 2}, [2, 2]),
    "padding, strides": ({"input_size": [5, 5], "stride": 2, "padding": 1}, [3, 3]),
    "padding, strides (odd)": ({"input_size": [6, 6], "stride": 2, "padding": 1}, [3, 3]),
    "dilation": ({"input_size": [7, 7], "dilation": 2}, [3, 3]),
    "transposed: no padding, no strides": ({"input_size": [2, 2], "transposed": True}, [4, 4]),
    "transposed: arbitrary padding, no strides": (
        {"input_size": [6, 6], "kernel_size": 4, "padding": 2, "transposed": True},
        [5, 5],
    ),
    "transposed: half padding, no strides": (
        {"input_size": [5, 5], "padding": 1, "transposed": True},
        [5, 5],
    ),
    "transposed: full padding, no strides": (
        {"input_size": [7, 7], "padding": 2, "transposed": True},
        [5, 5],
    ),
    "transposed: no padding, strides": (
        {"input_size": [2, 2], "stride": 2, "transposed": True},
        [5, 5],
    ),
    "transposed: padding, strides": (
        {"input_size": [3, 3], "stride": 2, "padding": 1, "transposed": True},
        [5, 5],
    ),
    "transposed: padding, strides (odd)": (
        {"input_size": [3, 3], "stride": 2, "padding": 1, "transposed": True, "output_padding": 1},
        [6, 6],
    ),
    # Configurations a framework cannot say directly (the workarounds)
    "asymmetric padding": ({"input_size": [5, 6], "padding": [[0, 1], [2, 1]]}, [4, 7]),
    "same with stride 2, odd cell after": (
        {"input_size": [6, 6], "stride": 2, "padding": "same"},
        [3, 3],
    ),
    "same with stride 1, even kernel": (
        {"input_size": [5], "kernel_size": 4, "padding": "same"},
        [5],
    ),
    "causal 1-D": ({"input_size": [8], "kernel_size": 2, "dilation": 4, "padding": "causal"}, [8]),
    "transposed asymmetric crop": (
        {"input_size": [3, 4], "stride": 2, "padding": [[0, 1], [2, 0]], "transposed": True},
        [6, 7],
    ),
    "grouped with bias": (
        {
            "input_size": [5, 5],
            "in_channels": 4,
            "out_channels": 2,
            "groups": 2,
            "padding": 1,
            "bias": [1, -2],
        },
        [5, 5],
    ),
    "transposed grouped, dilated, strided": (
        {
            "input_size": [4],
            "in_channels": 2,
            "out_channels": 4,
            "groups": 2,
            "stride": 2,
            "dilation": 3,
            "output_padding": 2,
            "transposed": True,
            "bias": [0, 1, 2, 3],
        },
        [15],
    ),
    "dilated and strided": ({"input_size": [9, 9], "stride": 2, "dilation": 2}, [3, 3]),
    # SPEC.md: Keras's named paddings of transposed layers
    "Keras same, output_padding given": (
        {"input_size": [4], "kernel_size": 2, "stride": 3, "padding": "same", "output_padding": 1,
         "transposed": True},
        [10],
    ),
    "Keras valid, 1×1 kernel, stride 2": (
        {"input_size": [8], "kernel_size": 1, "stride": 2, "padding": "valid", "transposed": True},
        [16],
    ),
    "Keras same, output_padding 0 given": (
        {"input_size": [2, 2], "kernel_size": 4, "padding": "same", "output_padding": 0,
         "transposed": True},
        [1, 1],
    ),
    # Pooling (SPEC.md "op"): PyTorch's MaxPool/AvgPool, one output channel per input channel
    "max pool 2×2, stride 2": (
        {"input_size": [4, 4], "kernel_size": 2, "stride": 2, "op": "max_pool", "in_channels": 2,
         "out_channels": 2},
        [2, 2],
    ),
    "max pool padded (−∞)": (
        {"input_size": [5, 5], "kernel_size": 3, "stride": 2, "padding": 1, "op": "max_pool",
         "input": [[-(r * 5 + c) for c in range(5)] for r in range(5)]},
        [3, 3],
    ),
    "max pool dilated 1-D": (
        {"input_size": [9], "kernel_size": 2, "stride": 2, "padding": 1, "dilation": 3,
         "op": "max_pool"},
        [4],
    ),
    "max pool dilated 2-D": (
        {"input_size": [7, 7], "kernel_size": 2, "dilation": 2, "op": "max_pool"},
        [5, 5],
    ),
    "average pool counting padding": (
        {"input_size": [5, 5], "kernel_size": 3, "stride": 2, "padding": 1, "op": "avg_pool"},
        [3, 3],
    ),
    # SPEC.md, "Padding modes", "3-D", "Pooling options"
    "reflect padding": ({"input_size": [4, 4], "padding": 1, "padding_mode": "reflect"}, [4, 4]),
    "replicate, asymmetric": (
        {"input_size": [5, 4], "padding": [[0, 2], [1, 1]], "padding_mode": "replicate"}, [5, 4]),
    "circular 1-D, strided": (
        {"input_size": [6], "stride": 2, "padding": 2, "padding_mode": "circular"}, [4]),
    "circular, asymmetric": (
        {"input_size": [3, 4], "kernel_size": 2, "padding": [[1, 0], [0, 3]],
         "padding_mode": "circular"}, [3, 6]),
    "reflect 3-D": (
        {"input_size": [3, 4, 4], "padding": 1, "padding_mode": "reflect"}, [3, 4, 4]),
    "conv 3-D grouped, strided": (
        {"input_size": [4, 5, 5], "kernel_size": 2, "stride": 2, "in_channels": 2,
         "out_channels": 2, "groups": 2}, [2, 2, 2]),
    "transposed 3-D": (
        {"input_size": [2, 3, 3], "stride": 2, "padding": 1, "output_padding": 1,
         "transposed": True}, [4, 6, 6]),
    "max pool ceil_mode 1-D": (
        {"input_size": [6], "kernel_size": 3, "stride": 2, "op": "max_pool", "ceil_mode": True},
        [3]),
    "avg pool ceil_mode, padding not counted": (
        {"input_size": [5, 5], "kernel_size": 2, "stride": 2, "padding": 1, "op": "avg_pool",
         "ceil_mode": True, "count_include_pad": False}, [3, 3]),
    "max pool 3-D": (
        {"input_size": [4, 4, 4], "kernel_size": 2, "stride": 2, "op": "max_pool"}, [2, 2, 2]),
    "avg pool 3-D ceil_mode": (
        {"input_size": [5, 5, 5], "kernel_size": 2, "stride": 2, "op": "avg_pool",
         "ceil_mode": True}, [3, 3, 3]),
    "avg pool divisor_override": (
        {"input_size": [5, 5], "kernel_size": 3, "stride": 2, "padding": 1, "op": "avg_pool",
         "divisor_override": 4}, [3, 3]),
    "avg pool 3-D negative divisor_override": (
        {"input_size": [3, 4, 4], "kernel_size": 2, "stride": 2, "op": "avg_pool",
         "divisor_override": -3}, [1, 2, 2]),
}  # fmt: skip


def run_snippet(code: str, framework: str) -> tuple[str, Any]:
    """Execute a snippet; return what it printed and its ``y``."""
    namespace: dict[str, Any] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"<{framework} snippet>", "exec"), namespace)
    return out.getvalue(), namespace["y"]


def run_pytorch(code: str) -> tuple[str, torch.Tensor]:
    printed, y = run_snippet(code, "pytorch")
    assert isinstance(y, torch.Tensor)
    return printed, y.detach()


def check_pytorch(result: dict[str, Any], out_channels: int, output_size: list[int]) -> None:
    printed, y = run_pytorch(result["code"]["pytorch"])
    assert printed.strip() == f"torch.Size([{', '.join(map(str, [out_channels, *output_size]))}])"
    expected = np.asarray(result["output"], dtype=np.float64)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("name", PRESETS)
def test_pytorch_snippet_prints_the_spec_shape_and_computes_the_trace(name: str) -> None:
    fields, output_size = PRESETS[name]
    result = run_trace(TraceRequest(**fields, include=["code"]))
    check_pytorch(result, fields.get("out_channels", 1), output_size)


def test_seed_snippet_computes_the_tensorflow_answer() -> None:
    result = run_trace(TraceRequest(**PRESETS["seed: TF conv2d_transpose"][0], include=["code"]))
    _, y = run_pytorch(result["code"]["pytorch"])
    seed = [[1, 1, 3, 2], [1, 1, 3, 2], [4, 4, 10, 6], [3, 3, 7, 4]]  # SPEC.md
    assert y[0].tolist() == seed


def test_fcn_bilinear_snippet_uses_the_kernel_values() -> None:
    code = run_trace(TraceRequest(**PRESETS["seed: FCN bilinear 2x"][0], include=["code"]))["code"][
        "pytorch"
    ]
    for value in ("0.5625", "0.1875", "0.0625"):  # SPEC.md: the kernel's values
        assert value in code


def test_asymmetric_padding_pads_first_with_a_comment() -> None:
    code = run_trace(TraceRequest(**PRESETS["asymmetric padding"][0], include=["code"]))["code"][
        "pytorch"
    ]
    assert "x = F.pad(x, (2, 1, 0, 1))" in code  # F.pad: last dimension first
    assert "padding=0," in code
    assert "pads both sides alike" in code


def test_same_with_stride_2_writes_the_numbers_and_says_why() -> None:
    code = run_trace(
        TraceRequest(**PRESETS["same with stride 2, odd cell after"][0], include=["code"])
    )["code"]
    assert "padding=0," in code["pytorch"] and "F.pad" in code["pytorch"]
    assert 'padding="same" only supports stride 1' in code["pytorch"]


@pytest.mark.parametrize("preset", ["padding, strides", "half (same) padding"])
def test_numeric_padding_is_written_as_typed_never_called_same(preset: str) -> None:
    # padding=1 equals "same" here, but the learner typed 1: PyTorch's code says 1
    code = run_trace(TraceRequest(**PRESETS[preset][0], include=["code"]))["code"]
    assert "padding=(1, 1)" in code["pytorch"] and "same" not in code["pytorch"]
    assert 'padding="same"' in code["keras"] and 'is exactly "same" here' in code["keras"]


def test_same_with_stride_1_uses_pytorch_same() -> None:
    code = run_trace(
        TraceRequest(**PRESETS["same with stride 1, even kernel"][0], include=["code"])
    )["code"]
    assert 'padding="same"' in code["pytorch"]


def test_transposed_asymmetric_crop_slices_with_a_comment() -> None:
    code = run_trace(TraceRequest(**PRESETS["transposed asymmetric crop"][0], include=["code"]))[
        "code"
    ]["pytorch"]
    assert "torch.nn.ConvTranspose2d(" in code
    assert "padding=0," in code
    # full output (3−1)·2+3 = 7 by (4−1)·2+3 = 9; crop 0:1 and 2:0
    assert "y = y[:, 0:6, 2:9]" in code
    assert "crops both sides alike" in code


def _trace_of(fields: dict[str, Any]) -> dict[str, Any]:
    try:
        return run_trace(TraceRequest(**fields, include=["code"]))
    except ConfigError:
        assume(False)
        raise


@st.composite
def configs(draw: st.DrawFn) -> dict[str, Any]:
    ndim = draw(st.sampled_from([1, 2]))
    transposed = draw(st.booleans())
    per_dim = st.integers(1, 3)

    def ints(strategy: st.SearchStrategy[int]) -> Any:
        return draw(st.one_of(strategy, st.lists(strategy, min_size=ndim, max_size=ndim)))

    names = ["valid", "same"] if transposed else ["valid", "same", "full"]
    if ndim == 1 and not transposed:
        names.append("causal")
    pair = st.lists(st.integers(0, 3), min_size=2, max_size=2)
    padding = draw(
        st.one_of(
            st.integers(0, 3),
            st.sampled_from(names),
            st.lists(pair, min_size=ndim, max_size=ndim),
        )
    )
    groups = draw(st.integers(1, 2))
    fields: dict[str, Any] = {
        "input_size": draw(st.lists(st.integers(1, 7), min_size=ndim, max_size=ndim)),
        "kernel_size": ints(st.integers(1, 4)),
        "stride": ints(per_dim),
        "dilation": ints(per_dim),
        "padding": padding,
        "transposed": transposed,
        "groups": groups,
        "in_channels": groups * draw(st.integers(1, 2)),
        "out_channels": groups * draw(st.integers(1, 2)),
        "seed": draw(st.integers(0, 100)),
    }
    if not transposed:
        fields["padding_mode"] = draw(st.sampled_from(["zeros", "reflect", "replicate",
                                                       "circular"]))  # fmt: skip
    if transposed and draw(st.booleans()):  # given with every padding form, or not given
        fields["output_padding"] = ints(st.integers(0, 2))
    if draw(st.booleans()):
        fields["bias"] = draw(
            st.lists(
                st.integers(-3, 3), min_size=fields["out_channels"], max_size=fields["out_channels"]
            )
        )
    return fields


@given(configs())
def test_pytorch_snippet_of_any_configuration_matches_the_trace(fields: dict[str, Any]) -> None:
    result = _trace_of(fields)
    check_pytorch(result, fields["out_channels"], result["output_size"])


# ---------------------------------------------------------------------------- Keras


def keras_code(name: str) -> str:
    code: str = run_trace(TraceRequest(**PRESETS[name][0], include=["code"]))["code"]["keras"]
    compile(code, f"<keras snippet: {name}>", "exec")
    return code


@pytest.mark.parametrize("name", PRESETS)
def test_keras_snippet_compiles_and_prints_the_shape(name: str) -> None:
    fields, output_size = PRESETS[name]
    code = keras_code(name)
    ndim = len(fields["input_size"])
    if fields.get("op", "conv") != "conv":
        assert "Pooling" in code or "keras.ops.max(" in code
        channels = fields.get("in_channels", 1)
        shape = ", ".join(map(str, [1, *output_size, channels]))
        assert code.rstrip().endswith(f"print(y.shape)  # ({shape}): channels-last")
        return
    layer = f"Conv{ndim}DTranspose(" if fields.get("transposed") else f"Conv{ndim}D("
    assert f"keras.layers.{layer}" in code
    assert f"filters={fields.get('out_channels', 1)}," in code
    shape = ", ".join(map(str, [1, *output_size, fields.get("out_channels", 1)]))
    assert code.rstrip().endswith(f"print(y.shape)  # ({shape}): channels-last")
    assert "np.transpose(x, " in code  # channels-last


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # TF "same" for i=5, k=3, s=2: o = 3, total = (3−1)·2 + 3 − 5 = 2 → 1 and 1: exact
        ("padding, strides", ['padding="same"', "strides=(2, 2)"]),
        ("no padding, strides", ['padding="valid"']),
        # o = 3, total = (3−1)·2 + 3 − 6 = 1 → 0 before, 1 after: TF's "same" exactly
        ("same with stride 2, odd cell after", ['padding="same"']),
        # i=6, k=3, s=2, p=1 is not TF's "same" (that is 0 and 1): explicit padding layer
        ("padding, strides (odd)", ["ZeroPadding2D(padding=((1, 1), (1, 1)))", 'padding="valid"']),
        ("full padding", ["ZeroPadding2D(padding=((2, 2), (2, 2)))"]),
        ("causal 1-D", ['padding="causal"', "keras.layers.Conv1D("]),
        ("seed: TF conv2d_transpose", ['padding="same"', "Conv2DTranspose("]),
        # (3−1)·2 + 3 + 1 = 8, cropped 1 and 1 → 6
        (
            "transposed back to 6",
            ["output_padding=(1, 1)", "Cropping2D(cropping=((1, 1), (1, 1)))"],
        ),
        ("transposed: no padding, strides", ['padding="valid"']),
        ("transposed grouped, dilated, strided", ["Conv1DTranspose(", "block-diagonal"]),
        ("dilated and strided", ["strides=(1, 1)", "y = y[:, ::2, ::2, :]"]),
        ("grouped with bias", ["groups=2", "use_bias=True", "layer.set_weights([kernel, bias])"]),
        ("asymmetric padding", ["ZeroPadding2D(padding=((0, 1), (2, 1)))"]),
        ("Keras same, output_padding given", ['padding="same"', "output_padding=1,"]),
        ("Keras valid, 1×1 kernel, stride 2", ['padding="valid"', "strides=2,"]),
        ("Keras same, output_padding 0 given", ['padding="same"', "output_padding=(0, 0),"]),
    ],
)
def test_keras_snippet_uses_the_right_layer_arguments(name: str, expected: list[str]) -> None:
    code = keras_code(name)
    for text in expected:
        assert text in code, text


def test_keras_notes_what_it_cannot_express() -> None:
    grouped = keras_code("transposed grouped, dilated, strided")
    assert re.search(r"# Keras's Conv1DTranspose has no groups", grouped)
    assert "groups=" not in grouped.split("Conv1DTranspose(")[1]
    assert "Keras refuses strides > 1 together with dilation_rate > 1" in grouped
    assert "zero-insertion view" in grouped and "strides=1," in grouped
    assert "Keras refuses strides > 1 together with dilation_rate > 1" in keras_code(
        "dilated and strided"
    )


@pytest.mark.parametrize(
    "fields",
    [
        {"input_size": [12, 12], "in_channels": 8, "out_channels": 16, "padding": 1},
        {"input_size": [9, 9], "in_channels": 4, "out_channels": 8, "fill": "arange", "seed": 3},
        {"input_size": [24, 24], "kernel_size": 2, "stride": 2, "op": "max_pool"},
    ],
)
def test_big_generated_tensors_are_generated_not_listed(fields: dict[str, Any]) -> None:
    """A 16 → 32-channel layer would list thousands of numbers: the snippet generates them
    exactly as the page did, stays short, and still computes the trace's output."""
    result = run_trace(TraceRequest(**fields, include=["code"]))
    code = result["code"]["pytorch"]
    assert len(code.splitlines()) < 25 and "generated here exactly as on the page" in code
    _, y = run_pytorch(code)
    np.testing.assert_allclose(y.numpy(), np.asarray(result["output"]), rtol=1e-5, atol=1e-4)
    given = run_trace(TraceRequest(**fields, input=result["input"], include=["code"]))["code"][
        "pytorch"
    ]
    assert "np.random" not in given.split("layer =")[0]  # a given input is listed as given
