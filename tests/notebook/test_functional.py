"""convscope.stack sees convolutions and pools called as functions in a forward (F.conv2d…),
named after the module that called them, with PyTorch's shapes in PyTorch's running order.

The expected list comes from a real run on zeros with every ``torch.nn.functional`` entry
point wrapped: an ``nn.Conv2d`` calls ``F.conv2d`` itself, so the wrapped run sees every
convolution and pool exactly once, modules and functional calls alike, as they execute."""

from collections.abc import Callable
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import convscope

WRAPPED = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d",
           "avg_pool2d", "avg_pool3d"]  # fmt: skip


class Block(nn.Module):
    """A module conv, then the same block's own functional calls ('same' with dilation and
    groups, a pool, 'valid' with a stride)."""

    def __init__(self, c: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)
        self.w = nn.Parameter(torch.randn(c, c // 2, 3, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.relu(self.conv(x))
        y = F.conv2d(y, self.w, None, 1, "same", 2, 2)
        y = F.max_pool2d(y, 3, 2, 1)
        return F.conv2d(y, self.w, stride=2, padding="valid", groups=2)


class Mixed(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 5, 2, 2)
        self.block = Block(8)
        self.up = nn.Parameter(torch.randn(8, 4, 4, 4))
        self.bias = nn.Parameter(torch.zeros(4))
        self.pool = nn.AvgPool2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.block(self.stem(x))
        x = F.conv_transpose2d(x, self.up, self.bias, stride=2, padding=1, output_padding=1)
        x, _ = F.max_pool2d(x, 2, return_indices=True)
        x = F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)
        return torch.flatten(self.pool(x), 1)


class OneAndThree(nn.Module):
    """1-D and 3-D functional calls."""

    def __init__(self) -> None:
        super().__init__()
        self.w1 = nn.Parameter(torch.randn(6, 2, 3))
        self.t1 = nn.Parameter(torch.randn(6, 3, 4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.conv1d(x, self.w1, padding=2, dilation=2)
        x = F.max_pool1d(x, 2, ceil_mode=True)
        x = F.conv_transpose1d(x, self.t1, stride=3, groups=1)
        return F.avg_pool1d(x, 2)


def _running(model: nn.Module, x: torch.Tensor, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every convolution and pool of a real run: (function, input shape, output shape)."""
    seen: list[tuple[str, list[int], list[int]]] = []

    def wrap(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def recorded(*args: Any, **kwargs: Any) -> Any:
            out = original(*args, **kwargs)
            first = out[0] if isinstance(out, tuple) else out
            seen.append((name, list(args[0].shape[1:]), list(first.shape[1:])))
            return out

        return recorded

    with monkeypatch.context() as patch:
        for name in WRAPPED:
            patch.setattr(F, name, wrap(name, getattr(F, name)))
        model.eval()
        with torch.no_grad():
            model(x)
    return seen


def _got(stack: Any) -> list[tuple[list[int], list[int]]]:
    return [([layer["in_channels"], *layer["input_size"]],
             [layer["out_channels"], *layer["output_size"]]) for layer in stack.layers]  # fmt: skip


def test_modules_and_functional_calls_in_running_order_with_pytorchs_shapes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = Mixed()
    expected = _running(model, torch.zeros(1, 3, 40, 40), monkeypatch)
    stack = convscope.stack(model, (3, 40, 40))
    assert _got(stack) == [(i, o) for _, i, o in expected]  # each call once, none twice
    names = [layer["name"] for layer in stack.layers]
    assert names == ["stem", "block.conv", "block (F.conv2d)", "block (F.max_pool2d)",
                     "block (F.conv2d #2)", "F.conv_transpose2d", "F.max_pool2d",
                     "F.avg_pool2d", "pool"]  # fmt: skip
    layers = dict(zip(names, stack.layers, strict=True))
    same = layers["block (F.conv2d)"]
    assert (same["dilation"], same["groups"], same["padding"]) == ([2, 2], 2, [[2, 2], [2, 2]])
    assert layers["block (F.conv2d #2)"]["padding"] == [[0, 0], [0, 0]]  # 'valid'
    assert layers["block (F.conv2d #2)"]["stride"] == [2, 2]
    # the weights' own sizes: params as PyTorch counts them, bias included
    assert same["params"] == model.block.w.numel()
    up = layers["F.conv_transpose2d"]
    assert up["transposed"] and up["params"] == model.up.numel() + model.bias.numel()
    assert layers["F.avg_pool2d"]["params"] == 0


def test_one_and_three_dimensional_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    model = OneAndThree()
    expected = _running(model, torch.zeros(1, 2, 17), monkeypatch)
    stack = convscope.stack(model, (2, 17))
    assert _got(stack) == [(i, o) for _, i, o in expected]
    assert [layer["name"] for layer in stack.layers] == [
        "F.conv1d", "F.max_pool1d", "F.conv_transpose1d", "F.avg_pool1d"]  # fmt: skip
    three = nn.Sequential(nn.Conv3d(1, 2, 3, padding=1))
    assert convscope.stack(three, (1, 6, 6, 6)).layers[0]["output_size"] == [6, 6, 6]


class Functional3d(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.randn(4, 1, 3, 3, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.avg_pool3d(F.conv3d(x, self.w, stride=(1, 2, 2), padding="valid"), 2)


def test_three_dimensional_functional_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    model = Functional3d()
    expected = _running(model, torch.zeros(1, 1, 8, 10, 10), monkeypatch)
    stack = convscope.stack(model, (1, 8, 10, 10))
    assert _got(stack) == [(i, o) for _, i, o in expected] and len(expected) == 2


def test_a_functional_layer_has_its_fields_and_its_receptive_field() -> None:
    stack = convscope.stack(Mixed(), (3, 40, 40))
    fields = [layer["receptive_field"][0] for layer in stack.layers]
    # stem 5 (jump 2), conv 3 → 9, dilated 3 (d=2) → 17, pool 3 → 21 (jump 4), 3 (s2) → 29
    assert fields[:5] == [5, 9, 17, 21, 29]
    diagram = stack.show("block (F.conv2d)")
    assert diagram.trace["output_size"] == [20, 20]
    assert diagram.trace["config"]["dilation"] == [2, 2]
