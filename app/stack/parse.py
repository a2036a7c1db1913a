"""Pasted PyTorch or Keras layers → the ``layers`` of ``/api/stack``, read, never run.

The text is parsed with Python's ``ast``; every call whose name is a supported layer
(``nn.Conv2d``, ``layers.Conv2DTranspose``, ``MaxPool1d``…) becomes a layer, with its
positional and keyword arguments bound exactly as its framework defines them, in the
order the calls appear. Values are read with ``ast.literal_eval`` (numbers, tuples,
strings), so a name like ``in_ch`` is refused with its line, never looked up.
Shape-preserving layers (activations, normalisation, dropout) are skipped and listed;
containers (``nn.Sequential``, ``keras.Sequential``, ``Model``…) and lower-case calls
(``torch.zeros``, ``print``) are walked through; any other layer is a 422 naming its line.

>>> parse_layers("nn.Sequential(nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False),"
...              " nn.ReLU(), nn.MaxPool2d(3, 2, 1))")["layers"]  # doctest: +NORMALIZE_WHITESPACE
[{'op': 'conv', 'transposed': False, 'kernel_size': 7, 'stride': 2, 'padding': 3, 'dilation': 1,
  'groups': 1, 'out_channels': 64, 'bias': False},
 {'op': 'max_pool', 'transposed': False, 'kernel_size': 3, 'stride': 2, 'padding': 1,
  'dilation': 1, 'groups': 1, 'bias': False}]
"""

import ast
from dataclasses import dataclass
from typing import Any

from app.limits import LIMITS, Limits
from app.stack.build import StackRefusal, refuse


@dataclass(frozen=True)
class Kind:
    """A supported layer: its framework, what it does, and its positional parameters."""

    framework: str
    op: str
    ndim: int
    transposed: bool
    params: tuple[str, ...]


TORCH_CONV = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation",
              "groups", "bias", "padding_mode", "device", "dtype")  # fmt: skip
TORCH_CONV_T = ("in_channels", "out_channels", "kernel_size", "stride", "padding",
                "output_padding", "groups", "bias", "dilation", "padding_mode", "device",
                "dtype")  # fmt: skip
TORCH_MAX = ("kernel_size", "stride", "padding", "dilation", "return_indices", "ceil_mode")
TORCH_AVG = ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
             "divisor_override")  # fmt: skip
KERAS_CONV = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate",
              "groups", "activation", "use_bias")  # fmt: skip
KERAS_CONV_T = ("filters", "kernel_size", "strides", "padding", "output_padding", "data_format",
                "dilation_rate", "activation", "use_bias")  # fmt: skip
KERAS_POOL = ("pool_size", "strides", "padding", "data_format")

KINDS: dict[str, Kind] = {}
for _n in (1, 2, 3):
    KINDS[f"Conv{_n}d"] = Kind("pytorch", "conv", _n, False, TORCH_CONV)
    KINDS[f"ConvTranspose{_n}d"] = Kind("pytorch", "conv", _n, True, TORCH_CONV_T)
    KINDS[f"MaxPool{_n}d"] = Kind("pytorch", "max_pool", _n, False, TORCH_MAX)
    KINDS[f"AvgPool{_n}d"] = Kind("pytorch", "avg_pool", _n, False, TORCH_AVG)
    for _kname in (f"Conv{_n}D", f"Convolution{_n}D"):
        KINDS[_kname] = Kind("keras", "conv", _n, False, KERAS_CONV)
    for _kname in (f"Conv{_n}DTranspose", f"Convolution{_n}DTranspose"):
        KINDS[_kname] = Kind("keras", "conv", _n, True, KERAS_CONV_T)
    for _kname in (f"MaxPooling{_n}D", f"MaxPool{_n}D"):
        KINDS[_kname] = Kind("keras", "max_pool", _n, False, KERAS_POOL)
    for _kname in (f"AveragePooling{_n}D", f"AvgPool{_n}D"):
        KINDS[_kname] = Kind("keras", "avg_pool", _n, False, KERAS_POOL)

SKIPPED = frozenset((
    "ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "SELU", "CELU", "GELU", "SiLU", "Mish",
    "Sigmoid", "Tanh", "Hardtanh", "Hardswish", "Hardsigmoid", "Softplus", "Softsign", "Softmax",
    "Softmax2d", "LogSoftmax", "Threshold", "Identity", "BatchNorm1d", "BatchNorm2d",
    "InstanceNorm1d", "InstanceNorm2d", "LayerNorm", "GroupNorm", "LocalResponseNorm", "Dropout",
    "Dropout1d", "Dropout2d", "AlphaDropout", "FeatureAlphaDropout", "Activation",
    "BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization",
    "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "ThresholdedReLU",
))  # fmt: skip
CONTAINERS = frozenset(
    ("Sequential", "ModuleList", "ModuleDict", "OrderedDict", "Model", "Functional")
)
INPUTS = frozenset(("Input", "InputLayer"))
SUPPORTED = ", ".join(
    ["nn.Conv1d/2d/3d", "nn.ConvTranspose1d/2d/3d", "nn.MaxPool1d/2d/3d", "nn.AvgPool1d/2d/3d",
     "layers.Conv1D/2D/3D", "layers.Conv1DTranspose/2DTranspose/3DTranspose",
     "layers.MaxPooling1D/2D/3D", "layers.AveragePooling1D/2D/3D"]
)  # fmt: skip
MAX_NUMBER = 1_000_000


def _name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


class _Layer:
    """The arguments of one call, bound by name, read lazily (only what the shape needs)."""

    def __init__(self, call: ast.Call, name: str, kind: Kind) -> None:
        self.call, self.name, self.kind, self.line = call, name, kind, call.lineno
        self.args: dict[str, ast.expr] = {}
        self.extra: dict[str, ast.expr] = {}
        positional = call.args
        if any(isinstance(a, ast.Starred) for a in positional):
            raise self.error("parse_not_literal", argument="*args")
        if len(positional) > len(kind.params):
            raise self.error(
                "parse_too_many_arguments", limit=len(kind.params), value=len(positional)
            )
        for param, node in zip(kind.params, positional, strict=False):
            self.args[param] = node
        for keyword in call.keywords:
            if keyword.arg is None:
                raise self.error("parse_not_literal", argument="**kwargs")
            if keyword.arg in kind.params:
                self.args[keyword.arg] = keyword.value
            elif kind.framework == "keras":
                self.extra[keyword.arg] = keyword.value
            else:
                raise self.error("parse_bad_argument", argument=keyword.arg)

    def error(self, type: str, **ctx: Any) -> StackRefusal:
        return refuse(["code"], type, line=self.line, name=self.name, **ctx)

    def value(self, param: str, default: Any = None, node: ast.expr | None = None) -> Any:
        node = node if node is not None else self.args.get(param)
        if node is None:
            return default
        try:
            return ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
            raise self.error("parse_not_literal", argument=param) from None

    def ints(self, param: str, default: Any = None, minimum: int = 1) -> int | list[int] | None:
        """An int, or one per dimension (a tuple/list of ``ndim`` ints)."""
        value = self.value(param, default)
        if value is None:  # stride=None: the framework's default (the window, for pools)
            value = default
        if value is None:
            return None
        ndim = self.kind.ndim
        items = list(value) if isinstance(value, tuple | list) else [value]
        valid = f"a whole number, or {ndim} of them, {minimum} or more"
        if len(items) not in (1, ndim) or not all(
            isinstance(v, int) and not isinstance(v, bool) and minimum <= v <= MAX_NUMBER
            for v in items
        ):
            raise self.error("parse_bad_value", argument=param, valid=valid, value=repr(value))
        if len(set(items)) == 1:
            return int(items[0])
        return [int(v) for v in items]

    def flag(self, param: str, default: bool) -> bool:
        value = self.value(param, default)
        if not isinstance(value, bool):
            raise self.error("parse_bad_value", argument=param, valid="True or False",
                             value=repr(value))  # fmt: skip
        return value

    def padding_name(self, param: str, default: str, names: tuple[str, ...]) -> str:
        value = self.value(param, default)
        if not isinstance(value, str) or value.lower() not in names:
            valid = " or ".join(f'"{n}"' for n in names)
            raise self.error("parse_bad_value", argument=param, valid=valid, value=repr(value))
        return value.lower()


def _torch(layer: _Layer) -> dict[str, Any]:
    kind = layer.kind
    fields: dict[str, Any] = {"op": kind.op, "transposed": kind.transposed}
    if layer.value("ceil_mode", False) is True:
        fields["ceil_mode"] = True
    kernel = layer.ints("kernel_size")
    if kernel is None:
        raise layer.error("parse_missing_argument", argument="kernel_size")
    fields["kernel_size"] = kernel
    fields["stride"] = layer.ints("stride", kernel if kind.op != "conv" else 1)
    padding = layer.value("padding", 0)
    if isinstance(padding, str):
        if kind.op != "conv" or kind.transposed or padding not in ("same", "valid"):
            raise layer.error("parse_bad_value", argument="padding",
                              valid="a whole number or one per dimension",
                              value=repr(padding))  # fmt: skip
        if padding == "same" and fields["stride"] != 1:
            raise layer.error(
                "parse_unsupported_option",
                argument="padding",
                value="'same'",
                reason="PyTorch refuses padding='same' with a stride above 1",
            )
        fields["padding"] = padding
    else:
        fields["padding"] = layer.ints("padding", 0, minimum=0)
    fields["dilation"] = layer.ints("dilation", 1) if "dilation" in kind.params else 1
    if kind.op == "conv":
        fields["groups"] = layer.value("groups", 1)
        if not isinstance(fields["groups"], int) or isinstance(fields["groups"], bool):
            raise layer.error("parse_bad_value", argument="groups", valid="a whole number",
                              value=repr(fields["groups"]))  # fmt: skip
        for param in ("in_channels", "out_channels"):
            value = layer.value(param)
            if value is None:
                raise layer.error("parse_missing_argument", argument=param)
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not 1 <= value <= MAX_NUMBER
            ):
                raise layer.error("parse_bad_value", argument=param, valid="a whole number",
                                  value=repr(value))  # fmt: skip
        fields["out_channels"] = layer.value("out_channels")
        fields["bias"] = layer.flag("bias", True)
        if kind.transposed:
            fields["output_padding"] = layer.ints("output_padding", 0, minimum=0)
    else:
        fields["groups"], fields["bias"] = 1, False
        _check_torch_pool_padding(layer, fields)
    return fields


def _check_torch_pool_padding(layer: _Layer, fields: dict[str, Any]) -> None:
    """PyTorch pools pad at most half the (effective) window."""
    n = layer.kind.ndim

    def each(value: Any) -> list[int]:
        return [value] * n if isinstance(value, int) else list(value)

    for p, k, d in zip(each(fields["padding"]), each(fields["kernel_size"]),
                       each(fields["dilation"]), strict=True):  # fmt: skip
        if 2 * p > d * (k - 1) + 1:
            raise layer.error("parse_unsupported_option", argument="padding", value=str(p),
                              reason="PyTorch pools pad at most half of the window")  # fmt: skip


def _keras(layer: _Layer) -> dict[str, Any]:
    kind = layer.kind
    fields: dict[str, Any] = {"op": kind.op, "transposed": kind.transposed}
    if kind.op == "conv":
        filters = layer.value("filters")
        if (
            not isinstance(filters, int)
            or isinstance(filters, bool)
            or not 1 <= filters <= MAX_NUMBER
        ):
            raise layer.error("parse_bad_value", argument="filters", valid="a whole number",
                              value=repr(filters))  # fmt: skip
        kernel = layer.ints("kernel_size")
        if kernel is None:
            raise layer.error("parse_missing_argument", argument="kernel_size")
        fields["kernel_size"] = kernel
        fields["stride"] = layer.ints("strides", 1)
        names = ("valid", "same", "causal") if kind.ndim == 1 and not kind.transposed else (
            "valid", "same")  # fmt: skip
        fields["padding"] = layer.padding_name("padding", "valid", names)
        fields["dilation"] = layer.ints("dilation_rate", 1)
        groups = layer.value("groups", 1)
        if not isinstance(groups, int) or isinstance(groups, bool):
            raise layer.error("parse_bad_value", argument="groups", valid="a whole number",
                              value=repr(groups))  # fmt: skip
        fields["groups"] = groups
        fields["out_channels"] = filters
        fields["bias"] = layer.flag("use_bias", True)
        if kind.transposed:
            output_padding = layer.ints("output_padding", None, minimum=0)
            if output_padding is not None:
                fields["output_padding"] = output_padding
    else:
        # Keras 3: MaxPooling's pool_size defaults to 2; AveragePooling's has no default.
        if kind.op == "avg_pool" and "pool_size" not in layer.args:
            raise layer.error("parse_missing_argument", argument="pool_size")
        pool = layer.ints("pool_size", 2)
        fields["kernel_size"] = pool
        fields["stride"] = layer.ints("strides", pool)
        fields["padding"] = layer.padding_name("padding", "valid", ("valid", "same"))
        fields["dilation"], fields["groups"], fields["bias"] = 1, 1, False
    return fields


def _shape(layer: _Layer | None, call: ast.Call, node: ast.expr, batched: bool) -> list[Any]:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
        raise refuse(["code"], "parse_not_literal", line=call.lineno, name=_name(call) or "Input",
                     argument="shape") from None  # fmt: skip
    items = list(value) if isinstance(value, tuple | list) else [value]
    if batched:
        items = items[1:]
    return items


def _input_shape(call: ast.Call, name: str) -> list[Any] | None:
    """``Input(shape=(H, W, C))``, ``Input((H, W, C))``, ``batch_shape=(N, H, W, C)``, or
    a first layer's ``input_shape=``: the per-example shape (``None`` for a free size)."""
    if name in INPUTS:
        for keyword in call.keywords:
            if keyword.arg in ("shape", "input_shape"):
                return _shape(None, call, keyword.value, False)
            if keyword.arg in ("batch_shape", "batch_input_shape"):
                return _shape(None, call, keyword.value, True)
        if call.args:
            return _shape(None, call, call.args[0], False)
        return None
    for keyword in call.keywords:
        if keyword.arg == "input_shape":
            return _shape(None, call, keyword.value, False)
    return None


# Explicit padding layers, folded into the next convolution or pooling layer's padding.
PADDINGS = {"ZeroPadding1D": 1, "ZeroPadding2D": 2, "ZeroPad1d": 1, "ZeroPad2d": 2,
            "ConstantPad1d": 1, "ConstantPad2d": 2}  # fmt: skip


def _padding_layer(call: ast.Call, name: str, pending: list[list[int]] | None) -> list[list[int]]:
    """``[[before, after], …]`` of a ZeroPadding/ZeroPad layer (plus any padding before it).

    Keras: ``padding=1``, ``(1, 2)`` per dimension or ``((1, 1), (2, 2))`` pairs, default 1.
    PyTorch: an int, or ``(left, right)`` / ``(left, right, top, bottom)``: the last
    dimension first.
    """
    ndim = PADDINGS[name]
    node = call.args[0] if call.args else None
    for keyword in call.keywords:
        if keyword.arg == "padding":
            node = keyword.value
    layer = _Layer(call, name, Kind("keras", "pad", ndim, False, ("padding",)))
    value = layer.value("padding", 1, node) if node is not None else 1

    def ints(items: Any) -> bool:
        return all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in items)

    items: list[Any] = list(value) if isinstance(value, tuple | list) else [value]
    pairs: list[list[int]] | None = None
    if len(items) == 1 and ints(items):
        pairs = [[items[0], items[0]] for _ in range(ndim)]
    elif name.startswith("Zero") and name.endswith("D"):  # Keras
        if len(items) == ndim and ints(items):
            pairs = [[v, v] for v in items]
        elif len(items) == ndim and all(isinstance(p, tuple | list) and len(p) == 2 and ints(p)
                                        for p in items):  # fmt: skip
            pairs = [[int(p[0]), int(p[1])] for p in items]
    elif len(items) == 2 * ndim and ints(items):  # PyTorch: last dimension first
        pairs = [items[2 * d : 2 * d + 2] for d in reversed(range(ndim))]
    if pairs is None:
        raise layer.error("parse_bad_value", argument="padding", valid="whole numbers of padding",
                          value=repr(value))  # fmt: skip
    if pending is not None:
        pairs = [[a + c, b + e] for (a, b), (c, e) in zip(pending, pairs, strict=False)]
    return pairs


def _fold(layer: "_Layer", padding: Any, pending: list[list[int]]) -> Any:
    """A padding layer before ``layer``: add its sides to the layer's own padding."""
    ndim = layer.kind.ndim
    if (
        len(pending) != ndim
        or layer.kind.transposed
        or (isinstance(padding, str) and padding != "valid")
    ):
        raise layer.error("parse_unsupported_option", argument="padding", value=repr(padding),
                          reason="a padding layer before it can only be added to a direct "
                          "layer's numeric or \"valid\" padding")  # fmt: skip
    own = [0] * ndim if padding == "valid" else padding
    own = [own] * ndim if isinstance(own, int) else list(own)
    own_pairs = [[p, p] if isinstance(p, int) else list(p) for p in own]
    pairs = [[a + c, b + e] for (a, b), (c, e) in zip(own_pairs, pending, strict=True)]
    flat = {side for pair in pairs for side in pair}
    return pairs[0][0] if len(flat) == 1 else pairs


def _calls(code: str, lim: Limits) -> list[ast.Call]:
    if len(code) > lim.max_stack_code_chars:
        raise refuse(["code"], "parse_too_long", value=len(code), limit=lim.max_stack_code_chars)
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        raise refuse(["code"], "parse_syntax", line=exc.lineno or 1, reason=exc.msg) from None
    except (RecursionError, MemoryError, ValueError):
        raise refuse(["code"], "parse_too_deep") from None
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    return sorted(calls, key=lambda c: (c.lineno, c.col_offset))


def parse_layers(code: str, lim: Limits = LIMITS) -> dict[str, Any]:
    """The ``ParseResponse`` of pasted code; ``StackRefusal`` names the line."""
    layers: list[dict[str, Any]] = []
    lines: list[int] = []
    skipped: list[dict[str, Any]] = []
    framework: str | None = None
    shape: list[Any] | None = None
    channels_first = False
    in_channels: int | None = None
    channels: int | None = None
    ndim: int | None = None
    pending: list[list[int]] | None = None
    for call in _calls(code, lim):
        name = _name(call)
        if name is None or not name[:1].isupper():
            continue
        if name in SKIPPED or name in CONTAINERS:
            if name in SKIPPED:
                skipped.append({"line": call.lineno, "name": name})
            continue
        if name in INPUTS:
            shape = _input_shape(call, name)
            continue
        if name in PADDINGS:
            pending = _padding_layer(call, name, pending)
            continue
        kind = KINDS.get(name)
        if kind is None:
            raise refuse(["code"], "parse_unsupported", line=call.lineno, name=name,
                         supported=SUPPORTED)  # fmt: skip
        if len(layers) >= lim.max_stack_layers:
            raise refuse(["code"], "parse_too_many_layers", limit=lim.max_stack_layers)
        layer = _Layer(call, name, kind)
        if ndim is not None and kind.ndim != ndim:
            raise layer.error("parse_mixed_dimensions", ndim=kind.ndim, previous=ndim)
        ndim = kind.ndim
        framework = framework or kind.framework
        if kind.framework == "keras":
            shape = shape if layers or shape is not None else _input_shape(call, name)
            data_format = layer.value("data_format")
            channels_first = channels_first or data_format == "channels_first"
            fields = _keras(layer)
        else:
            fields = _torch(layer)
            declared = layer.value("in_channels")
            if declared is not None:
                if channels is not None and declared != channels:
                    raise layer.error("parse_channels_mismatch", expected=declared, value=channels)
                if in_channels is None:
                    in_channels = declared
        if pending is not None:
            fields["padding"] = _fold(layer, fields["padding"], pending)
            pending = None
        if fields["op"] == "conv":
            channels = fields["out_channels"]
        layers.append(fields)
        lines.append(call.lineno)
    if not layers:
        raise refuse(["code"], "parse_no_layers")
    if pending is not None:
        raise refuse(["code"], "parse_padding_last")
    input_size = None
    if shape is not None and ndim is not None and len(shape) == ndim + 1:
        size = shape[1:] if channels_first else shape[:-1]
        depth = shape[0] if channels_first else shape[-1]
        if isinstance(depth, int) and in_channels is None:
            in_channels = depth
        if all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in size):
            input_size = size
    return {
        "framework": framework,
        "ndim": ndim,
        "input_size": input_size,
        "in_channels": in_channels,
        "layers": layers,
        "lines": lines,
        "skipped": skipped,
    }
