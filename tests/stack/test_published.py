"""Model code as it is published, pasted as it is: the parsed stack gives PyTorch's shapes.

The test data (``tests/stack/data/``, each file names its source) is what a learner
pastes: the PyTorch tutorial's LeNet, keras.io's MNIST convnet, VGG-11's features built
from torchvision's ``cfg`` table, a U-Net encoder built from a ``DoubleConv`` class, and
the text ``print(model)`` writes for ResNet-18 and VGG-11 built the way torchvision builds
them (``tests/stack/torchvision_like.py``). The parser never runs them; the tests do, and
every convolution and pooling on the main path (residual shortcuts left out) must have
the output shape PyTorch (or Keras) computes on zeros.
"""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras
import pytest
import torch
from fastapi.testclient import TestClient
from torch import nn
from torch.overrides import TorchFunctionMode

from tests.stack import torchvision_like

DATA = Path(__file__).parent / "data"
LAYERS = (("conv", ""), ("conv_transpose", ""), ("max_pool", ""), ("avg_pool", ""),
          ("max_pool", "_with_indices"))  # fmt: skip
LAYER_FUNCTIONS = {f"{name}{n}d{tail}" for n in (1, 2, 3) for name, tail in LAYERS}
SHORTCUTS = ("downsample", "shortcut", "skip")


def text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


class _Shapes(TorchFunctionMode):
    """Every convolution and pooling PyTorch runs (modules and ``F.*`` alike), in order."""

    def __init__(self) -> None:
        super().__init__()
        self.shapes: list[tuple[int, ...]] = []
        self.muted = 0

    def __torch_function__(self, func: Callable[..., Any], types: Any, args: Any = (),
                           kwargs: Any = None) -> Any:  # fmt: skip
        out = func(*args, **(kwargs or {}))
        name = getattr(func, "__name__", "").lstrip("_")
        if self.muted == 0 and name in LAYER_FUNCTIONS:
            result = out[0] if isinstance(out, tuple) else out
            self.shapes.append(tuple(result.shape[1:]))
        return out


@contextmanager
def main_path(model: nn.Module) -> Iterator[_Shapes]:
    """Record the main path's shapes: calls inside a shortcut module are not recorded."""
    mode = _Shapes()
    handles = []
    for name, module in model.named_modules():
        if name.split(".")[-1] in SHORTCUTS:
            handles.append(module.register_forward_pre_hook(
                lambda *_: setattr(mode, "muted", mode.muted + 1)))  # fmt: skip
            handles.append(module.register_forward_hook(
                lambda *_: setattr(mode, "muted", mode.muted - 1)))  # fmt: skip
    try:
        with mode, torch.no_grad():
            yield mode
    finally:
        for handle in handles:
            handle.remove()


def torch_shapes(model: nn.Module, in_channels: int, size: list[int]) -> list[tuple[int, ...]]:
    device = next(model.parameters()).device
    with main_path(model) as mode:
        model.eval()(torch.zeros(1, in_channels, *size, device=device))
    return mode.shapes


def stack_shapes(client: TestClient, parsed: dict[str, Any], size: list[int],
                 in_channels: int) -> list[tuple[int, ...]]:  # fmt: skip
    body = {"input_size": size, "in_channels": in_channels, "layers": parsed["layers"]}
    response = client.post("/api/stack", json=body)
    assert response.status_code == 200, response.text
    return [(x["out_channels"], *x["output_size"]) for x in response.json()["layers"]]


def parse(client: TestClient, code: str) -> dict[str, Any]:
    response = client.post("/api/stack/parse", json={"code": code})
    assert response.status_code == 200, response.text
    parsed: dict[str, Any] = response.json()
    return parsed


def run(code: str) -> dict[str, Any]:
    """The test (never the parser) runs the published code to build the real model."""
    namespace: dict[str, Any] = {"__name__": "published"}
    exec(compile(code, "<published>", "exec"), namespace)
    return namespace


def test_pytorch_tutorial_lenet(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    code = text("lenet_tutorial.txt")
    parsed = parse(client, code)
    assert parsed["source"] == "code" and parsed["framework"] == "pytorch"
    # input = torch.randn(1, 1, 32, 32) states the input
    assert parsed["input_size"] == [32, 32] and parsed["in_channels"] == 1
    expected = torch_shapes(run(code)["net"], 1, [32, 32])
    assert stack_shapes(client, parsed, [32, 32], 1) == expected == [
        (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5)]  # fmt: skip
    lines = code.splitlines()
    assert [lines[n - 1].strip()[:20] for n in parsed["lines"]] == [
        "self.conv1 = nn.Conv", "s2 = F.max_pool2d(c1", "self.conv2 = nn.Conv",
        "s4 = F.max_pool2d(c3"]  # fmt: skip
    assert [h["name"] for h in parsed["head"]] == ["flatten", "Linear", "Linear", "Linear"]
    assert "torch.flatten" in lines[parsed["head"][0]["line"] - 1]
    capsys.readouterr()


def test_keras_io_mnist_convnet(client: TestClient) -> None:
    code = text("keras_mnist_convnet.txt")
    parsed = parse(client, code)  # the whole example: data loading, compile and fit included
    assert parsed["framework"] == "keras"
    assert parsed["input_size"] == [28, 28] and parsed["in_channels"] == 1
    assert [h["name"] for h in parsed["head"]] == ["Flatten", "Dropout", "Dense"]
    # Run only the model cell (the rest downloads MNIST and trains for 15 epochs).
    model_cell = code[code.index("import keras") : code.index("# Load the data")]
    model_cell += code[code.index("model = keras.Sequential(") : code.index("model.summary()")]
    model = run(model_cell)["model"]
    expected = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D | keras.layers.MaxPooling2D):
            *size, channels = layer.output.shape[1:]
            expected.append((channels, *size))
    assert stack_shapes(client, parsed, [28, 28], 1) == expected == [
        (32, 26, 26), (32, 13, 13), (64, 11, 11), (64, 5, 5)]  # fmt: skip


def test_vgg11_features_from_the_cfg_list(client: TestClient) -> None:
    code = text("vgg11_cfg.txt")
    parsed = parse(client, code)
    assert len(parsed["layers"]) == 13 and parsed["in_channels"] == 3
    assert [s["name"] for s in parsed["skipped"]] == ["ReLU"] * 8
    expected = torch_shapes(run(code)["features"], 3, [224, 224])
    assert stack_shapes(client, parsed, [224, 224], 3) == expected
    assert expected[-1] == (512, 7, 7)


def test_unet_encoder_from_a_double_conv_class(client: TestClient) -> None:
    code = text("unet_encoder.txt")
    parsed = parse(client, code)
    assert parsed["in_channels"] == 3 and len(parsed["layers"]) == 14
    expected = torch_shapes(run(code)["encoder"], 3, [96, 64])
    assert stack_shapes(client, parsed, [96, 64], 3) == expected
    assert expected[-1] == (256, 6, 4)


@pytest.mark.parametrize(
    ("build", "data", "branches"),
    [(torchvision_like.resnet18, "resnet18_print.txt", 6),
     (torchvision_like.vgg11, "vgg11_print.txt", 0)],
    ids=["resnet18", "vgg11"],
)  # fmt: skip
def test_print_model_text(client: TestClient, build: Callable[[], nn.Module], data: str,
                          branches: int) -> None:  # fmt: skip
    with torch.device("meta"):  # VGG's classifier alone is 400 MB of weights: shapes only
        model = build()
    printed = text(data)
    assert printed == f"{model}\n"  # the test data is what print(model) writes
    parsed = parse(client, printed)
    assert parsed["source"] == "print" and parsed["in_channels"] == 3
    assert len(parsed["branches"]) == branches
    assert [h["name"] for h in parsed["head"]][:2] in (["AdaptiveAvgPool2d", "Linear"],)
    size = [224, 224]
    assert stack_shapes(client, parsed, size, 3) == torch_shapes(model, 3, size)


def test_resnet18_code_follows_forward_and_leaves_the_shortcuts_out(client: TestClient) -> None:
    source = (Path(__file__).parent / "torchvision_like.py").read_text(encoding="utf-8")
    parsed = parse(client, source + "\nmodel = resnet18()\n")
    assert len(parsed["layers"]) == 18  # conv1, maxpool, 16 block convolutions
    assert [b["name"] for b in parsed["branches"]] == ["Conv2d", "BatchNorm2d"] * 3
    assert [h["name"] for h in parsed["head"]] == ["AdaptiveAvgPool2d", "flatten", "Linear"]
    size = [64, 96]
    expected = torch_shapes(torchvision_like.resnet18(), 3, size)
    assert stack_shapes(client, parsed, size, 3) == expected
    assert expected[-1] == (512, 2, 3)


def test_receptive_fields_and_costs_follow_from_the_parsed_stack(client: TestClient) -> None:
    """LeNet's stack: receptive fields 5, 6, 14, 16; costs as PyTorch counts parameters."""
    parsed = parse(client, text("lenet_tutorial.txt"))
    body = {"input_size": [32, 32], "in_channels": 1, "layers": parsed["layers"]}
    layers = client.post("/api/stack", json=body).json()["layers"]
    assert [x["receptive_field"] for x in layers] == [[5, 5], [6, 6], [14, 14], [16, 16]]
    net = run(text("lenet_tutorial.txt").split("net = Net()")[0] + "net = Net()")["net"]
    convs = [m for m in net.modules() if isinstance(m, nn.Conv2d)]
    assert [x["params"] for x in layers if x["op"] == "conv"] == [
        sum(p.numel() for p in m.parameters()) for m in convs]  # fmt: skip


def test_keras_to_json_of_the_mnist_convnet(client: TestClient) -> None:
    """``model.to_json()`` as Keras writes it, compact and indented: the same stack."""
    code = text("keras_mnist_convnet.txt")
    model_cell = code[code.index("import keras") : code.index("# Load the data")]
    model_cell += code[code.index("model = keras.Sequential(") : code.index("model.summary()")]
    model = run(model_cell)["model"]
    compact = parse(client, model.to_json())
    indented = parse(client, model.to_json(indent=2))
    assert compact["source"] == indented["source"] == "keras_json"
    assert compact["layers"] == indented["layers"] == parse(client, code)["layers"]
    assert compact["input_size"] == [28, 28] and compact["in_channels"] == 1
    assert [h["name"] for h in indented["head"]] == ["Flatten", "Dropout", "Dense"]
    lines = model.to_json(indent=2).splitlines()
    assert all('"name"' in lines[n - 1] for n in indented["lines"])
    assert len(set(indented["lines"])) == 4


INCEPTION = """\
class Inception(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch3x3 = nn.Conv2d(in_channels, 24, kernel_size=3, padding=1)

    def forward(self, x):
        branch1x1 = self.branch1x1(x)
        branch3x3 = self.branch3x3(x)
        outputs = [branch1x1, branch3x3]
        return torch.cat(outputs, 1)


model = nn.Sequential(nn.Conv2d(3, 8, 3), Inception(8), nn.Conv2d(40, 8, 3))
"""


def test_parallel_branches_are_named_where_the_chain_breaks(client: TestClient) -> None:
    response = client.post("/api/stack/parse", json={"code": INCEPTION})
    assert response.status_code == 422
    [detail] = response.json()["detail"]
    assert detail["type"] == "parse_branches_join" and detail["ctx"]["line"] == 11
    printed = str(run("import torch\nfrom torch import nn\n" + INCEPTION)["model"])
    response = client.post("/api/stack/parse", json={"code": printed})
    [detail] = response.json()["detail"]
    assert detail["type"] == "parse_channels_mismatch"
    assert "(branch3x3): Conv2d(8, 24" in printed.splitlines()[detail["ctx"]["line"] - 1]


def test_keras_json_of_a_functional_residual_follows_the_longest_path(
    client: TestClient,
) -> None:
    """A Functional model's JSON: the shortcut is the shorter way round, a side branch."""
    layers = keras.layers
    inputs = keras.Input(shape=(32, 32, 3))
    x = layers.Conv2D(32, 3, padding="same")(inputs)
    shortcut = layers.Conv2D(64, 1, strides=2)(x)
    x = layers.Conv2D(64, 3, strides=2, padding="same")(x)
    main = layers.Conv2D(64, 3, padding="same")
    x = main(x)
    outputs = layers.Dense(10)(layers.Flatten()(layers.add([x, shortcut])))
    model = keras.Model(inputs, outputs)
    parsed = parse(client, model.to_json(indent=2))
    assert [b["name"] for b in parsed["branches"]] == ["Conv2D"]
    assert [h["name"] for h in parsed["head"]] == ["Flatten", "Dense"]
    expected = [(c, *size) for *size, c in (
        layer.output.shape[1:] for layer in model.layers
        if isinstance(layer, layers.Conv2D) and layer.output is not shortcut)]  # fmt: skip
    assert stack_shapes(client, parsed, [32, 32], 3) == expected == [
        (32, 32, 32), (64, 16, 16), (64, 16, 16)]  # fmt: skip
