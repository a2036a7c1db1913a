"""The layers the stack explorer knows, and one layer's arguments → a ``/api/stack`` layer.

Every reader (Python code, ``print(model)`` text, Keras JSON) ends with the same thing: a
layer's name, its line, and its arguments as plain values (numbers, tuples, strings, or
``Unknown`` for what the code does not pin down). ``layer_fields`` binds them exactly as
the framework does (PyTorch's positional order, Keras's keywords) and checks them.

>>> layer_fields(Call("Conv2d", 1, [3, 64, 7], {"stride": 2, "padding": 3, "bias": False}))
... # doctest: +NORMALIZE_WHITESPACE
{'op': 'conv', 'transposed': False, 'kernel_size': 7, 'stride': 2, 'padding': 3, 'dilation': 1,
 'groups': 1, 'out_channels': 64, 'bias': False}
"""

from dataclasses import dataclass, field
from typing import Any

from app.stack.build import StackRefusal, refuse


@dataclass(frozen=True)
class Unknown:
    """A value the code does not pin down (an unbound name, a call that is never run)."""

    text: str


@dataclass
class Call:
    """One layer as written: its name, its line, its positional and keyword arguments."""

    name: str
    line: int
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)


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
TORCH_AVG_1D = TORCH_AVG[:-1]  # AvgPool1d has no divisor_override (PyTorch refuses it)
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
    KINDS[f"AvgPool{_n}d"] = Kind(
        "pytorch", "avg_pool", _n, False, TORCH_AVG_1D if _n == 1 else TORCH_AVG
    )
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
    "BatchNorm3d", "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d", "LayerNorm", "GroupNorm",
    "LocalResponseNorm", "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
    "FeatureAlphaDropout", "Activation", "BatchNormalization", "LayerNormalization",
    "GroupNormalization", "UnitNormalization", "SpatialDropout1D", "SpatialDropout2D",
    "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "ThresholdedReLU", "Rescaling",
    "Normalization", "StochasticDepth", "DropPath", "DropBlock2d", "LayerNorm2d", "Swish",
    "MemoryEfficientSwish", "FrozenBatchNorm2d", "SyncBatchNorm", "LazyBatchNorm2d",
))  # fmt: skip
# Layers that end the convolutional trunk: the classifier head, listed, not refused.
HEAD = frozenset((
    "Flatten", "Unflatten", "Linear", "LazyLinear", "Bilinear", "Dense", "EinsumDense",
    "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AdaptiveAvgPool3d", "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d", "AdaptiveMaxPool3d", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
    "GlobalAveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalMaxPool1D", "GlobalMaxPool2D", "Reshape",
    "flatten", "view", "reshape", "mean", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
    "adaptive_max_pool1d", "adaptive_max_pool2d", "linear", "global_avg_pool1d",
    "global_avg_pool2d", "global_max_pool1d", "global_max_pool2d",
))  # fmt: skip
CONTAINERS = frozenset(("Sequential", "ModuleList", "ModuleDict", "Model", "Functional"))
INPUTS = frozenset(("Input", "InputLayer"))
# Explicit padding layers, folded into the next convolution or pooling layer's padding.
PADDINGS = {"ZeroPadding1D": 1, "ZeroPadding2D": 2, "ZeroPadding3D": 3, "ZeroPad1d": 1,
            "ZeroPad2d": 2, "ZeroPad3d": 3, "ConstantPad1d": 1, "ConstantPad2d": 2,
            "ConstantPad3d": 3}  # fmt: skip
# Residual merges keep the main chain; a concatenation joins branches the chain cannot follow.
MERGES = frozenset(("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"))
JOINS = frozenset(("Concatenate", "concatenate", "cat", "concat", "stack", "hstack"))
SUPPORTED = ", ".join(
    ["nn.Conv1d/2d/3d", "nn.ConvTranspose1d/2d/3d", "nn.MaxPool1d/2d/3d", "nn.AvgPool1d/2d/3d",
     "layers.Conv1D/2D/3D", "layers.Conv1DTranspose/2DTranspose/3DTranspose",
     "layers.MaxPooling1D/2D/3D", "layers.AveragePooling1D/2D/3D"]
)  # fmt: skip
MAX_NUMBER = 1_000_000


def known_layer(name: str) -> bool:
    """A name the readers treat as a layer of the model (not a helper or a loss)."""
    return (
        name in KINDS
        or name in SKIPPED
        or name in HEAD
        or name in PADDINGS
        or (name in INPUTS or name in MERGES or name in JOINS)
    )


class Layer:
    """The arguments of one call, bound by name, read lazily (only what the shape needs)."""

    def __init__(self, call: Call, kind: Kind) -> None:
        self.name, self.kind, self.line = call.name, kind, call.line
        self.args: dict[str, Any] = {}
        self.extra: dict[str, Any] = {}
        if any(isinstance(a, Unknown) and a.text.startswith("*") for a in call.args):
            raise self.error("parse_not_literal", argument="*args")
        if len(call.args) > len(kind.params):
            raise self.error(
                "parse_too_many_arguments", limit=len(kind.params), value=len(call.args)
            )
        for param, value in zip(kind.params, call.args, strict=False):
            self.args[param] = value
        for key, value in call.kwargs.items():
            if key in kind.params:
                self.args[key] = value
            elif kind.framework == "keras":
                self.extra[key] = value
            else:
                raise self.error("parse_bad_argument", argument=key)

    def error(self, type: str, **ctx: Any) -> StackRefusal:
        return refuse(["code"], type, line=self.line, name=self.name, **ctx)

    def value(self, param: str, default: Any = None) -> Any:
        value = self.args.get(param, default)
        if _unknown(value):
            raise self.error("parse_not_literal", argument=param)
        return value

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

    def channels(self, param: str) -> int:
        value = self.value(param)
        if value is None:
            raise self.error("parse_missing_argument", argument=param)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_NUMBER:
            raise self.error("parse_bad_value", argument=param, valid="a whole number",
                             value=repr(value))  # fmt: skip
        return value


def _unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, tuple | list):
        return any(_unknown(v) for v in value)
    return False


def _torch(layer: Layer) -> dict[str, Any]:
    kind = layer.kind
    fields: dict[str, Any] = {"op": kind.op, "transposed": kind.transposed}
    if layer.value("ceil_mode", False) is True:  # PyTorch's ceil rule (SPEC "Pooling options")
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
        layer.channels("in_channels")
        fields["out_channels"] = layer.channels("out_channels")
        fields["bias"] = layer.flag("bias", True)
        if kind.transposed:
            fields["output_padding"] = layer.ints("output_padding", 0, minimum=0)
    else:
        fields["groups"], fields["bias"] = 1, False
        _check_torch_pool_padding(layer, fields)
    return fields


def _check_torch_pool_padding(layer: Layer, fields: dict[str, Any]) -> None:
    """PyTorch pools pad at most half the (effective) window."""
    n = layer.kind.ndim

    def each(value: Any) -> list[int]:
        return [value] * n if isinstance(value, int) else list(value)

    for p, k, d in zip(each(fields["padding"]), each(fields["kernel_size"]),
                       each(fields["dilation"]), strict=True):  # fmt: skip
        if 2 * p > d * (k - 1) + 1:
            raise layer.error("parse_unsupported_option", argument="padding", value=str(p),
                              reason="PyTorch pools pad at most half of the window")  # fmt: skip


def _keras(layer: Layer) -> dict[str, Any]:
    kind = layer.kind
    fields: dict[str, Any] = {"op": kind.op, "transposed": kind.transposed}
    if kind.op == "conv":
        filters = layer.channels("filters")
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


def layer_fields(call: Call) -> dict[str, Any]:
    """The ``/api/stack`` layer of one supported call (``StackRefusal`` names its line)."""
    layer = Layer(call, KINDS[call.name])
    return _keras(layer) if layer.kind.framework == "keras" else _torch(layer)


def declared_in_channels(call: Call) -> int | None:
    """A PyTorch convolution's own ``in_channels`` (``None`` for Keras and pools)."""
    kind = KINDS[call.name]
    if kind.framework != "pytorch" or kind.op != "conv":
        return None
    value = Layer(call, kind).value("in_channels")
    return value if isinstance(value, int) else None


def data_format(call: Call) -> Any:
    return call.kwargs.get("data_format")


def input_shape(call: Call) -> list[Any] | None:
    """``Input(shape=(H, W, C))``, ``Input((H, W, C))``, ``batch_shape=(N, H, W, C)``, or
    a first layer's ``input_shape=``: the per-example shape (``None`` for a free size)."""
    batched = False
    value: Any = None
    if call.name in INPUTS:
        for key in ("shape", "input_shape", "batch_shape", "batch_input_shape"):
            if key in call.kwargs:
                value, batched = call.kwargs[key], key.startswith("batch")
                break
        else:
            value = call.args[0] if call.args else None
    else:
        value = call.kwargs.get("input_shape")
    if value is None:
        return None
    if _unknown(value) or not isinstance(value, tuple | list | int):
        raise refuse(["code"], "parse_not_literal", line=call.line, name=call.name,
                     argument="shape")  # fmt: skip
    items = list(value) if isinstance(value, tuple | list) else [value]
    return items[1:] if batched else items


def padding_pairs(call: Call, pending: list[list[int]] | None) -> list[list[int]]:
    """``[[before, after], …]`` of a ZeroPadding/ZeroPad layer (plus any padding before it).

    Keras: ``padding=1``, ``(1, 2)`` per dimension or ``((1, 1), (2, 2))`` pairs, default 1.
    PyTorch: an int, or ``(left, right)`` / ``(left, right, top, bottom)``: the last
    dimension first.
    """
    name = call.name
    ndim = PADDINGS[name]
    layer = Layer(call, Kind("keras", "pad", ndim, False, ("padding",)))
    value = layer.value("padding", 1)

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


def fold_padding(call: Call, padding: Any, pending: list[list[int]]) -> Any:
    """A padding layer before ``call``: add its sides to the layer's own padding."""
    kind = KINDS[call.name]
    if (
        len(pending) != kind.ndim
        or kind.transposed
        or (isinstance(padding, str) and padding != "valid")
    ):
        raise refuse(["code"], "parse_unsupported_option", line=call.line, name=call.name,
                     argument="padding", value=repr(padding),
                     reason="a padding layer before it can only be added to a direct "
                     "layer's numeric or \"valid\" padding")  # fmt: skip
    own = [0] * kind.ndim if padding == "valid" else padding
    own = [own] * kind.ndim if isinstance(own, int) else list(own)
    own_pairs = [[p, p] if isinstance(p, int) else list(p) for p in own]
    pairs = [[a + c, b + e] for (a, b), (c, e) in zip(own_pairs, pending, strict=True)]
    flat = {side for pair in pairs for side in pair}
    return pairs[0][0] if len(flat) == 1 else pairs
