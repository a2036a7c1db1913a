"""A framework's layer as trace fields: read from its attributes, never re-derived.

PyTorch (``nn.Conv{1,2,3}d``, ``nn.ConvTranspose{1,2,3}d``, ``nn.MaxPool*``, ``nn.AvgPool*``)
and Keras 3 (``Conv*``, ``Conv*Transpose``, ``MaxPooling*``, ``AveragePooling*``). The fields
are the API's (SPEC.md, "Words"); with ``weights=True`` the layer's weight and bias go with
them in PyTorch's layout, and an unbatched input ``x`` becomes ``input`` (so the trace's
``output`` is the layer's own output on ``x``). Neither framework is imported here: a layer
is recognised by its class's module and name.
"""

import re
from typing import Any

import numpy as np

from app.arithmetic.errors import ConfigError
from app.layer.fields import FIELDS

TORCH_POOLS = {"MaxPool": "max_pool", "AvgPool": "avg_pool"}
KERAS_POOLS = {"MaxPooling": "max_pool", "AveragePooling": "avg_pool"}


def _array(value: Any) -> np.ndarray:
    """A tensor (PyTorch, Keras, numpy) as a numpy array."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=np.float64)


def _ints(value: Any) -> int | list[int]:
    if isinstance(value, int | np.integer):
        return int(value)
    values = [int(v) for v in value]
    return values[0] if len(set(values)) == 1 else values


def _option(fields: dict[str, Any], name: str, value: Any, default: Any) -> None:
    """A layer option the trace knows is passed on; one it does not know yet must be its
    default, or it is refused by name (never silently drawn as something else)."""
    if name in FIELDS:
        if value != default:
            fields[name] = value
    elif value != default:
        raise ConfigError(name, "not_a_choice", value=str(value), choices=str(default))


def _ndim(layer: Any) -> int | None:
    """1, 2 or 3 from the class name (``Conv2d``, ``MaxPooling1D``), else None."""
    found = re.search(r"([123])[dD]$", type(layer).__name__)
    return int(found.group(1)) if found else None


def framework(obj: Any) -> str | None:
    """``"torch"``, ``"keras"`` or None, by where the object's class comes from."""
    module = type(obj).__module__
    if module.startswith("torch."):
        return "torch"
    if module.startswith(("keras.", "tf_keras.", "tensorflow.")):
        return "keras"
    return None


def torch_fields(layer: Any, weights: bool = False) -> dict[str, Any]:
    """The trace fields of a PyTorch layer.

    >>> import torch.nn as nn
    >>> layer = nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1)
    >>> torch_fields(layer)  # doctest: +NORMALIZE_WHITESPACE
    {'kernel_size': 3, 'stride': 2, 'padding': 1, 'dilation': 1, 'transposed': True,
     'in_channels': 1, 'out_channels': 1, 'groups': 1}
    """
    name = type(layer).__name__
    pool = next((op for prefix, op in TORCH_POOLS.items() if name.startswith(prefix)), None)
    if pool is None and not name.startswith(("Conv", "LazyConv")):
        raise ConfigError("obj", "not_a_layer", value=name)
    fields: dict[str, Any] = {"kernel_size": _ints(layer.kernel_size)}
    fields["stride"] = _ints(layer.stride if layer.stride is not None else layer.kernel_size)
    padding = layer.padding
    fields["padding"] = padding if isinstance(padding, str) else _ints(padding)
    if pool is not None:
        fields["op"] = pool
        if pool == "max_pool":
            fields["dilation"] = _ints(layer.dilation)
        else:
            _option(fields, "count_include_pad", bool(layer.count_include_pad), True)
            _option(fields, "divisor_override", getattr(layer, "divisor_override", None), None)
        _option(fields, "ceil_mode", bool(layer.ceil_mode), False)
        return fields
    fields["dilation"] = _ints(layer.dilation)
    if layer.transposed:
        fields["transposed"] = True
        if any(layer.output_padding):  # 0 is the default with a numeric padding
            fields["output_padding"] = _ints(layer.output_padding)
    _option(fields, "padding_mode", layer.padding_mode, "zeros")
    fields.update(in_channels=layer.in_channels, out_channels=layer.out_channels,
                  groups=layer.groups)  # fmt: skip
    if weights:
        fields["weight"] = _array(layer.weight).tolist()
        if layer.bias is not None:
            fields["bias"] = _array(layer.bias).tolist()
    return fields


def keras_fields(layer: Any, weights: bool = False) -> dict[str, Any]:
    """The trace fields of a Keras 3 layer (its kernel turned to PyTorch's layout).

    >>> import os; _ = os.environ.setdefault("KERAS_BACKEND", "torch")
    >>> import keras
    >>> keras_fields(keras.layers.Conv2DTranspose(4, 3, strides=2, padding="same"))
    {'kernel_size': 3, 'stride': 2, 'padding': 'same', 'out_channels': 4, 'transposed': True}
    """
    name = type(layer).__name__
    pool = next((op for prefix, op in KERAS_POOLS.items() if name.startswith(prefix)), None)
    if pool is None and not name.startswith("Conv"):
        raise ConfigError("obj", "not_a_layer", value=name)
    if getattr(layer, "data_format", "channels_last") != "channels_last":
        raise ConfigError("data_format", "not_a_choice", value=layer.data_format,
                          choices="channels_last")  # fmt: skip
    size = layer.pool_size if pool else layer.kernel_size
    fields: dict[str, Any] = {"kernel_size": _ints(size), "stride": _ints(layer.strides or size)}
    fields["padding"] = str(layer.padding).lower()
    if pool is not None:
        fields["op"] = pool
        return fields
    if any(d != 1 for d in np.atleast_1d(layer.dilation_rate)):
        fields["dilation"] = _ints(layer.dilation_rate)
    fields["out_channels"] = int(layer.filters)
    transposed = "Transpose" in name
    if transposed:
        fields["transposed"] = True
        if layer.output_padding is not None:
            fields["output_padding"] = _ints(layer.output_padding)
    if getattr(layer, "groups", 1) != 1:
        fields["groups"] = int(layer.groups)
    if layer.built:
        kernel = _array(layer.kernel)  # (*k, in/g, out); transposed: (*k, out, in)
        order = (kernel.ndim - 1, kernel.ndim - 2, *range(kernel.ndim - 2))
        torch_weight = kernel.transpose(order)  # (out, in/g, *k); transposed: (in, out, *k)
        in_channels = torch_weight.shape[0 if transposed else 1] * fields.get("groups", 1)
        fields["in_channels"] = int(in_channels)
        if weights:
            fields["weight"] = torch_weight.tolist()
            if layer.use_bias:
                fields["bias"] = _array(layer.bias).tolist()
    return fields


def layer_fields(obj: Any, weights: bool = False, x: Any = None) -> dict[str, Any]:
    """A layer's fields, and ``input``/``input_size``/``in_channels`` from an unbatched ``x``
    (PyTorch ``(C, *size)``; Keras ``(*size, C)``, channels last)."""
    kind = framework(obj)
    if kind is None:
        raise ConfigError("obj", "not_a_layer", value=type(obj).__name__)
    fields = torch_fields(obj, weights) if kind == "torch" else keras_fields(obj, weights)
    if x is not None:
        values = _array(x)
        ndim = _ndim(obj)
        if ndim is not None and values.ndim != ndim + 1:
            layout = "(C, *input_size)" if kind == "torch" else "(*input_size, C)"
            raise ConfigError("x", "x_shape", layout=layout, want=ndim + 1, ndim=ndim,
                              value="×".join(map(str, values.shape)))  # fmt: skip
        if kind == "keras":
            values = np.moveaxis(values, -1, 0)
        fields["input"] = values.tolist()
        fields["input_size"] = list(values.shape[1:])
        fields["in_channels"] = int(values.shape[0])
    if fields.get("op", "conv") != "conv":
        # a pool keeps its channels: one output channel per input channel
        channels = fields.get("in_channels", 1)
        fields.update(in_channels=channels, out_channels=channels, groups=channels)
    return fields
