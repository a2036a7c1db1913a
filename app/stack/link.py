"""The stack explorer's share link → a ``StackRequest`` (the Python reader of the format
``static/js/stack/state.js`` writes).

``/stack?input_size=224,224&in_channels=3&layer=conv,c64,k7,s2,p3&layer=maxpool,k3,s2,p1``:
one ``layer=`` per layer, its kind (``conv``, ``convt``, ``maxpool``, ``avgpool``) then
tokens: ``c`` out_channels, ``k`` kernel_size, ``s`` stride, ``p`` padding, ``d``
dilation, ``g`` groups, ``o`` output_padding, ``b`` bias. Per-dimension values are joined
by ``x`` (``k3x5``), per-side padding pairs by ``:`` (``p0:1x1:2``), named paddings are
written as they are (``psame``). ``probe`` and ``preset`` belong to the page.

>>> request = stack_request("input_size=33,33&layer=conv,c1,k3,psame,d2&layer=maxpool,k2,s2")
>>> [(l.op, l.kernel_size, l.padding, l.dilation, l.stride) for l in request.layers]
[('conv', 3, 'same', 2, 1), ('max_pool', 2, 0, 1, 2)]
"""

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from app.arithmetic.errors import ConfigError
from app.layer.query import parse_int, single
from app.stack.schemas import StackRequest

KINDS: dict[str, dict[str, Any]] = {
    "conv": {"op": "conv", "transposed": False},
    "convt": {"op": "conv", "transposed": True},
    "maxpool": {"op": "max_pool"},
    "avgpool": {"op": "avg_pool"},
}
NAMED_PADDINGS = ("same", "valid", "full", "causal")
PAGE_ONLY = ("probe", "preset", "theme")


def _dims(field: str, text: str) -> int | list[int]:
    values = [parse_int(field, part) for part in text.split("x")]
    return values[0] if len(values) == 1 else values


def _padding(text: str) -> Any:
    if text in NAMED_PADDINGS:
        return text
    if ":" in text:
        pairs = [side.split(":") for side in text.split("x")]
        if any(len(pair) != 2 for pair in pairs):
            raise ConfigError("layer", "padding_pair", value=text)
        return [[parse_int("padding", a), parse_int("padding", b)] for a, b in pairs]
    return _dims("padding", text)


TOKENS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "c": ("out_channels", lambda text: parse_int("out_channels", text)),
    "k": ("kernel_size", lambda text: _dims("kernel_size", text)),
    "s": ("stride", lambda text: _dims("stride", text)),
    "p": ("padding", _padding),
    "d": ("dilation", lambda text: _dims("dilation", text)),
    "g": ("groups", lambda text: parse_int("groups", text)),
    "o": ("output_padding", lambda text: _dims("output_padding", text)),
}


def decode_layer(text: str) -> dict[str, Any]:
    """``conv,c64,k7,s2,p3`` → the layer's fields for ``/api/stack``.

    >>> decode_layer("convt,c1,k4,s2,p1,o1,b")
    {'op': 'conv', 'transposed': True, 'out_channels': 1, 'kernel_size': 4, 'stride': 2, \
'padding': 1, 'output_padding': 1, 'bias': True}
    """
    kind, *tokens = text.split(",")
    if kind not in KINDS:
        raise ConfigError("layer", "not_a_choice", value=kind, choices=", ".join(KINDS))
    layer = dict(KINDS[kind])
    for token in tokens:
        if token == "b":
            layer["bias"] = True
        elif token[:1] in TOKENS:
            name, parse = TOKENS[token[0]]
            layer[name] = parse(token[1:])
        else:
            raise ConfigError("layer", "not_a_parameter", field=token, fields="c k s p d g o b")
    return layer


def stack_request(query: str) -> StackRequest:
    """A ``/stack`` share query → the body of ``POST /api/stack`` (validated)."""
    pairs = parse_qsl(query, keep_blank_values=True)
    layers = [decode_layer(text) for name, text in pairs if name == "layer"]
    given = single(
        [(k, v) for k, v in pairs if k != "layer"], ("input_size", "in_channels", *PAGE_ONLY)
    )
    if "input_size" not in given:
        raise ConfigError("input_size", "empty")
    body: dict[str, Any] = {
        "input_size": [parse_int("input_size", s) for s in given["input_size"].split(",")],
        "in_channels": parse_int("in_channels", given.get("in_channels", "1")),
        "layers": layers,
    }
    return StackRequest.model_validate(body)
