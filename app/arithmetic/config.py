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
from app.arithmetic.geometry import PADDING_MODES, Axis, effective_kernel, resolve_named_padding

PaddingSpec = int | str | Sequence[int] | Sequence[Sequence[int]]
AXIS_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}


@dataclass(frozen=True)
class ConvConfig:
    """Everything about a convolution but its values.

    ``axes`` hold the resolved, PyTorch-meaning numbers; ``padding_name`` and
    ``output_padding_given`` keep what was asked for (a Keras name, and the
    ``output_padding`` as given, None when not given), for formulas and snippets.

    >>> c = build_config(input_size=[5, 5], kernel_size=3, stride=2, padding=1)
    >>> c.output_size, c.padding
    ((3, 3), ((1, 1), (1, 1)))
    """

    axes: tuple[Axis, ...]
    transposed: bool = False
    in_channels: int = 1
    out_channels: int = 1
    groups: int = 1
    padding_name: str | None = None
    output_padding_given: tuple[int, ...] | None = None
    op: str = "conv"
    padding_mode: str = "zeros"
    ceil_mode: bool = False
    count_include_pad: bool = True
    divisor_override: int | None = None

    @property
    def pooling(self) -> bool:
        """A max or average pool: no weights, one output channel per input channel."""
        return self.op != "conv"

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
        """Weights, without bias: ``out·(in/groups)·Πk`` (none for pooling)."""
        if self.pooling:
            return 0
        return self.out_channels * (self.in_channels // self.groups) * prod(self.kernel_size)

    @property
    def macs(self) -> int:
        """Multiply-accumulates of the layer: direct ``out·(in/groups)·Πk·Πo``; transposed
        ``in·(out/groups)·Πk·Πi`` (each input cell scatters its kernel once: the inserted
        zeros of the zero-insertion view are not work a framework does).

        >>> build_config(input_size=[4, 4], kernel_size=1, in_channels=256, out_channels=64).macs
        262144
        >>> build_config(input_size=[3, 3], stride=2, transposed=True).macs  # 3×3 → 7×7
        81
        """
        if self.pooling:  # one comparison or addition per kernel cell and output cell
            return self.out_channels * prod(self.kernel_size) * prod(self.output_size)
        if self.transposed:
            return self.params * prod(self.input_size)
        return self.params * prod(self.output_size)


def per_dimension(field: str, value: int | Sequence[int], ndim: int, minimum: int) -> list[int]:
    """An int broadcast over dimensions, or one per dimension, each at least ``minimum``.

    >>> per_dimension("stride", 2, 2, 1)
    [2, 2]
    >>> per_dimension("stride", [2, 1], 2, 1)
    [2, 1]
    >>> per_dimension("stride", [2, 1, 1], 2, 1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    app.arithmetic.errors.ConfigError: stride: wrong_dimension_count {...'count': 3, 'ndim': 2}
    """
    values = [value] * ndim if isinstance(value, int) else list(value)
    if len(values) != ndim:
        raise ConfigError(field, "wrong_dimension_count", field=field, count=len(values), ndim=ndim)
    for v in values:
        if v < minimum:
            raise ConfigError(field, "too_small", field=field, minimum=minimum, value=v)
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
                "padding", "wrong_dimension_count", field="padding", count=len(items), ndim=ndim
            )
        pairs = []
        for item in items:
            if isinstance(item, int):
                pairs.append((item, item))
            elif isinstance(item, Sequence) and len(item) == 2:
                pairs.append((item[0], item[1]))
            else:
                raise ConfigError("padding", "padding_pair_malformed", item=str(item)[:40])
    for before, after in pairs:
        if before < 0 or after < 0:
            raise ConfigError("padding", "padding_negative", before=before, after=after)
    return pairs


def build_config(
    input_size: Sequence[int],
    kernel_size: int | Sequence[int] = 3,
    stride: int | Sequence[int] = 1,
    padding: PaddingSpec = 0,
    dilation: int | Sequence[int] = 1,
    output_padding: int | Sequence[int] | None = None,
    transposed: bool = False,
    in_channels: int = 1,
    out_channels: int = 1,
    groups: int = 1,
    op: str = "conv",
    padding_mode: str = "zeros",
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> ConvConfig:
    """Resolve and check a configuration; raise ``ConfigError`` naming the field.

    Numeric padding is PyTorch's (for a transposed convolution, what is cropped from
    its output; ``output_padding`` not given is 0). A named padding of a transposed
    convolution is Keras's, where ``output_padding=None`` (not given) differs from 0:

    >>> build_config(input_size=[2, 2], stride=2, padding="same", transposed=True).output_size
    (4, 4)
    >>> build_config([8], kernel_size=1, stride=2, padding="valid", transposed=True).output_size
    (16,)
    >>> build_config([2], kernel_size=4, stride=2, dilation=2, padding="valid",
    ...              output_padding=1, transposed=True).output_size
    (10,)
    >>> build_config([4], kernel_size=2, stride=3, padding="same", output_padding=1,
    ...              transposed=True).output_size
    (10,)
    >>> build_config([2], kernel_size=4, padding="same", transposed=True).output_size
    (2,)
    >>> build_config([2], kernel_size=4, padding="same", output_padding=0,
    ...              transposed=True).output_size
    (1,)
    >>> build_config(input_size=[5], dilation=3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    app.arithmetic.errors.ConfigError: kernel_size: kernel_larger_than_input {...}

    ``op="max_pool"`` or ``"avg_pool"`` is PyTorch's pooling (direct, numeric padding of at
    most half the kernel, no dilation for the average): one output channel per input channel.

    >>> build_config([4, 4], kernel_size=2, stride=2, op="max_pool", in_channels=3).output_shape
    (3, 2, 2)

    ``padding_mode`` (direct convolutions: what the padding cells copy), ``ceil_mode`` (pools)
    and ``count_include_pad`` (average pools) are PyTorch's, refused where PyTorch refuses them:

    >>> build_config([6], stride=2, op="max_pool", ceil_mode=True).output_size
    (3,)
    >>> build_config([3], padding=3, padding_mode="reflect")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    app.arithmetic.errors.ConfigError: padding: padding_mode_reflect_too_large {...}

    ``divisor_override`` (2-D and 3-D average pools, as in PyTorch) replaces every window's
    divisor; PyTorch refuses 0 ("divisor must be not zero") and ``AvgPool1d`` has no such
    argument:

    >>> build_config([4, 4], kernel_size=2, op="avg_pool", divisor_override=3).divisor_override
    3
    >>> build_config([4], kernel_size=2, op="avg_pool", divisor_override=3)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    app.arithmetic.errors.ConfigError: divisor_override: divisor_override_1d
    """
    _check_options(op, transposed, padding_mode, ceil_mode, count_include_pad)
    _check_divisor_override(op, divisor_override, len(input_size))
    if op != "conv":
        _check_pool(op, padding, transposed, output_padding)
        _check_pool_channels(in_channels, out_channels, groups)
        out_channels = groups = in_channels
    ndim = len(input_size)
    if ndim not in AXIS_NAMES:
        raise ConfigError("input_size", "input_size_dimensions", count=ndim)
    sizes = per_dimension("input_size", list(input_size), ndim, 1)
    kernels = per_dimension("kernel_size", kernel_size, ndim, 1)
    strides = per_dimension("stride", stride, ndim, 1)
    dilations = per_dimension("dilation", dilation, ndim, 1)
    given = (
        None if output_padding is None else per_dimension("output_padding", output_padding, ndim, 0)
    )
    _check_channels(in_channels, out_channels, groups)
    if not transposed and given is not None and any(given):
        raise ConfigError("output_padding", "output_padding_direct")

    named = _padding_pairs(padding, ndim)
    names = AXIS_NAMES[ndim]
    if named == "causal" and ndim != 1:
        raise ConfigError("padding", "causal_needs_1d", ndim=ndim)
    axes = []
    for d in range(ndim):
        q = None if given is None else given[d]
        if q is not None and transposed:
            _check_output_padding(q, strides[d], dilations[d], names[d])
        if isinstance(named, str):
            before, after, out_pad = resolve_named_padding(
                named, sizes[d], kernels[d], strides[d], dilations[d], transposed, q
            )
            pair = (before, after)
        else:
            pair, out_pad = named[d], (q or 0) if transposed else 0
        axis = Axis(
            sizes[d], kernels[d], strides[d], pair, dilations[d], out_pad, transposed,
            padding_mode, ceil_mode,
        )  # fmt: skip
        _check_axis(axis, names[d])
        _check_padding_mode(axis, names[d])
        if op != "conv":
            _check_pool_axis(op, axis, ndim, names[d])
        axes.append(axis)
    return ConvConfig(
        tuple(axes),
        transposed,
        in_channels,
        out_channels,
        groups,
        padding_name=named if isinstance(named, str) else None,
        output_padding_given=None if given is None else tuple(given),
        op=op,
        padding_mode=padding_mode,
        ceil_mode=ceil_mode,
        count_include_pad=count_include_pad,
        divisor_override=divisor_override,
    )


def _check_divisor_override(op: str, divisor: int | None, ndim: int) -> None:
    """PyTorch's own refusals of ``divisor_override``: only ``AvgPool2d``/``AvgPool3d`` have
    it (not ``AvgPool1d``, max pools or convolutions), and ``avg_pool2d`` raises
    "divisor must be not zero" for 0 (a negative divisor is accepted, and divides)."""
    if divisor is None:
        return
    if op != "avg_pool":
        raise ConfigError("divisor_override", "divisor_override_not_avg", op=op)
    if ndim == 1:
        raise ConfigError("divisor_override", "divisor_override_1d")
    if divisor == 0:
        raise ConfigError("divisor_override", "divisor_override_zero")


def _check_options(
    op: str, transposed: bool, padding_mode: str, ceil_mode: bool, count_include_pad: bool
) -> None:
    """PyTorch's own refusals of ``padding_mode``, ``ceil_mode`` and ``count_include_pad``:
    ``ConvTranspose*d`` takes only ``"zeros"`` (its padding crops the output, there is
    nothing to copy), pools have no ``padding_mode``, convolutions no ``ceil_mode``, and only
    the average pool has ``count_include_pad``."""
    if padding_mode not in PADDING_MODES:
        raise ConfigError(
            "padding_mode", "padding_mode_unknown", value=str(padding_mode)[:40],
            modes=", ".join(PADDING_MODES),
        )  # fmt: skip
    if padding_mode != "zeros":
        if transposed:
            raise ConfigError("padding_mode", "padding_mode_transposed", mode=padding_mode)
        if op != "conv":
            raise ConfigError("padding_mode", "pool_padding_mode", op=op, mode=padding_mode)
    if ceil_mode and op == "conv":
        raise ConfigError("ceil_mode", "ceil_mode_conv")
    if not count_include_pad and op != "avg_pool":
        raise ConfigError("count_include_pad", "count_include_pad_not_avg", op=op)


def _check_padding_mode(axis: Axis, name: str) -> None:
    """``reflect`` mirrors without repeating the edge, so it needs padding < n on each side;
    ``circular`` may wrap around once, padding ≤ n (PyTorch's ``F.pad`` refuses more)."""
    n = axis.input_size
    for side in axis.padding:
        if axis.padding_mode == "reflect" and side >= n:
            raise ConfigError(
                "padding", "padding_mode_reflect_too_large", value=side, size=n, axis=name
            )
        if axis.padding_mode == "circular" and side > n:
            raise ConfigError(
                "padding", "padding_mode_circular_too_large", value=side, size=n, axis=name
            )


POOLS = ("max_pool", "avg_pool")


def _check_pool(
    op: str, padding: PaddingSpec, transposed: bool, output_padding: int | Sequence[int] | None
) -> None:
    """What a pool cannot be, before its dimensions are resolved."""
    if op not in POOLS:
        raise ConfigError("op", "op_unknown", value=str(op)[:40], ops="conv, " + ", ".join(POOLS))
    if transposed:
        raise ConfigError("transposed", "pool_transposed", op=op)
    if output_padding is not None:
        raise ConfigError("output_padding", "pool_output_padding", op=op)
    if isinstance(padding, str) and padding != "valid":
        raise ConfigError("padding", "pool_padding_name", op=op, name=padding)


def _check_pool_axis(op: str, axis: Axis, ndim: int, name: str) -> None:
    """PyTorch's own rules for ``F.max_pool*d`` / ``F.avg_pool*d``: symmetric padding of at
    most half the kernel, and no dilation for the average."""
    before, after = axis.padding
    if before != after:
        raise ConfigError("padding", "pool_padding_asymmetric", op=op)
    if before > axis.kernel_size // 2:
        raise ConfigError(
            "padding", "pool_padding_too_large", op=op, value=before, half=axis.kernel_size // 2
        )
    if op == "avg_pool" and axis.dilation != 1:
        raise ConfigError("dilation", "pool_average_dilation")
    if op == "avg_pool" and ndim == 3 and axis.input_size < axis.kernel_size:
        # PyTorch's avg_pool3d (alone) refuses an input smaller than the kernel, padding or not
        raise ConfigError(
            "kernel_size", "avg_pool3d_input_smaller_than_kernel",
            size=axis.input_size, kernel_size=axis.kernel_size, axis=name,
        )  # fmt: skip
    reads = [
        any(0 <= o * axis.stride + axis.dilation * k - before < axis.input_size
            for k in range(axis.kernel_size))
        for o in range(axis.output_size)
    ]  # fmt: skip
    if op == "max_pool" and not all(reads):  # PyTorch would answer −∞ there
        raise ConfigError("padding", "pool_window_only_padding", op=op)


def _check_pool_channels(in_channels: int, out_channels: int, groups: int) -> None:
    """A pool keeps each channel apart: out_channels and groups are the input's, or left out."""
    if out_channels not in (1, in_channels):
        raise ConfigError("out_channels", "pool_channels", in_channels=in_channels)
    if groups not in (1, in_channels):
        raise ConfigError("groups", "pool_groups", in_channels=in_channels)


def _check_channels(in_channels: int, out_channels: int, groups: int) -> None:
    for field, value in (
        ("in_channels", in_channels),
        ("out_channels", out_channels),
        ("groups", groups),
    ):
        if value < 1:
            raise ConfigError(field, "too_small", field=field, minimum=1, value=value)
    for field, value in (("in_channels", in_channels), ("out_channels", out_channels)):
        if value % groups:
            raise ConfigError(
                "groups",
                "groups_not_dividing",
                groups=groups,
                channels=field,
                value=value,
                valid=", ".join(map(str, _common_divisors(in_channels, out_channels))),
            )


def _common_divisors(a: int, b: int) -> list[int]:
    return [g for g in range(1, min(a, b) + 1) if a % g == 0 and b % g == 0]


def _check_output_padding(value: int, stride: int, dilation: int, name: str) -> None:
    """PyTorch's rule: ``output_padding < max(stride, dilation)``, else the extra cells would
    lie past where any window of the zero-insertion view can reach."""
    limit = max(stride, dilation)
    if value >= limit:
        raise ConfigError(
            "output_padding",
            "output_padding_too_large",
            value=value,
            limit=limit,
            stride=stride,
            dilation=dilation,
            axis=name,
        )


def _check_axis(axis: Axis, name: str) -> None:
    k_eff = effective_kernel(axis.kernel_size, axis.dilation)
    if axis.transposed:
        _check_output_padding(axis.output_padding, axis.stride, axis.dilation, name)
        if axis.output_size < 1:
            full = axis.output_size + sum(axis.padding)
            raise ConfigError(
                "padding", "padding_crops_everything", crop=sum(axis.padding), full=full, axis=name
            )
        return
    padded = axis.input_size + sum(axis.padding)
    if k_eff > padded:
        raise ConfigError(
            "kernel_size",
            "kernel_larger_than_input",
            k_eff=k_eff,
            kernel_size=axis.kernel_size,
            dilation=axis.dilation,
            padded=padded,
            axis=name,
        )
