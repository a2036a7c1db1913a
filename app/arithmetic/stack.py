"""A stack of layers, shapes only: sizes, cost and receptive fields, layer after layer.

Each layer is resolved by ``build_config`` (the one geometry of ConvScope), with the
previous layer's output as its input, so a stack inherits every rule of the single
layer: named paddings, transposed output sizes, groups. Pooling layers take their
geometry from a depthwise configuration (one output channel per input channel) and
have no weights.

Receptive fields follow Araujo, Norris & Sim (2019), "Computing receptive fields of
convolutional neural networks", per spatial dimension, measured on the stack's input:
``r`` (cells an output cell sees), ``jump`` (input cells between neighbouring output
cells) and ``start`` (input coordinate of output cell 0's centre). A direct layer gives
``r ← r + d·(k − 1)·jump``, ``start ← start + ((k_eff − 1)/2 − p_before)·jump``,
``jump ← jump·s``; a transposed layer is the inverse map (``s`` output cells per
input cell): ``jump ← jump / s``, ``r ← r + (k_eff − 1)·jump / s`` and
``start ← start + (p_before − (k_eff − 1)/2)·jump / s``, fractions where the cells
of a transposed layer see unequal fields (the checkerboard). ``field_of`` gives the
exact input cells of one output cell by walking ``Axis.taps`` back.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from math import ceil, floor
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from app.arithmetic.config import ConvConfig, PaddingSpec, build_config
from app.arithmetic.errors import ConfigError
from app.arithmetic.geometry import Axis
from app.arithmetic.trace import axis_taps

Op = Literal["conv", "max_pool", "avg_pool"]


@dataclass(frozen=True)
class LayerSpec:
    """One layer as given (fields as a request carries them)."""

    kernel_size: int | Sequence[int] = 3
    stride: int | Sequence[int] = 1
    padding: PaddingSpec = 0
    dilation: int | Sequence[int] = 1
    groups: int = 1
    out_channels: int | None = None
    transposed: bool = False
    output_padding: int | Sequence[int] | None = None
    bias: bool = False
    op: Op = "conv"
    ceil_mode: bool = False


@dataclass(frozen=True)
class Field:
    """Receptive field of one dimension after a layer, on the stack's input."""

    receptive_field: Fraction
    jump: Fraction
    start: Fraction


@dataclass(frozen=True)
class StackLayer:
    """A resolved layer: its configuration, cost and receptive field per dimension."""

    spec: LayerSpec
    config: ConvConfig
    fields: tuple[Field, ...]

    @property
    def params(self) -> int:
        """Weights (and biases); pooling has none."""
        if self.spec.op != "conv":
            return 0
        return self.config.params + (self.config.out_channels if self.spec.bias else 0)

    @property
    def macs(self) -> int:
        """Multiply-accumulates; pooling multiplies by no weight, so 0."""
        return 0 if self.spec.op != "conv" else self.config.macs


class LayerError(Exception):
    """A ``ConfigError`` (or a stack rule) raised while resolving layer ``index`` (0-based)."""

    def __init__(self, index: int, field: str, type: str, ctx: dict[str, object]) -> None:
        super().__init__(f"layer {index + 1}: {field}: {type}")
        self.index, self.field, self.type, self.ctx = index, field, type, ctx


def layer_config(spec: LayerSpec, input_size: Sequence[int], in_channels: int) -> ConvConfig:
    """The configuration of one layer on its input (pooling: depthwise, channels kept).

    >>> layer_config(LayerSpec(kernel_size=7, stride=2, padding=3, out_channels=64), [224, 224], 3
    ...              ).output_shape
    (64, 112, 112)
    >>> layer_config(LayerSpec(kernel_size=3, stride=2, padding=1, op="max_pool"), [112, 112], 64
    ...              ).output_shape
    (64, 56, 56)
    """
    pooling = spec.op != "conv"
    if pooling and spec.transposed:
        raise ConfigError("transposed", "stack_pool_transposed")
    if pooling and spec.out_channels not in (None, in_channels):
        raise ConfigError(
            "out_channels", "stack_pool_channels", channels=in_channels, value=spec.out_channels
        )
    out_channels = in_channels if pooling else (spec.out_channels or 1)
    return build_config(
        input_size=input_size,
        kernel_size=spec.kernel_size,
        stride=spec.stride,
        padding=spec.padding,
        dilation=spec.dilation,
        transposed=spec.transposed,
        in_channels=in_channels,
        out_channels=out_channels,
        groups=in_channels if pooling else spec.groups,
        output_padding=spec.output_padding,
        # a pool's own rules only when ceil_mode asks for them (Keras pools say "same")
        op=spec.op if spec.ceil_mode else "conv",
        ceil_mode=spec.ceil_mode,
    )


def next_field(previous: Field, axis: Axis) -> Field:
    """The receptive field after one more layer (one dimension).

    >>> f = Field(Fraction(1), Fraction(1), Fraction(0))
    >>> f = next_field(f, Axis(input_size=224, kernel_size=7, stride=2, padding=(3, 3)))
    >>> f.receptive_field, f.jump, f.start
    (Fraction(7, 1), Fraction(2, 1), Fraction(0, 1))
    >>> g = next_field(f, Axis(input_size=3, kernel_size=4, stride=2, padding=(1, 1),
    ...                        transposed=True))
    >>> g.receptive_field, g.jump, g.start  # 2 output cells per input cell
    (Fraction(10, 1), Fraction(1, 1), Fraction(-1, 2))
    """
    r, jump, start = previous.receptive_field, previous.jump, previous.start
    reach = axis.k_eff - 1
    before = axis.padding[0]
    if axis.transposed:
        step = jump / axis.stride
        return Field(r + reach * step, step, start + (before - Fraction(reach, 2)) * step)
    return Field(r + reach * jump, jump * axis.stride, start + (Fraction(reach, 2) - before) * jump)


def build_stack(
    input_size: Sequence[int], in_channels: int, specs: Sequence[LayerSpec]
) -> list[StackLayer]:
    """Resolve every layer on the previous one's output; ``LayerError`` names the layer.

    The seed's dilation stack: receptive fields 3, 7, 15, 31.

    >>> stack = build_stack([32, 32], 1, [LayerSpec(dilation=d, padding="same")
    ...                                   for d in (1, 2, 4, 8)])
    >>> [int(layer.fields[0].receptive_field) for layer in stack]
    [3, 7, 15, 31]
    """
    size, channels = list(input_size), in_channels
    fields = tuple(Field(Fraction(1), Fraction(1), Fraction(0)) for _ in size)
    result = []
    for index, spec in enumerate(specs):
        try:
            config = layer_config(spec, size, channels)
        except ConfigError as exc:
            raise LayerError(index, exc.field, exc.type, dict(exc.ctx)) from exc
        fields = tuple(next_field(f, a) for f, a in zip(fields, config.axes, strict=True))
        result.append(StackLayer(spec, config, fields))
        size, channels = list(config.output_size), config.out_channels
    return result


@dataclass(frozen=True)
class Probe:
    """One output cell's receptive field on the stack's input, after layer ``layer``.

    ``bounds`` is ``[first, last]`` per dimension (``None`` when the cell reads only
    padding); ``cells`` lists them exactly (dilation and strides leave holes), or is
    ``None`` when the stack is too big to list them, and then ``bounds`` is the span of
    every cell between the extremes at each layer (an envelope).
    """

    layer: int
    index: tuple[int, ...]
    bounds: tuple[tuple[int, int], ...] | None
    cells: tuple[tuple[int, ...], ...] | None


@dataclass(frozen=True)
class AxisProbe:
    """One dimension of a ``Probe``: the output cell's position along it, the first and
    last input cell it reaches (``None``: only padding), and those cells exactly when
    listed. A probe is separable: its dimensions are computed apart (``combine``)."""

    index: int
    bounds: tuple[int, int] | None
    cells: tuple[int, ...] | None


def combine(layer: int, axes: Sequence[AxisProbe]) -> Probe:
    """The probe of one cell from its dimensions: no field when any dimension reads only
    padding; cells listed when every dimension lists them.

    >>> combine(2, [AxisProbe(1, (0, 4), (0, 2, 4)), AxisProbe(3, (5, 7), (5, 6, 7))])
    Probe(layer=2, index=(1, 3), bounds=((0, 4), (5, 7)), cells=((0, 2, 4), (5, 6, 7)))
    >>> combine(0, [AxisProbe(0, None, None), AxisProbe(3, (5, 7), None)]).bounds is None
    True
    """
    index = tuple(a.index for a in axes)
    if any(a.bounds is None for a in axes):
        return Probe(layer, index, None, None)
    bounds = tuple(a.bounds for a in axes if a.bounds is not None)
    cells = tuple(a.cells for a in axes if a.cells is not None)
    return Probe(layer, index, bounds, cells if len(cells) == len(axes) else None)


@lru_cache(maxsize=512)
def windows(axis: Axis) -> NDArray[np.int64]:
    """Input indices each output cell reads, one row per output cell, ``-1`` where a
    kernel cell lands on padding or an inserted zero (from ``axis_taps``). Cached: a
    network repeats its layers, and the table is only read.

    >>> windows(Axis(input_size=5, kernel_size=3, stride=2, padding=(1, 1))).tolist()
    [[-1, 0, 1], [1, 2, 3], [3, 4, -1]]
    """
    taps = axis_taps(axis)
    table = np.full((axis.output_size, axis.kernel_size), -1, dtype=np.int64)
    rows = np.repeat(np.arange(axis.output_size, dtype=np.int64), taps.counts)
    table[rows, taps.kernel] = taps.input
    table.setflags(write=False)
    return table


class Reach:
    """What every output cell of every layer reads, per dimension, computed once per stack.

    Above ``budget`` window cells in all (a huge stack), there are no tables: a probe's
    bounds are then the closed form's window (centre ``start + n·jump``, width ``r``)
    clipped to the input, and its cells are not listed.
    """

    def __init__(self, stack: Sequence[StackLayer], budget: int = 4_000_000) -> None:
        self.stack = stack
        work = sum(a.output_size * a.kernel_size for s in stack for a in s.config.axes)
        self.tables: list[list[NDArray[np.int64]]] | None = None
        if work <= budget:
            self.tables = [[windows(a) for a in s.config.axes] for s in stack]

    def window(self, layer: int, d: int, out_index: int) -> list[int]:
        """Input indices (of the layer's input) output cell ``out_index`` reads, in kernel order."""
        if self.tables is not None:
            return [int(i) for i in self.tables[layer][d][out_index] if i >= 0]
        # Without tables, only the cell at the window's centre (what growing_field follows).
        axis = self.stack[layer].config.axes[d]
        own = next_field(Field(Fraction(1), Fraction(1), Fraction(0)), axis)
        centre = own.start + out_index * own.jump
        return [min(max(round(centre), 0), axis.input_size - 1)]

    def cells(self, layer: int, d: int, position: int) -> NDArray[np.int64] | None:
        """Exact input cells (one dimension) of output cell ``position`` of ``layer``."""
        if self.tables is None:
            return None
        chosen = np.array([position], dtype=np.int64)
        for m in range(layer, -1, -1):
            reads = self.tables[m][d][chosen].ravel()
            chosen = np.unique(reads[reads >= 0])
            if chosen.size == 0:
                break
        return chosen

    def envelope(self, layer: int, d: int, position: int) -> tuple[int, int] | None:
        f = self.stack[layer].fields[d]
        centre = f.start + position * f.jump
        low = max(ceil(centre - (f.receptive_field - 1) / 2), 0)
        high = min(
            floor(centre + (f.receptive_field - 1) / 2), self.stack[0].config.input_size[d] - 1
        )
        return (low, high) if low <= high else None

    def axis(self, layer: int, d: int, position: int, exact_cells: bool = True) -> AxisProbe:
        """One dimension of a probe: exact cells (with tables and ``exact_cells``) or the
        envelope; ``bounds`` is ``None`` when the cell reads only padding along ``d``."""
        exact = self.cells(layer, d, position) if exact_cells else None
        if exact is None:
            return AxisProbe(position, self.envelope(layer, d, position), None)
        if exact.size == 0:
            return AxisProbe(position, None, None)
        listed = tuple(int(i) for i in exact)
        return AxisProbe(position, (listed[0], listed[-1]), listed)

    def probe(self, layer: int, index: Sequence[int], exact_cells: bool = True) -> Probe:
        return combine(layer, [self.axis(layer, d, p, exact_cells) for d, p in enumerate(index)])


def field_of(stack: Sequence[StackLayer], layer: int, index: Sequence[int]) -> Probe:
    """The input cells output cell ``index`` of layer ``layer`` (0-based) depends on.

    >>> stack = build_stack([9], 1, [LayerSpec(kernel_size=3, dilation=2)] * 2)
    >>> p = field_of(stack, 1, [0])
    >>> p.bounds, p.cells
    (((0, 8),), ((0, 2, 4, 6, 8),))
    """
    return Reach(stack).probe(layer, index)


def growing_field(
    stack: Sequence[StackLayer], layer: int, index: Sequence[int], max_steps: int = 2_000
) -> list[Probe]:
    """The field growing layer by layer: for each layer up to ``layer``, the field of
    the cell on the path back from ``index`` (each step keeps the middle cell the window
    reads), so the last entry is the field of ``index`` itself.

    >>> stack = build_stack([40], 1, [LayerSpec(dilation=d, padding="same") for d in (1, 2, 4, 8)])
    >>> [p.bounds[0][1] - p.bounds[0][0] + 1 for p in growing_field(stack, 3, [20])]
    [3, 7, 15, 31]
    """
    reach = Reach(stack)
    axes = [growing_axis(reach, layer, d, position, max_steps) for d, position in enumerate(index)]
    if any(broken for _, broken in axes):  # a window on padding only: the last field alone
        return [combine(layer, [steps[-1] for steps, _ in axes])]
    return [combine(m, [steps[m] for steps, _ in axes]) for m in range(layer + 1)]


def growing_axis(
    reach: Reach, layer: int, d: int, position: int, max_steps: int = 2_000
) -> tuple[list[AxisProbe], bool]:
    """One dimension of ``growing_field``: the field along ``d`` after each layer up to
    ``layer``, and whether the path back broke (a window that reads only padding; then the
    list holds only the last field). The dimensions are independent, so a page can hold
    these per-dimension lists and pair them for any cell (``combine``).

    >>> stack = build_stack([40], 1, [LayerSpec(dilation=d, padding="same") for d in (1, 2)])
    >>> steps, broken = growing_axis(Reach(stack), 1, 0, 20)
    >>> [(s.index, s.bounds) for s in steps], broken  # reads 18, 20, 22: the middle is 20
    ([(20, (19, 21)), (20, (17, 23))], False)
    """
    path = [position]
    for m in range(layer, 0, -1):
        window = reach.window(m, d, path[-1])
        if not window:
            return [reach.axis(layer, d, position)], True
        path.append(window[len(window) // 2])
    path.reverse()
    # Each step walks back through every layer below it: past ~2,000 layer-steps (a stack
    # of 60 layers and more), the steps before the last take the closed form's window.
    exact = (layer + 1) * (layer + 2) // 2 <= max_steps
    return [reach.axis(m, d, cell, exact or m == layer) for m, cell in enumerate(path)], False


def total(stack: Sequence[StackLayer]) -> tuple[int, int]:
    """``(params, macs)`` of the whole stack.

    The seed's bottleneck: 256→64 1×1 then 64→256 4×4 on a 4×4 input, against 256→256 4×4.

    >>> plain = total(build_stack([4, 4], 256, [LayerSpec(4, padding="same", out_channels=256)]))
    >>> slim = total(build_stack([4, 4], 256, [LayerSpec(1, out_channels=64),
    ...                                        LayerSpec(4, padding="same", out_channels=256)]))
    >>> round(plain[1] / slim[1], 2)
    3.76
    """
    return sum(s.params for s in stack), sum(s.macs for s in stack)
