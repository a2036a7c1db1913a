"""A convolution's full configuration, checked for what the maths allows.

``build_config`` takes fields as a request carries them (ints broadcast over
dimensions, padding as numbers, pairs or a name) and returns a ``ConvConfig``
whose every per-dimension field is resolved, or raises ``ConfigError`` naming
the field. Product limits (how big a trace may be) live in ``app/limits.py``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from math import prod

from app.arithmetic.errors import ConfigError
from app.arithmetic.geometry import Axis, effective_kernel, resolve_named_padding

PaddingSpec = int | str | Sequence[int] | Sequence[Sequence[int]]
AXIS_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}


@dataclass(frozen=True)
class ConvConfig:
    """Everything about a convolution but its values.

    >>> c = build_config(input_size=[5, 5], kernel_size=3, stride=2, padding=1)
    >>> c.output_size, c.padding
    ((3, 3), ((1, 1), (1, 1)))
    """

    axes: tuple[Axis, ...]
    transposed: bool = False
    in_channels: int = 1
    out_channels: int = 1
    groups: int = 1

    @property
    def ndim(self) -> int:
        return len(self.axes)

    @property
    def input_size(self) -> tuple[int, ...]:
        return tuple(a.input_size for a in self.axes)

    @property
    def kernel_size(self) -> tuple[int, ...]:
        return tuple(a.kernel_size for a in self.axes)

    @property
    def stride(self) -> tuple[int, ...]:
        return tuple(a.stride for a in self.axes)

    @property
    def dilation(self) -> tuple[int, ...]:
        return tuple(a.dilation for a in self.axes)

    @property
    def padding(self) -> tuple[tuple[int, int], ...]:
        return tuple(a.padding for a in self.axes)

    @property
    def output_padding(self) -> tuple[int, ...]:
        return tuple(a.output_padding for a in self.axes)

    @property
    def output_size(self) -> tuple[int, ...]:
        return tuple(a.output_size for a in self.axes)

    @property
    def axis_names(self) -> tuple[str, ...]:
        return AXIS_NAMES[self.ndim]

    @property
    def input_shape(self) -> tuple[int, ...]:
        return (self.in_channels, *self.input_size)

    @property
    def weight_shape(self) -> tuple[int, ...]:
        """PyTorch's layout: ``[out, in/groups, *k]``, or ``[in, out/groups, *k]`` transposed."""
        if self.transposed:
            return (self.in_channels, self.out_channels // self.groups, *self.kernel_size)
        return (self.out_channels, self.in_channels // self.groups, *self.kernel_size)

    @property
    def output_shape(self) -> tuple[int, ...]:
        return (self.out_channels, *self.output_size)

    @property
    def params(self) -> int:
        """Weights, without bias: ``out·(in/groups)·Πk``."""
        return self.out_channels * (self.in_channels // self.groups) * prod(self.kernel_size)

    @property
    def macs(self) -> int:
        """Multiply-accumulates of the layer: ``out·(in/groups)·Πk·Πo``.

        >>> build_config(input_size=[4, 4], kernel_size=1, in_channels=256, out_channels=64).macs
        262144
        """
        return self.params * prod(self.output_size)


def per_dimension(field: str, value: int | Sequence[int], ndim: int, minimum: int) -> list[int]:
    """An int broadcast over dimensions, or one per dimension, each at least ``minimum``.

    >>> per_dimension("stride", 2, 2, 1)
    [2, 2]
    >>> per_dimension("stride", [2, 1], 2, 1)
    [2, 1]
    """
    values = [value] * ndim if isinstance(value, int) else list(value)
    if len(values) != ndim:
        raise ConfigError(
            field,
            f"{field} has {len(values)} numbers but the input has {ndim} "
            f"dimension{'s' if ndim > 1 else ''}; give one number, or one per dimension",
        )
    for v in values:
        if v < minimum:
            raise ConfigError(field, f"{field} must be at least {minimum} (got {v})")
    return values


def _padding_pairs(padding: PaddingSpec, ndim: int) -> list[tuple[int, int]] | str:
    if isinstance(padding, str):
        return padding
    if isinstance(padding, int):
        pairs = [(padding, padding)] * ndim
    else:
        items = list(padding)
        if len(items) != ndim:
            raise ConfigError(
                "padding",
                f"padding has {len(items)} entries but the input has {ndim} dimension"
                f"{'s' if ndim > 1 else ''}; give one number, one per dimension, "
                "or one [before, after] pair per dimension",
            )
        pairs = []
        for item in items:
            if isinstance(item, int):
                pairs.append((item, item))
            elif isinstance(item, Sequence) and len(item) == 2:
                pairs.append((item[0], item[1]))
            else:
                raise ConfigError(
                    "padding", f"a per-side padding is a pair [before, after], got {item}"
                )
    for before, after in pairs:
        if before < 0 or after < 0:
            raise ConfigError(
                "padding", f"padding must be 0 or more on each side (got {before}, {after})"
            )
    return pairs


def build_config(
    input_size: Sequence[int],
    kernel_size: int | Sequence[int] = 3,
    stride: int | Sequence[int] = 1,
    padding: PaddingSpec = 0,
    dilation: int | Sequence[int] = 1,
    output_padding: int | Sequence[int] = 0,
    transposed: bool = False,
    in_channels: int = 1,
    out_channels: int = 1,
    groups: int = 1,
) -> ConvConfig:
    """Resolve and check a configuration; raise ``ConfigError`` naming the field.

    >>> build_config(input_size=[2, 2], stride=2, padding="same", transposed=True).output_size
    (4, 4)
    >>> build_config(input_size=[5], dilation=3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    app.arithmetic.errors.ConfigError: kernel_size: the kernel (effective size 7 with dilation 3)...
    """
    ndim = len(input_size)
    if ndim not in AXIS_NAMES:
        raise ConfigError("input_size", f"input_size needs 1, 2 or 3 numbers (got {ndim})")
    sizes = per_dimension("input_size", list(input_size), ndim, 1)
    kernels = per_dimension("kernel_size", kernel_size, ndim, 1)
    strides = per_dimension("stride", stride, ndim, 1)
    dilations = per_dimension("dilation", dilation, ndim, 1)
    out_pads = per_dimension("output_padding", output_padding, ndim, 0)
    _check_channels(in_channels, out_channels, groups)
    if not transposed and any(out_pads):
        raise ConfigError(
            "output_padding",
            "output_padding only applies to a transposed convolution; set transposed, "
            "or leave output_padding at 0",
        )

    named = _padding_pairs(padding, ndim)
    names = AXIS_NAMES[ndim]
    axes = []
    for d in range(ndim):
        if isinstance(named, str):
            if named == "causal" and ndim != 1:
                raise ConfigError("padding", '"causal" padding exists only for 1-D inputs')
            if named == "same" and out_pads[d]:
                raise ConfigError(
                    "output_padding",
                    'padding "same" decides the output_padding itself; leave output_padding at 0',
                )
            before, after, extra = resolve_named_padding(
                named, sizes[d], kernels[d], strides[d], dilations[d], transposed
            )
            pair, out_pad = (before, after), extra
        else:
            pair, out_pad = named[d], out_pads[d]
        axis = Axis(sizes[d], kernels[d], strides[d], pair, dilations[d], out_pad, transposed)
        _check_axis(axis, names[d])
        axes.append(axis)
    return ConvConfig(tuple(axes), transposed, in_channels, out_channels, groups)


def _check_channels(in_channels: int, out_channels: int, groups: int) -> None:
    for field, value in (
        ("in_channels", in_channels),
        ("out_channels", out_channels),
        ("groups", groups),
    ):
        if value < 1:
            raise ConfigError(field, f"{field} must be at least 1 (got {value})")
    for field, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if value % groups:
            raise ConfigError(
                "groups",
                f"groups ({groups}) must divide {field} ({value}) evenly; valid groups here: "
                + ", ".join(map(str, _common_divisors(in_channels, out_channels))),
            )


def _common_divisors(a: int, b: int) -> list[int]:
    return [g for g in range(1, min(a, b) + 1) if a % g == 0 and b % g == 0]


def _check_axis(axis: Axis, name: str) -> None:
    k_eff = effective_kernel(axis.kernel_size, axis.dilation)
    if axis.transposed:
        limit = max(axis.stride, axis.dilation)
        if axis.output_padding >= limit:
            raise ConfigError(
                "output_padding",
                f"output_padding must be smaller than stride or dilation (here below {limit} "
                f"in {name}, got {axis.output_padding})",
            )
        if axis.output_size < 1:
            full = axis.output_size + sum(axis.padding)
            raise ConfigError(
                "padding",
                f"padding crops {sum(axis.padding)} cells from a {name} of {full}, leaving "
                f"nothing; a transposed convolution's padding must total less than {full}",
            )
        return
    padded = axis.input_size + sum(axis.padding)
    if k_eff > padded:
        dilated = f" with dilation {axis.dilation}" if axis.dilation > 1 else ""
        raise ConfigError(
            "kernel_size",
            f"the kernel (effective size {k_eff}{dilated}) is larger than the padded input "
            f"({padded}) in {name}; make the kernel or dilation smaller, or pad more",
        )
