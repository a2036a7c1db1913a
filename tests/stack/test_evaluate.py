"""Ways models are commonly written, read by the evaluator, checked by running them.

Each PyTorch case is run by the test (never by the parser) and the parsed stack's shapes
must equal the main path PyTorch computes on zeros (``test_published.torch_shapes``).
"""

from typing import Any

import pytest
import torch
from fastapi.testclient import TestClient

from app.stack.build import StackRefusal
from app.stack.parse import parse_layers
from tests.stack.test_published import parse, run, stack_shapes, torch_shapes

PRELUDE = "import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"

ORDERED = (
    PRELUDE
    + """\
from collections import OrderedDict
model = nn.Sequential(OrderedDict([
    ("conv1", nn.Conv2d(1, 20, 5)),
    ("relu1", nn.ReLU()),
    ("conv2", nn.Conv2d(20, 64, 5)),
    ("relu2", nn.ReLU()),
]))
"""
)

MODULE_LIST = (
    PRELUDE
    + """\
class Net(nn.Module):
    def __init__(self, depth=3, width=8):
        super().__init__()
        self.layers = nn.ModuleList(
            [nn.Conv2d(3 if i == 0 else width, width, 3, padding=1) for i in range(depth)])
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        for layer in self.layers:
            x = F.relu(layer(x))
        x = self.pool(x)
        return x.view(x.size(0), -1)

model = Net()
"""
)

# The shape of kuangliu/pytorch-cifar's ResNet: an empty nn.Sequential shortcut, or a
# 1×1 convolution when the stride or the width changes; F.avg_pool2d(out, 4) at the end.
CIFAR_RESNET = (
    PRELUDE
    + """\
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_planes, planes, stride=1):
        super(BasicBlock, self).__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=stride, padding=1,
                               bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != self.expansion * planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, self.expansion * planes, kernel_size=1, stride=stride,
                          bias=False),
                nn.BatchNorm2d(self.expansion * planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        return F.relu(out)


class ResNet(nn.Module):
    def __init__(self, block, num_blocks, num_classes=10):
        super(ResNet, self).__init__()
        self.in_planes = 64
        self.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.layer1 = self._make_layer(block, 64, num_blocks[0], stride=1)
        self.layer2 = self._make_layer(block, 128, num_blocks[1], stride=2)
        self.linear = nn.Linear(128 * block.expansion * 16, num_classes)

    def _make_layer(self, block, planes, num_blocks, stride):
        strides = [stride] + [1] * (num_blocks - 1)
        layers = []
        for stride in strides:
            layers.append(block(self.in_planes, planes, stride))
            self.in_planes = planes * block.expansion
        return nn.Sequential(*layers)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer1(out)
        out = self.layer2(out)
        out = F.avg_pool2d(out, 4)
        out = out.view(out.size(0), -1)
        return self.linear(out)


net = ResNet(BasicBlock, [2, 2])
y = net(torch.randn(1, 3, 32, 32))
"""
)

# The shape of torchaudio's speech-command tutorial M5: a kernel of 80 samples at stride 16,
# then a global average pool written as F.avg_pool1d(x, x.shape[-1]).
AUDIO = (
    PRELUDE
    + """\
class M5(nn.Module):
    def __init__(self, n_input=1, n_output=35, stride=16, n_channel=32):
        super().__init__()
        self.conv1 = nn.Conv1d(n_input, n_channel, kernel_size=80, stride=stride)
        self.bn1 = nn.BatchNorm1d(n_channel)
        self.pool1 = nn.MaxPool1d(4)
        self.conv2 = nn.Conv1d(n_channel, n_channel, kernel_size=3)
        self.bn2 = nn.BatchNorm1d(n_channel)
        self.pool2 = nn.MaxPool1d(4)
        self.fc1 = nn.Linear(n_channel, n_output)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.pool1(x)
        x = F.relu(self.bn2(self.conv2(x)))
        x = self.pool2(x)
        x = F.avg_pool1d(x, x.shape[-1])
        x = x.permute(0, 2, 1)
        return F.log_softmax(self.fc1(x), dim=2)


model = M5(n_input=1, n_output=35)
"""
)


@pytest.mark.parametrize(
    ("code", "name", "size", "head", "branches"),
    [(ORDERED, "model", [28, 28], [], 0),
     (MODULE_LIST, "model", [16, 16], ["view"], 0),
     (CIFAR_RESNET, "net", [32, 32], ["view", "Linear"], 2),
     (AUDIO, "model", [16_000], ["global_avg_pool1d", "Linear"], 0)],
    ids=["ordered-dict", "module-list", "cifar-resnet", "audio-m5"],
)  # fmt: skip
def test_common_pytorch_forms_give_pytorch_shapes(
    client: TestClient, code: str, name: str, size: list[int], head: list[str], branches: int
) -> None:
    parsed = parse(client, code)
    assert [h["name"] for h in parsed["head"]] == head
    assert len(parsed["branches"]) == branches
    channels = parsed["in_channels"]
    expected = torch_shapes(run(code)[name], channels, size)
    if head[:1] == ["global_avg_pool1d"]:  # PyTorch ran it as a pool; the stack lists it as head
        assert expected.pop()[1:] == (1,)
    assert stack_shapes(client, parsed, size, channels) == expected


KERAS_ADD = """\
from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential()
model.add(layers.Conv2D(32, (3, 3), activation="relu", input_shape=(64, 64, 3)))
model.add(layers.MaxPooling2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.Flatten())
model.add(layers.Dense(10))
"""

KERAS_RESIDUAL = """\
inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(32, 3, padding="same")(inputs)
shortcut = layers.Conv2D(64, 1, strides=2)(x)
x = layers.Conv2D(64, 3, strides=2, padding="same")(x)
x = layers.BatchNormalization()(x)
x = layers.add([x, shortcut])
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs, outputs)
"""


def test_keras_sequential_add_and_a_functional_shortcut() -> None:
    parsed = parse_layers(KERAS_ADD)
    assert parsed["input_size"] == [64, 64] and parsed["in_channels"] == 3
    assert parsed["lines"] == [4, 5, 6] and [h["name"] for h in parsed["head"]] == [
        "Flatten", "Dense"]  # fmt: skip
    parsed = parse_layers(KERAS_RESIDUAL)
    assert parsed["lines"] == [2, 4] and parsed["branches"] == [{"line": 3, "name": "Conv2D"}]
    assert [h["name"] for h in parsed["head"]] == ["GlobalAveragePooling2D", "Dense"]


@pytest.mark.parametrize(
    ("code", "type", "line", "says"),
    [("import torchvision\nmodel = torchvision.models.resnet18(weights=None)\nprint(model)",
      "parse_no_layers_unknown", 2, "print(model)"),
     ("class Net(nn.Module):\n    def __init__(self, c):\n        super().__init__()\n"
      "        self.conv = nn.Conv2d(c, 8, 3)\n    def forward(self, x):\n"
      "        return self.conv(x)\n", "parse_class_arguments", 1, "model = Net("),
     ("x = torch.randn(1, 3, 8, 8)\ny = Bottleneck(3, 8)(x)", "parse_unknown_module", 2,
      "paste its class"),
     ("c = [64, 128]\nfor v in cfgs['A']:\n    pass", "parse_unknown_loop", 2, "range"),
     ("n = 3\nif unknown_flag:\n    n = 4", "parse_unknown_condition", 2, "unknown_flag")],
    ids=["torchvision", "class-arguments", "unknown-class", "unknown-loop", "unknown-if"],
)  # fmt: skip
def test_what_cannot_be_resolved_is_named_with_what_to_paste(
    code: str, type: str, line: int, says: str
) -> None:
    with pytest.raises(StackRefusal) as caught:
        parse_layers(code)
    [detail] = caught.value.detail()
    assert detail["type"] == type and detail["ctx"]["line"] == line
    assert says in detail["msg"]


def test_nothing_is_run_while_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parser builds no torch module: constructors are data, not calls."""
    calls: list[Any] = []
    monkeypatch.setattr(torch.nn.Conv2d, "__init__", lambda *a, **k: calls.append(a))
    parse_layers(CIFAR_RESNET)
    assert calls == []
