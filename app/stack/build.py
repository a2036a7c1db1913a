"""Turn a ``StackRequest`` into the JSON of ``StackResponse``: check, resolve, describe.

The stack's limits are a real network's (``app/limits.py``, ``max_stack_*``), not the
trace's; each layer also says whether the one-layer page (the trace limits) can show it.
"""

from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import Any

from app import limits
from app.arithmetic.errors import ConfigError
from app.arithmetic.stack import LayerError, LayerSpec, StackLayer, build_stack, growing_field
from app.i18n.languages import ENGLISH, requested
from app.i18n.messages import catalogue, t
from app.layer.query import to_query
from app.layer.schemas import TraceRequest
from app.layer.tracing import DEFAULTS as TRACE_DEFAULTS
from app.layer.tracing import config_of
from app.stack import codegen as stack_codegen
from app.stack.schemas import StackLayerRequest, StackRequest


class StackRefusal(Exception):
    """A 422 of the stack routes: where (``loc`` after ``"body"``), a stable type, ctx."""

    def __init__(
        self,
        loc: list[str | int],
        type: str,
        message: Callable[[str], str],
        ctx: dict[str, Any],
    ) -> None:
        """``message(language)`` renders the sentence: English in ``msg``, and the
        request's ``?lang=`` in ``msg_local`` (SPEC.md, "Languages")."""
        super().__init__(message(ENGLISH))
        self.loc, self.type, self.message, self.ctx = loc, type, message(ENGLISH), ctx
        local = requested()
        self.local = message(local) if local is not None else None

    def detail(self) -> list[dict[str, Any]]:
        entry: dict[str, Any] = {"loc": ["body", *self.loc], "msg": self.message}
        entry.update(type=self.type, ctx=self.ctx)
        if self.local is not None:
            entry["msg_local"] = self.local
        return [entry]


def refuse(loc: list[str | int], type: str, **ctx: Any) -> StackRefusal:
    return StackRefusal(loc, type, lambda language: t(type, language=language, **ctx), ctx)


def layer_refusal(index: int, field: str, type: str, ctx: dict[str, Any]) -> StackRefusal:
    """``layer 3: <the single layer's message>``, located at ``layers[2].field``."""
    loc: list[str | int] = ["layers", index]
    if field:
        loc.append(field)

    def message(language: str) -> str:
        inner = t(type, language=language, **ctx)
        return t("stack_layer", language=language, layer=index + 1, message=inner)

    # Older errors still carry a whole sentence as their type (being converted to codes).
    code = type if type in catalogue() else "value_error"
    return StackRefusal(loc, code, message, {**ctx, "layer": index + 1})


def _numbers(value: Any) -> Iterator[int]:
    if isinstance(value, int):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)


def check_request(request: StackRequest, lim: limits.Limits = limits.LIMITS) -> None:
    """Refuse sizes above the stack limits before any work is done."""
    ndim = len(request.input_size)
    if ndim not in (1, 2, 3):
        raise refuse(["input_size"], "stack_dimensions_3d", value=ndim)
    size = lim.stack_size(ndim)
    if len(request.layers) > lim.max_stack_layers:
        raise refuse(
            ["layers"], "stack_too_many_layers", value=len(request.layers),
            limit=lim.max_stack_layers,
        )  # fmt: skip
    for value in request.input_size:
        if value > size:
            raise refuse(["input_size"], "stack_above_limit", field="input_size", value=value,
                         limit=size)  # fmt: skip
    if request.in_channels > lim.max_stack_channels:
        raise refuse(["in_channels"], "stack_above_limit", field="in_channels",
                     value=request.in_channels, limit=lim.max_stack_channels)  # fmt: skip
    for index, layer in enumerate(request.layers):
        checks: dict[str, tuple[Any, int]] = {
            "kernel_size": (layer.kernel_size, lim.max_stack_kernel_size),
            "stride": (layer.stride, size),
            "dilation": (layer.dilation, size),
            "padding": (layer.padding, size),
            "output_padding": (layer.output_padding, size),
            "out_channels": (layer.out_channels, lim.max_stack_channels),
            "groups": (layer.groups, lim.max_stack_channels),
        }
        for field, (value, limit) in checks.items():
            for number in _numbers(value):
                if number > limit:
                    raise layer_refusal(
                        index, field, "stack_above_limit", {"field": field, "value": number,
                                                            "limit": limit},
                    )  # fmt: skip


def spec_of(layer: StackLayerRequest) -> LayerSpec:
    return LayerSpec(
        kernel_size=layer.kernel_size,
        stride=layer.stride,
        padding=layer.padding,
        dilation=layer.dilation,
        groups=layer.groups,
        out_channels=layer.out_channels,
        transposed=layer.transposed,
        output_padding=layer.output_padding,
        bias=layer.bias,
        op=layer.op,
        ceil_mode=layer.ceil_mode,
    )


def resolve(request: StackRequest, lim: limits.Limits = limits.LIMITS) -> list[StackLayer]:
    """Check, then resolve every layer; refusals name the layer and the field."""
    check_request(request, lim)
    try:
        stack = build_stack(
            request.input_size, request.in_channels, [spec_of(x) for x in request.layers]
        )
    except LayerError as exc:
        raise layer_refusal(exc.index, exc.field, exc.type, dict(exc.ctx)) from None
    limit = lim.stack_size(len(request.input_size))
    for index, layer in enumerate(stack):
        for name, size in zip(layer.config.axis_names, layer.config.output_size, strict=True):
            if size > limit:
                raise layer_refusal(
                    index, "", "stack_output_above_limit",
                    {"axis": name, "value": size, "limit": limit},
                )  # fmt: skip
    return stack


def _number(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _layer_fields(
    layer: StackLayer,
    request: StackLayerRequest,
    input_size: list[int] | None = None,
    channels: tuple[int, int, int] | None = None,
) -> dict[str, Any]:
    """The one-layer trace fields of a layer (or of a crop of it: another input size and
    channel counts). A layer with bias keeps it: one bias of 1 per output channel."""
    config = layer.config
    in_channels, out_channels, groups = channels or (
        config.in_channels,
        config.out_channels,
        config.groups,
    )
    conv = request.op == "conv"
    return {
        "transposed": config.transposed,
        "input_size": input_size or list(config.input_size),
        "kernel_size": request.kernel_size,
        "stride": request.stride,
        "padding": request.padding,
        "dilation": request.dilation,
        "output_padding": request.output_padding,
        "in_channels": in_channels,
        "out_channels": out_channels,
        "groups": groups if conv else 1,
        "bias": [1] * out_channels if conv and layer.spec.bias else None,
        "op": request.op,
    }


def _query(fields: dict[str, Any], ndim: int) -> str:
    return to_query(fields, {**TRACE_DEFAULTS}, ndim)


def layer_query(layer: StackLayer, request: StackLayerRequest) -> str:
    """The layer alone, as the one-layer page's share query (padding as it was given)."""
    return _query(_layer_fields(layer, request), layer.config.ndim)


def _traceable(fields: dict[str, Any]) -> bool:
    try:
        config_of(TraceRequest(**fields))
    except (ConfigError, ValueError):
        return False
    return True


def trace_refusal(layer: StackLayer, request: StackLayerRequest) -> str | None:
    """Why the one-layer page (the trace's checks and limits) cannot show this layer, in a
    learner's words, or None."""
    if _traceable(_layer_fields(layer, request)):
        return None
    lim = limits.LIMITS
    return t(
        "stack.too_big",
        size=lim.max_spatial_size_2d if layer.config.ndim == 2 else lim.max_spatial_size_1d,
        channels=lim.max_channels,
        taps=f"{lim.max_taps:,}",
    )


def crop(layer: StackLayer, request: StackLayerRequest) -> dict[str, Any] | None:
    """A small crop of a layer too big for the one-layer page: the same kernel, stride,
    padding and dilation on a smaller input with at most 4 channels each way (a depthwise
    layer stays depthwise), so the page shows the same arithmetic; None when none fits."""
    config = layer.config
    small = min(4, config.in_channels), min(4, config.out_channels)
    depthwise = config.groups > 1 and config.groups == config.in_channels == config.out_channels
    channels = (*small, min(small) if depthwise else 1)
    if depthwise:
        channels = (min(small), min(small), min(small))
    for side in (12, 8, 16, 24, 6):
        size = [
            min(n, max(side, k)) for n, k in zip(config.input_size, config.kernel_size, strict=True)
        ]
        fields = _layer_fields(layer, request, size, channels)
        if _traceable(fields):
            query = _query(fields, config.ndim)
            shape = "×".join(map(str, [channels[0], *size] if channels[0] > 1 else size))
            return {"query": query, "shape": shape}
    return None


def describe_layer(layer: StackLayer, request: StackLayerRequest) -> dict[str, Any]:
    config = layer.config
    return {
        "op": layer.spec.op,
        "transposed": config.transposed,
        "input_size": list(config.input_size),
        "in_channels": config.in_channels,
        "kernel_size": list(config.kernel_size),
        "stride": list(config.stride),
        "padding": [list(p) for p in config.padding],
        "dilation": list(config.dilation),
        "output_padding": list(config.output_padding),
        "groups": config.groups if layer.spec.op == "conv" else 1,
        "bias": layer.spec.bias and layer.spec.op == "conv",
        "output_size": list(config.output_size),
        "out_channels": config.out_channels,
        "params": layer.params,
        "macs": layer.macs,
        "receptive_field": [_number(f.receptive_field) for f in layer.fields],
        "jump": [_number(f.jump) for f in layer.fields],
        "start": [_number(f.start) for f in layer.fields],
        "query": layer_query(layer, request),
        "trace_refusal": (refusal := trace_refusal(layer, request)),
        "crop": crop(layer, request) if refusal else None,
    }


def probe(request: StackRequest, stack: list[StackLayer]) -> list[dict[str, Any]] | None:
    if request.probe is None:
        return None
    layer, index = request.probe.layer, request.probe.index
    if not 0 <= layer < len(stack):
        raise refuse(["probe", "layer"], "stack_probe_layer", last=len(stack) - 1, value=layer)
    size = stack[layer].config.output_size
    if len(index) != len(size) or any(not 0 <= i < s for i, s in zip(index, size, strict=False)):
        raise refuse(
            ["probe", "index"], "stack_probe_index", layer=layer + 1,
            size="×".join(map(str, size)), value=",".join(map(str, index)),
        )  # fmt: skip
    return [
        {
            "layer": p.layer,
            "index": list(p.index),
            "bounds": None if p.bounds is None else [list(b) for b in p.bounds],
            "cells": None if p.cells is None else [list(c) for c in p.cells],
        }
        for p in growing_field(stack, layer, index)
    ]


def run_stack(request: StackRequest) -> dict[str, Any]:
    """The whole stack response as plain JSON-ready data."""
    stack = resolve(request)
    layers = [describe_layer(s, r) for s, r in zip(stack, request.layers, strict=True)]
    return {
        "input_size": list(request.input_size),
        "in_channels": request.in_channels,
        "layers": layers,
        "total": {
            "params": sum(x["params"] for x in layers),
            "macs": sum(x["macs"] for x in layers),
        },
        "probe": probe(request, stack),
        "code": stack_codegen.snippets(request.input_size, request.in_channels, stack),
    }
