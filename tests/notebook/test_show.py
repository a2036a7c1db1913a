"""convscope.show and convscope.trace: a PyTorch or Keras layer with its weights and an input
gives the layer's own output (PyTorch and Keras are the witnesses); queries and fields give
the API's JSON; refusals name the field."""

import os
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch import nn

import convscope
from app.layer.query import request_from_query
from app.layer.tracing import run_trace
from tests.strategies import conv_fields, pool_fields

CONV = {1: nn.Conv1d, 2: nn.Conv2d, 3: nn.Conv3d}
CONV_T = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d, 3: nn.ConvTranspose3d}
POOL = {("max_pool", 1): nn.MaxPool1d, ("max_pool", 2): nn.MaxPool2d,
        ("avg_pool", 1): nn.AvgPool1d, ("avg_pool", 2): nn.AvgPool2d}  # fmt: skip


def _layer(fields: dict[str, Any]) -> nn.Module:
    n = len(fields["input_size"])
    args = {k: fields[k] for k in ("kernel_size", "stride", "dilation", "groups")}
    if fields["transposed"]:
        q = fields["output_padding"] or 0
        return CONV_T[n](fields["in_channels"], fields["out_channels"], padding=fields["padding"],
                         output_padding=q, bias=True, **args)  # fmt: skip
    return CONV[n](fields["in_channels"], fields["out_channels"], padding=fields["padding"],
                   bias=True, **args)  # fmt: skip


def _small_ints(module: nn.Module, seed: int) -> None:
    """Whole-number weights, so both sides compute exactly."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randint(-3, 4, p.shape, generator=generator).float())


@settings(max_examples=15, deadline=None)
@given(conv_fields(), st.integers(0, 2**16))
def test_a_pytorch_layer_with_its_weights_and_input_gives_its_output(
    fields: dict[str, Any], seed: int
) -> None:
    padding = fields["padding"]  # PyTorch's layers take numbers, one per dimension at most
    assume(isinstance(padding, int) or all(isinstance(p, int) for p in padding))
    try:
        layer = _layer(fields)
        x = torch.randint(-4, 5, (fields["in_channels"], *fields["input_size"])).float()
        expected = layer(x[None])[0]
    except (RuntimeError, ValueError):
        assume(False)
        raise
    _small_ints(layer, seed)
    expected = layer(x[None])[0].detach().numpy()
    try:
        diagram = convscope.show(layer, weights=True, x=x)
    except convscope.ConvScopeError as exc:  # a limit of the page, named
        assert exc.field in ("input_size", "kernel_size", "padding", "output_padding", "stride")
        assume(False)
        raise
    assert np.array_equal(np.asarray(diagram.trace["output"]), expected)
    assert diagram.trace["output_size"] == list(expected.shape[1:])


@settings(max_examples=8, deadline=None)
@given(pool_fields())
def test_a_pytorch_pool_and_input_gives_its_output(fields: dict[str, Any]) -> None:
    assume(fields["padding"] != "valid")
    n = len(fields["input_size"])
    args = {k: fields[k] for k in ("kernel_size", "stride", "padding")}
    if fields["op"] == "max_pool":
        args["dilation"] = fields["dilation"]
    try:
        layer = POOL[(fields["op"], n)](**args)
        x = torch.randint(-4, 5, (fields["in_channels"], *fields["input_size"])).float()
        expected = layer(x[None])[0].numpy()
    except (RuntimeError, ValueError):
        assume(False)
        raise
    try:
        diagram = convscope.show(layer, x=x)
    except convscope.ConvScopeError:
        assume(False)
        raise
    assert np.allclose(np.asarray(diagram.trace["output"]), expected)


def test_the_learners_line_shows_the_transposed_layer() -> None:
    """The issue's "done when": ConvTranspose2d(1, 1, 3, stride=2, padding=1) on 3×3 → 5×5."""
    diagram = convscope.show(nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1), input_size=(3, 3))
    assert diagram.trace["output_size"] == [5, 5]
    assert diagram.trace["config"]["transposed"] is True
    assert "<iframe srcdoc=" in diagram._repr_html_()


def test_a_keras_layer_with_its_weights_and_input_gives_its_output() -> None:
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    rng = np.random.default_rng(3)
    for layer in (keras.layers.Conv2D(3, (3, 2), strides=2, padding="same", use_bias=True),
                  keras.layers.Conv2DTranspose(2, 3, strides=2, padding="same"),
                  keras.layers.Conv1D(2, 3, dilation_rate=2, padding="causal"),
                  keras.layers.MaxPooling2D(2)):  # fmt: skip
        x = rng.integers(-4, 5, size=(6, 6, 2) if "1D" not in type(layer).__name__ else (9, 2))
        x = x.astype("float32")
        expected = np.asarray(keras.ops.convert_to_numpy(layer(x[None])))[0]
        if layer.weights:
            layer.set_weights([rng.integers(-3, 4, w.shape).astype("float32")
                               for w in layer.get_weights()])  # fmt: skip
            expected = np.asarray(keras.ops.convert_to_numpy(layer(x[None])))[0]
        diagram = convscope.show(layer, weights=True, x=x)
        # Keras is channels last; the trace is PyTorch's layout, channels first
        assert np.allclose(np.moveaxis(np.asarray(diagram.trace["output"]), 0, -1), expected)


def test_a_query_and_fields_give_the_apis_trace() -> None:
    query = "input_size=5,5&kernel_size=3&stride=2&padding=1"
    request, flat = request_from_query([tuple(p.split("=")) for p in query.split("&")])
    expected = run_trace(request, flat)
    assert convscope.trace(query) == expected
    assert convscope.trace(input_size=(5, 5), stride=2, padding=1) == expected
    shown = convscope.show(query + "&view=overlap&step=3")
    assert shown.trace == {k: v for k, v in expected.items() if k != "steps"}
    assert '"view":"overlap"' in shown.html and '"step":"3"' in shown.html


def test_refusals_name_the_field_as_the_api_does() -> None:
    with pytest.raises(convscope.ConvScopeError) as refused:
        convscope.show(input_size=(5, 5), stride=0)
    assert refused.value.field == "stride"
    assert refused.value.detail[0]["type"] == "too_small"
    with pytest.raises(convscope.ConvScopeError) as refused:
        # PyTorch itself refuses this in forward: reflect padding must be below the input size
        convscope.show(nn.Conv2d(1, 1, 3, padding=5, padding_mode="reflect"), input_size=(5, 5))
    assert refused.value.field == "padding"
    assert refused.value.detail[0]["type"] == "padding_mode_reflect_too_large"
    with pytest.raises(convscope.ConvScopeError) as refused:
        convscope.show("input_size=5,5", step=99)
    assert refused.value.field == "step"
    with pytest.raises(convscope.ConvScopeError) as refused:
        convscope.show(nn.Linear(3, 3))
    assert refused.value.field == "obj"
    assert "a PyTorch layer (nn.Conv1d/2d/3d" in str(refused.value)
    with pytest.raises(convscope.ConvScopeError) as refused:
        convscope.show(nn.Conv2d(1, 1, 3), x=torch.zeros(1, 1, 5, 5))  # batched
    assert str(refused.value) == (
        "x: x must be one unbatched input, (C, *input_size): 3 dimensions for this 2-D layer "
        "(got shape 1×1×5×5)"
    )


def test_save_writes_the_offline_page(tmp_path: Any) -> None:
    diagram = convscope.show("input_size=4,4&kernel_size=3")
    written = diagram.save(tmp_path)
    assert written.name == "conv2d-4x4-k3.html"
    assert written.read_text(encoding="utf-8") == diagram.html


def test_the_diagram_speaks_the_language_asked() -> None:
    diagram = convscope.show("input_size=3,3&stride=2&padding=1&transposed=1", lang="hi")
    assert '<html lang="hi"' in diagram.html
    assert "ट्रांसपोज़्ड कनवल्शन: 3×3 इनपुट" in diagram.html
    with pytest.raises(convscope.ConvScopeError) as refused:
        convscope.show("input_size=5,5", lang="xx")
    assert refused.value.field == "lang"
