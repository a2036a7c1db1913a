"""Pasted network code → layers → shapes, checked by running the same code in its framework.

The parser never runs the code; the tests do (PyTorch on a zero tensor, Keras 3 on its
torch backend), and the shapes of every convolution and pooling layer must agree with
what ``/api/stack`` computes from the parsed layers.
"""

import os
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras
import pytest
import torch
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from torch import nn

from app.stack.build import StackRefusal, run_stack
from app.stack.parse import parse_layers
from app.stack.schemas import StackRequest

RESNET_STEM = """\
# torchvision.models.resnet.ResNet.__init__, with self.inplanes = 64
self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
self.bn1 = nn.BatchNorm2d(64)
self.relu = nn.ReLU(inplace=True)
self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
"""

VGG_BLOCKS = """\
features = nn.Sequential(
    nn.Conv2d(3, 64, kernel_size=3, padding=1), nn.ReLU(inplace=True),
    nn.Conv2d(64, 64, kernel_size=3, padding=1), nn.ReLU(inplace=True),
    nn.MaxPool2d(kernel_size=2, stride=2),
    nn.Conv2d(64, 128, kernel_size=3, padding=1), nn.ReLU(inplace=True),
    nn.Conv2d(128, 128, kernel_size=3, padding=1), nn.ReLU(inplace=True),
    nn.MaxPool2d(kernel_size=2, stride=2),
)
"""

UNET_PATH = """\
# milesial/Pytorch-UNet's DoubleConv, Down and Up, along one path (no skip concatenation)
unet = nn.Sequential(
    nn.Conv2d(1, 64, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(64),
    nn.ReLU(inplace=True),
    nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(64),
    nn.ReLU(inplace=True),
    nn.MaxPool2d(2),
    nn.Conv2d(64, 128, kernel_size=3, padding=1, bias=False), nn.BatchNorm2d(128),
    nn.ReLU(inplace=True),
    nn.MaxPool2d(2),
    nn.ConvTranspose2d(128, 64, kernel_size=2, stride=2),
    nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False),
    nn.ConvTranspose2d(64, 32, kernel_size=2, stride=2),
    nn.Conv2d(32, 2, kernel_size=1),
)
"""

WAVENET_TORCH = """\
# causal by padding d on both sides (the extra cells are chomped later in the model)
layers = [nn.Conv1d(1, 32, kernel_size=2, dilation=1, padding=1)]
layers += [nn.Conv1d(32, 32, 2, 1, padding=2, dilation=2)]
layers += [nn.Conv1d(32, 32, 2, 1, 4, 4), nn.Conv1d(32, 32, 2, padding=8, dilation=8)]
"""

FCN_TORCH = """\
fcn = nn.Sequential(
    nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(),
    nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
    nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
    nn.ConvTranspose2d(16, 8, 3, 2, 1, 1),
    nn.Identity(),
)
"""

KERAS_MNIST = """\
# keras.io/examples/vision/mnist_convnet (up to Flatten)
model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
    layers.MaxPooling2D(pool_size=(2, 2)),
    layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
    layers.MaxPooling2D(pool_size=(2, 2)),
])
"""

KERAS_WAVENET = """\
inputs = keras.Input(shape=(1000, 1))
x = inputs
for rate in (1, 2, 4, 8):
    pass
x = layers.Conv1D(32, 2, dilation_rate=1, padding="causal", activation="relu")(inputs)
x = layers.Conv1D(32, 2, dilation_rate=2, padding="causal", activation="relu")(x)
x = layers.Conv1D(32, 2, dilation_rate=4, padding="causal", activation="relu")(x)
x = layers.Conv1D(32, 2, dilation_rate=8, padding="causal", activation="relu")(x)
model = keras.Model(inputs, x)
"""

KERAS_FCN = """\
model = keras.Sequential([
    layers.Input((33, 47, 3)),
    layers.Conv2D(16, 3, strides=2, padding="same"),
    layers.Conv2D(32, 3, strides=2, padding="same"),
    layers.Conv2DTranspose(16, 3, strides=2, padding="same"),
    layers.Conv2DTranspose(8, 4, strides=(2, 1), padding="valid", output_padding=(1, 0)),
    layers.AveragePooling2D(3, strides=1, padding="same"),
])
"""


def stack_shapes(client: TestClient, parsed: dict[str, Any], input_size: list[int]) -> list[Any]:
    body = {
        "input_size": input_size,
        "in_channels": parsed["in_channels"],
        "layers": parsed["layers"],
    }
    response = client.post("/api/stack", json=body)
    assert response.status_code == 200, response.text
    return [(x["out_channels"], *x["output_size"]) for x in response.json()["layers"]]


def torch_shapes(code: str, input_size: list[int], in_channels: int) -> list[Any]:
    """Run the code, then every conv/pool module it built, in order, on zeros."""
    namespace: dict[str, Any] = {"nn": nn, "self": type("Self", (), {})()}
    exec(code, namespace)
    modules: list[nn.Module] = []
    for value in [*namespace.values(), *vars(namespace["self"]).values()]:
        if isinstance(value, nn.Module):
            modules += [m for m in value.modules() if not list(m.children())]
        elif isinstance(value, list):
            modules += [m for m in value if isinstance(m, nn.Module)]
    kinds = (nn.Conv1d, nn.Conv2d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.MaxPool1d,
             nn.MaxPool2d, nn.AvgPool1d, nn.AvgPool2d)  # fmt: skip
    x = torch.zeros(1, in_channels, *input_size)
    shapes = []
    with torch.no_grad():
        for module in modules:
            if isinstance(module, kinds):
                x = module(x)
                shapes.append(tuple(x.shape[1:]))
    return shapes


def keras_shapes(code: str) -> list[Any]:
    namespace: dict[str, Any] = {"keras": keras, "layers": keras.layers}
    exec(code, namespace)
    model = namespace["model"]
    shapes = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        *size, channels = layer.output.shape[1:]
        shapes.append((channels, *size))
    return shapes


@pytest.mark.parametrize(
    ("code", "input_size", "in_channels", "skipped"),
    [
        (RESNET_STEM, [224, 224], 3, ["BatchNorm2d", "ReLU"]),
        (VGG_BLOCKS, [224, 224], 3, ["ReLU"] * 4),
        (UNET_PATH, [96, 80], 1, ["BatchNorm2d", "ReLU"] * 3),
        (WAVENET_TORCH, [100], 1, []),
        (FCN_TORCH, [37, 50], 3, ["ReLU"] * 3 + ["Identity"]),
    ],
    ids=["resnet-stem", "vgg-blocks", "unet-path", "wavenet-torch", "fcn-torch"],
)
def test_pytorch_code_parses_to_the_shapes_pytorch_computes(
    client: TestClient, code: str, input_size: list[int], in_channels: int, skipped: list[str]
) -> None:
    response = client.post("/api/stack/parse", json={"code": code})
    assert response.status_code == 200, response.text
    parsed = response.json()
    assert parsed["framework"] == "pytorch"
    assert parsed["in_channels"] == in_channels
    assert sorted(s["name"] for s in parsed["skipped"]) == sorted(skipped)
    assert stack_shapes(client, parsed, input_size) == torch_shapes(code, input_size, in_channels)


def test_resnet_stem_takes_224_to_56(client: TestClient) -> None:
    parsed = client.post("/api/stack/parse", json={"code": RESNET_STEM}).json()
    assert stack_shapes(client, parsed, [224, 224]) == [(64, 112, 112), (64, 56, 56)]
    assert parsed["lines"] == [2, 5]


@pytest.mark.parametrize(
    "code",
    [KERAS_MNIST, KERAS_WAVENET, KERAS_FCN],
    ids=["mnist", "wavenet", "fcn"],
)
def test_keras_code_parses_to_the_shapes_keras_computes(client: TestClient, code: str) -> None:
    parsed = client.post("/api/stack/parse", json={"code": code}).json()
    assert parsed["framework"] == "keras"
    assert parsed["input_size"] is not None
    expected = keras_shapes(code)
    assert stack_shapes(client, parsed, parsed["input_size"]) == expected


def test_keras_wavenet_receptive_field_is_16(client: TestClient) -> None:
    parsed = client.post("/api/stack/parse", json={"code": KERAS_WAVENET}).json()
    body = {"input_size": parsed["input_size"], "in_channels": 1, "layers": parsed["layers"]}
    layers = client.post("/api/stack", json=body).json()["layers"]
    assert [x["receptive_field"] for x in layers] == [[2], [4], [8], [16]]
    assert [x["output_size"] for x in layers] == [[1000]] * 4


def refusal(code: str) -> dict[str, Any]:
    with pytest.raises(StackRefusal) as caught:
        parse_layers(code)
    [detail] = caught.value.detail()
    assert detail["loc"] == ["body", "code"]
    return detail


def test_unsupported_layers_name_their_line() -> None:
    detail = refusal("nn.Sequential(\n  nn.Conv2d(3, 8, 3),\n  nn.LSTM(8, 8),\n  nn.Linear(8, 2))")
    assert detail["type"] == "parse_unsupported"
    assert detail["ctx"]["line"] == 3
    assert detail["msg"].startswith("line 3: LSTM is not supported; supported layers are nn.Conv1d")


def test_the_classifier_head_ends_the_stack_and_is_listed() -> None:
    parsed = parse_layers(
        "nn.Sequential(\n  nn.Conv2d(3, 8, 3),\n  nn.Flatten(),\n  nn.Linear(8, 2))"
    )
    assert len(parsed["layers"]) == 1
    assert parsed["head"] == [{"line": 3, "name": "Flatten"}, {"line": 4, "name": "Linear"}]


def test_names_are_refused_not_looked_up() -> None:
    detail = refusal("nn.Conv2d(3, self.inplanes, kernel_size=7)")
    assert detail["type"] == "parse_not_literal"
    assert "out_channels" in detail["msg"] and "line 1" in detail["msg"]


AVG_POOL_1D_SEVEN = """\
class Net(nn.Module):
    def forward(self, x):
        return F.avg_pool1d(x, 2, 2, 0, False, True, 3)
"""


@pytest.mark.parametrize(
    ("code", "type"),
    [
        ("nn.Conv2d(3, 8, 3, stride=2, padding='same')", "parse_unsupported_option"),
        ("nn.MaxPool2d(3, padding=2)", "parse_unsupported_option"),
        ("nn.Conv2d(3, 8, 3, foo=1)", "parse_bad_argument"),
        ("nn.Conv2d(3, 8, (3, 3, 3))", "parse_bad_value"),
        ("nn.Conv2d(3, 8, 3)\nnn.Conv2d(4, 8, 3)", "parse_channels_mismatch"),
        ("nn.Conv2d(3, 8, 3)\nnn.Conv1d(8, 8, 3)", "parse_mixed_dimensions"),
        ("nn.Conv2d(3, 8)", "parse_missing_argument"),
        (
            "nn.Conv2d(3, 8, 3, 1, 0, 1, 1, True, 'zeros', None, None, 5)",
            "parse_too_many_arguments",
        ),
        ("nn.Conv2d(3, 8, 3", "parse_syntax"),
        ("print('hello')", "parse_no_layers"),
        ("(" * 300 + ")" * 300, "parse_syntax"),
        ("x" * 20_001, "parse_too_long"),
        ("layers.Conv2D(8, 3, padding='causal')", "parse_bad_value"),
        ("nn.Conv2d(*args)", "parse_not_literal"),
        ("nn.AvgPool1d(2, divisor_override=3)", "parse_bad_argument"),
        (AVG_POOL_1D_SEVEN, "parse_too_many_arguments"),
    ],
)
def test_refusals_have_a_stable_type(code: str, type: str) -> None:
    assert refusal(code)["type"] == type


def test_pytorch_refuses_a_1d_average_pools_divisor_too() -> None:
    """The witness for the two refusals above: AvgPool1d and F.avg_pool1d have no
    divisor_override (the 2-D and 3-D ones do)."""
    with pytest.raises(TypeError):
        torch.nn.AvgPool1d(2, divisor_override=3)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        torch.nn.functional.avg_pool1d(torch.zeros(1, 1, 4), 2, 2, 0, False, True, 3)  # type: ignore[call-arg]
    assert torch.nn.AvgPool2d(2, divisor_override=3).divisor_override == 3


def test_pytorch_positional_order_differs_for_transposed_layers() -> None:
    # ConvTranspose2d(in, out, k, stride, padding, output_padding, groups, bias, dilation)
    [layer] = parse_layers("nn.ConvTranspose2d(4, 8, 3, 2, 1, 1, 2, False, 3)")["layers"]
    assert layer["output_padding"] == 1 and layer["groups"] == 2
    assert layer["bias"] is False and layer["dilation"] == 3


def test_pools_default_their_stride_to_the_window() -> None:
    parsed = parse_layers("nn.MaxPool2d(3)\nlayers.MaxPooling2D((2, 3))")
    assert [x["stride"] for x in parsed["layers"]] == [3, [2, 3]]
    assert parse_layers("nn.AvgPool1d(4, None)")["layers"][0]["stride"] == 4


def test_the_parse_route_refuses_with_a_422(client: TestClient) -> None:
    response = client.post("/api/stack/parse", json={"code": "nn.Conv2d(3, 8, 3)\nnn.LSTM(8, 8)"})
    assert response.status_code == 422
    [detail] = response.json()["detail"]
    assert detail["loc"] == ["body", "code"] and detail["ctx"]["line"] == 2


KERAS_RESNET_STEM = """\
# keras.applications.resnet.ResNet
x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
x = layers.Conv2D(64, 7, strides=2, use_bias=use_bias, name="conv1_conv")(x)
x = layers.BatchNormalization(axis=bn_axis, epsilon=1.001e-5, name="conv1_bn")(x)
x = layers.Activation("relu", name="conv1_relu")(x)
x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
"""


def test_padding_layers_fold_into_the_next_layer(client: TestClient) -> None:
    """keras.applications' ResNet stem pads with ZeroPadding2D: still 224 → 112 → 56."""
    detail = refusal(KERAS_RESNET_STEM)  # use_bias=use_bias is a name, not a number
    assert detail["type"] == "parse_not_literal" and detail["ctx"]["line"] == 3
    parsed = parse_layers(KERAS_RESNET_STEM.replace("use_bias=use_bias", "use_bias=False"))
    assert [x["padding"] for x in parsed["layers"]] == [3, 1]
    parsed["in_channels"] = 3
    assert stack_shapes(client, parsed, [224, 224]) == [(64, 112, 112), (64, 56, 56)]
    torch_pads = parse_layers("nn.ZeroPad2d((0, 1, 2, 3))\nnn.Conv2d(1, 1, 3, padding=1)")
    assert torch_pads["layers"][0]["padding"] == [[3, 4], [1, 2]]
    assert refusal("layers.ZeroPadding2D(1)\nlayers.Conv2D(4, 3, padding='same')")["type"] == (
        "parse_unsupported_option"
    )
    assert refusal("nn.Conv2d(1, 1, 3)\nnn.ZeroPad2d(1)")["type"] == "parse_padding_last"


TORCH_SIGNATURES = {
    "Conv": ["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
             "groups", "bias"],
    "ConvTranspose": ["in_channels", "out_channels", "kernel_size", "stride", "padding",
                      "output_padding", "groups", "bias", "dilation"],
    "MaxPool": ["kernel_size", "stride", "padding", "dilation"],
    "AvgPool": ["kernel_size", "stride", "padding"],
}  # fmt: skip


@st.composite
def torch_layer_calls(draw: st.DrawFn) -> tuple[str, int, list[int]]:
    """One PyTorch layer written as code: some arguments positional, the rest keywords."""
    kind = draw(st.sampled_from(sorted(TORCH_SIGNATURES)))
    ndim = draw(st.sampled_from([1, 2]))
    per_dim = st.one_of(st.integers(1, 3), st.tuples(*[st.integers(1, 3)] * ndim))
    groups = draw(st.sampled_from([1, 2]))
    values = {
        "in_channels": 2 * groups, "out_channels": 2 * groups, "groups": groups,
        "kernel_size": draw(per_dim), "stride": draw(per_dim), "dilation": draw(per_dim),
        "padding": draw(st.integers(0, 1)), "output_padding": draw(st.integers(0, 1)),
        "bias": draw(st.booleans()),
    }  # fmt: skip
    params = TORCH_SIGNATURES[kind]
    given = [p for p in params if p in ("in_channels", "out_channels", "kernel_size")
             or draw(st.booleans())]  # fmt: skip
    positional = draw(st.integers(0, len(given)))
    args = []
    for i, name in enumerate(params):
        if name not in given:
            if i < positional:
                positional = i  # a gap ends the positional part
            continue
        text = repr(values[name])
        args.append(text if i < positional and len(args) == i else f"{name}={text}")
    channels = values["in_channels"] if kind.startswith("Conv") else 2
    size = [draw(st.integers(6, 12)) for _ in range(ndim)]
    return f"nn.{kind}{ndim}d({', '.join(args)})", channels, size


@settings(max_examples=200, suppress_health_check=list(HealthCheck), deadline=None)
@given(torch_layer_calls())
def test_pytorch_arguments_bind_as_pytorch_binds_them(case: tuple[str, int, list[int]]) -> None:
    code, channels, size = case
    try:
        module = eval(code, {"nn": nn})
        expected = tuple(module(torch.zeros(1, channels, *size)).shape[1:])
    except (RuntimeError, ValueError):
        assume(False)
        raise
    parsed = parse_layers(code)
    request = StackRequest.model_validate(
        {"input_size": size, "in_channels": channels, "layers": parsed["layers"]}
    )
    [layer] = run_stack(request)["layers"]
    assert (layer["out_channels"], *layer["output_size"]) == expected, code


@st.composite
def keras_layer_calls(draw: st.DrawFn) -> tuple[str, list[int]]:
    """One Keras layer as code, positional or keyword arguments, on a channels-last input."""
    ndim = draw(st.sampled_from([1, 2]))
    per_dim = st.one_of(st.integers(1, 3), st.tuples(*[st.integers(1, 3)] * ndim))
    kind = draw(st.sampled_from(["Conv", "ConvTranspose", "MaxPooling", "AveragePooling"]))
    padding = draw(st.sampled_from(["valid", "same"]))
    if kind.startswith("Conv"):
        name = f"Conv{ndim}D" + ("Transpose" if kind == "ConvTranspose" else "")
        strides = draw(per_dim)
        dilation = 1 if strides != 1 and strides != (1,) * ndim else draw(per_dim)
        args = [repr(draw(st.integers(1, 3))), repr(draw(per_dim))]
        named = {"strides": strides, "padding": padding, "dilation_rate": dilation}
    else:
        name = f"{kind}{ndim}D"
        args = [repr(draw(per_dim))] if draw(st.booleans()) else []
        named = {"strides": draw(st.one_of(st.none(), per_dim)), "padding": padding}
    keywords = [f"{k}={v!r}" for k, v in named.items() if draw(st.booleans())]
    size = [draw(st.integers(6, 12)) for _ in range(ndim)]
    return f"layers.{name}({', '.join(args + keywords)})", size


@settings(max_examples=60, suppress_health_check=list(HealthCheck), deadline=None)
@given(keras_layer_calls())
def test_keras_arguments_bind_as_keras_binds_them(case: tuple[str, list[int]]) -> None:
    code, size = case
    try:
        layer = eval(code, {"layers": keras.layers})
    except TypeError:  # Keras refuses the call itself (a missing argument): so does the parser
        with pytest.raises(StackRefusal):
            parse_layers(code)
        return
    try:
        *shape, channels = layer(keras.ops.zeros((1, *size, 2))).shape[1:]
    except (RuntimeError, ValueError):
        assume(False)
        raise
    parsed = parse_layers(code)
    request = StackRequest.model_validate(
        {"input_size": size, "in_channels": 2, "layers": parsed["layers"]}
    )
    [result] = run_stack(request)["layers"]
    assert (result["out_channels"], *result["output_size"]) == (channels, *shape), code


def test_3d_layers_and_ceil_mode_are_read() -> None:
    """Conv3d, ConvTranspose3d, MaxPool3d(ceil_mode=True) and Keras's 3-D layers (issue 20)."""
    from app.stack.parse import parse_layers

    torch_code = (
        "nn.Sequential(nn.Conv3d(1, 8, 3, padding=1, padding_mode='reflect'),"
        " nn.MaxPool3d(2, ceil_mode=True), nn.ConvTranspose3d(8, 4, 2, stride=2))"
    )
    parsed = parse_layers(torch_code)
    assert parsed["ndim"] == 3
    assert [layer["op"] for layer in parsed["layers"]] == ["conv", "max_pool", "conv"]
    assert parsed["layers"][1]["ceil_mode"] is True
    keras_code = "keras.Sequential([layers.Conv3D(8, 3), layers.AveragePooling3D(2)])"
    assert parse_layers(keras_code)["ndim"] == 3
