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

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl

from app.arithmetic.errors import ConfigError
from app.arithmetic.stack import StackLayer
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


def _joined(values: Sequence[int]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))


def layer_token(layer: StackLayer) -> str:
    """One resolved layer in the link notation (``decode_layer``'s inverse):
    ``conv,c64,k7,s2,p3``, ``maxpool,k3,s2,p1``, ``convt,c8,k4,s2,p1``.

    >>> from app.arithmetic.stack import LayerSpec, build_stack
    >>> [layer_token(s) for s in build_stack([8, 8], 3, [LayerSpec(7, 2, 3, out_channels=4),
    ...                                                  LayerSpec(3, 2, 1, op="max_pool")])]
    ['conv,c4,k7,s2,p3', 'maxpool,k3,s2,p1']
    """
    spec, config = layer.spec, layer.config
    kind = {"max_pool": "maxpool", "avg_pool": "avgpool"}.get(spec.op, "conv")
    if kind == "conv" and config.transposed:
        kind = "convt"
    parts = [kind]
    if spec.op == "conv":
        parts.append(f"c{config.out_channels}")
    parts.append(f"k{_joined(config.kernel_size)}")
    if any(s != 1 for s in config.stride):
        parts.append(f"s{_joined(config.stride)}")
    if isinstance(spec.padding, str):
        parts.append(f"p{spec.padding}")
    elif any(b or a for b, a in config.padding):
        if all(b == a for b, a in config.padding):
            parts.append(f"p{_joined([b for b, _ in config.padding])}")
        else:
            parts.append("p" + "x".join(f"{b}:{a}" for b, a in config.padding))
    if any(d != 1 for d in config.dilation):
        parts.append(f"d{_joined(config.dilation)}")
    if spec.op == "conv" and config.groups != 1:
        parts.append(f"g{config.groups}")
    if config.transposed and any(config.output_padding):
        parts.append(f"o{_joined(config.output_padding)}")
    if spec.bias and spec.op == "conv":
        parts.append("b")
    return ",".join(parts)


def stack_query(input_size: Sequence[int], in_channels: int, layers: Sequence[StackLayer]) -> str:
    """The ``/stack`` share query of resolved layers (``stack_request``'s inverse).

    >>> from app.arithmetic.stack import LayerSpec, build_stack
    >>> stack_query([9], 1, build_stack([9], 1, [LayerSpec(3, dilation=2, padding="same")]))
    'input_size=9&in_channels=1&layer=conv,c1,k3,psame,d2'
    """
    parts = [f"input_size={','.join(map(str, input_size))}", f"in_channels={in_channels}"]
    return "&".join([*parts, *(f"layer={layer_token(layer)}" for layer in layers)])
