"""Pasted model → the ``layers`` of ``/api/stack``, read, never run (``/api/stack/parse``).

Three kinds of text are read (``source``): Python code as published (``"code"``, read by
``app.stack.evaluate``), the text of PyTorch's ``print(model)`` (``"print"``,
``app.stack.printed``) and Keras's ``model.to_json()`` (``"keras_json"``,
``app.stack.keras_json``). Each gives the layers met on the way through the model, in
order; this module sorts them: convolutions and pools are the stack (``layers``, with
their ``lines``), shape-preserving layers are ``skipped``, everything from the first layer
that ends the convolutional trunk (``Flatten``, ``Linear``, ``AdaptiveAvgPool2d``…) is
the ``head``, and layers off the main chain (residual shortcuts) are ``branches``.

>>> parsed = parse_layers("nn.Sequential(nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False),"
...                       " nn.ReLU(), nn.MaxPool2d(3, 2, 1), nn.Flatten())")
>>> parsed["layers"]  # doctest: +NORMALIZE_WHITESPACE
[{'op': 'conv', 'transposed': False, 'kernel_size': 7, 'stride': 2, 'padding': 3, 'dilation': 1,
  'groups': 1, 'out_channels': 64, 'bias': False},
 {'op': 'max_pool', 'transposed': False, 'kernel_size': 3, 'stride': 2, 'padding': 1,
  'dilation': 1, 'groups': 1, 'bias': False}]
>>> parsed["source"], parsed["skipped"], parsed["head"]
('code', [{'line': 1, 'name': 'ReLU'}], [{'line': 1, 'name': 'Flatten'}])
"""

import ast
from typing import Any

from app.limits import LIMITS, Limits
from app.stack.build import refuse
from app.stack.evaluate import MAX_DEPTH, Event, evaluate
from app.stack.keras_json import looks_keras_json, read_keras_json
from app.stack.kinds import (
    HEAD,
    INPUTS,
    JOINS,
    KINDS,
    MERGES,
    PADDINGS,
    SKIPPED,
    SUPPORTED,
    data_format,
    declared_in_channels,
    fold_padding,
    input_shape,
    layer_fields,
    padding_pairs,
)


def read(code: str, lim: Limits = LIMITS) -> tuple[str, list[Event], list[Any] | None, bool]:
    """The source kind, the layers met in order, the stated input shape, channels first."""
    from app.stack.printed import looks_printed, read_printed

    if len(code) > lim.max_stack_code_chars:
        raise refuse(["code"], "parse_too_long", value=len(code), limit=lim.max_stack_code_chars)
    if looks_keras_json(code):
        return "keras_json", read_keras_json(code), None, False
    if looks_printed(code):
        return "print", read_printed(code), None, True
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        raise refuse(["code"], "parse_syntax", line=exc.lineno or 1, reason=exc.msg) from None
    except (RecursionError, MemoryError, ValueError):
        raise refuse(["code"], "parse_nested", line=_deepest(code), limit=MAX_DEPTH) from None
    result = evaluate(code, tree)
    if not result.events and result.unknown_calls:
        line, name = result.unknown_calls[-1]
        raise refuse(["code"], "parse_no_layers_unknown", line=line, name=name)
    return "code", result.events, result.input_shape, result.channels_first


def _deepest(code: str) -> int:
    """The line Python's parser gave up on nesting: the one with most openers and signs."""
    lines = code.splitlines() or [""]
    counts = [sum(line.count(c) for c in "([{-+~") for line in lines]
    return counts.index(max(counts)) + 1


def parse_layers(code: str, lim: Limits = LIMITS) -> dict[str, Any]:
    """The ``ParseResponse`` of pasted code; ``StackRefusal`` names the line."""
    source, events, shape, channels_first = read(code, lim)
    layers: list[dict[str, Any]] = []
    lines: list[int] = []
    skipped: list[dict[str, Any]] = []
    head: list[dict[str, Any]] = []
    branches: list[dict[str, Any]] = []
    framework: str | None = None
    in_channels: int | None = None
    channels: int | None = None
    ndim: int | None = None
    pending: list[list[int]] | None = None
    for event in events:
        call = event.call
        name, line = call.name, call.line
        entry = {"line": line, "name": name}
        if event.branch:
            branches.append(entry)
            continue
        if name in INPUTS:
            shape = shape if shape is not None else input_shape(call)
            continue
        if head or name in HEAD:
            head.append(entry)
            continue
        if name in SKIPPED:
            skipped.append(entry)
            continue
        if name in MERGES or name.endswith("Loss"):
            continue
        if name in JOINS:
            raise refuse(["code"], "parse_branches_join", line=line, name=name)
        if name in PADDINGS:
            pending = padding_pairs(call, pending)
            continue
        kind = KINDS.get(name)
        if kind is None:
            raise refuse(["code"], "parse_unsupported", line=line, name=name,
                         supported=SUPPORTED)  # fmt: skip
        if len(layers) >= lim.max_stack_layers:
            raise refuse(["code"], "parse_too_many_layers", limit=lim.max_stack_layers)
        if ndim is not None and kind.ndim != ndim:
            raise refuse(["code"], "parse_mixed_dimensions", line=line, name=name,
                         ndim=kind.ndim, previous=ndim)  # fmt: skip
        ndim = kind.ndim
        framework = framework or kind.framework
        fields = layer_fields(call)
        if kind.framework == "keras":
            if not layers and shape is None:
                shape = input_shape(call)
            channels_first = channels_first or data_format(call) == "channels_first"
        else:
            declared = declared_in_channels(call)
            if declared is not None:
                if channels is not None and declared != channels:
                    raise refuse(["code"], "parse_channels_mismatch", line=line, name=name,
                                 expected=declared, value=channels)  # fmt: skip
                if in_channels is None:
                    in_channels = declared
        if pending is not None:
            fields["padding"] = fold_padding(call, fields["padding"], pending)
            pending = None
        if fields["op"] == "conv":
            channels = fields["out_channels"]
        layers.append(fields)
        lines.append(line)
    if not layers:
        raise refuse(["code"], "parse_no_layers")
    if pending is not None:
        raise refuse(["code"], "parse_padding_last")
    input_size = None
    if shape is not None and ndim is not None and len(shape) == ndim + 1:
        size = shape[1:] if channels_first else shape[:-1]
        depth = shape[0] if channels_first else shape[-1]
        if isinstance(depth, int) and not isinstance(depth, bool) and in_channels is None:
            in_channels = depth
        if all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in size):
            input_size = size
    return {
        "framework": framework,
        "source": source,
        "ndim": ndim,
        "input_size": input_size,
        "in_channels": in_channels,
        "layers": layers,
        "lines": lines,
        "skipped": skipped,
        "head": head,
        "branches": branches,
    }
