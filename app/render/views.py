"""The views of one layer as grids of cells: what each cell of each grid shows at each step.

A view reads the engine's typed objects (``Trace``, ``ConvConfig``, ``Axis`` and
``app.arithmetic.canvas``); it computes no geometry of its own. ``app.render.scene`` lays
its grids out in pixels. The views are the page's (SPEC.md, "The page"):

- ``canvas``: the (padded or zero-inserted) canvas of every input channel feeding one output
  channel, the kernel window on it, the kernel as its own grids, the output filling in; a step
  is an output cell. Pooling: the window without weights, its max (or its sum) picked out.
- ``scatter``: each input cell times the kernel, added into the output; a step is an input cell.
- ``matrix``: the layer as its matrix ``C`` (``Cᵀ`` for a transposed layer) times the
  flattened input; a step is a row (an output cell).
- ``overlap``: how many taps land on each output cell; a step is an output cell's window.

A picture of step ``s`` is ``base(phase(s))`` with ``changes(s)`` laid over it: the base
holds what stays put while the phase (an output or input channel) does.
"""

from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import product
from math import prod

import numpy as np

from app.arithmetic.canvas import CellKind, canvas_cell, combine, unused_reason, window
from app.arithmetic.config import ConvConfig
from app.arithmetic.geometry import Axis
from app.arithmetic.matrix import conv_matrix
from app.arithmetic.trace import TapTable, Trace, pool_divisor, tap_table
from app.i18n.messages import t
from app.render.look import scale_class

OVERLAP_CLASSES = 9  # the overlap scale's colours (static/look.json)
MATRIX_CLASSES = 5  # steps of |weight| / largest in the matrix view
MAX_DRAWN_CHANNELS = 4  # channel grids drawn side by side; the rest are counted in a caption
Key = tuple[int, int, int]  # (grid, row, column)


@dataclass(frozen=True)
class Cell:
    """One drawn cell: its kind (a key of ``static/look.json``), its number, a weight in its
    corner, whether the kernel window shades it, whether it is marked (outlined)."""

    kind: str
    text: str = ""
    corner: str = ""
    shade: bool = False
    mark: str = ""  # outlined: "max" (of a pooling window), "now" (the matrix row of the step)
    scale: tuple[str, int] | None = None  # (scale, class): a fill from one of the look's scales


@dataclass(frozen=True)
class Grid:
    name: str  # what the page calls it (data-grid): canvas, input, kernel, output, matrix
    rows: int
    cols: int


Part = Grid | str  # a grid, or the operator between two grids: "×", "→", "="


@dataclass(frozen=True)
class Sum:
    """The arithmetic of a step: ``head`` + terms joined by `` + `` + ``tail``."""

    head: str
    terms: list[str]
    tail: str
    joiner: str = " + "


def number(value: float) -> str:
    """A value as the page shows it: whole numbers plain, others to 4 significant digits,
    a true minus sign.

    >>> number(7.0), number(-1.0), number(0.5625), number(1/3)
    ('7', '−1', '0.5625', '0.3333')
    """
    if float(value).is_integer() and abs(value) < 1e9:
        text = str(int(value))
    else:
        text = f"{value:.4g}"
    return text.replace("-", "−")


def factor(value: float) -> str:
    """A number inside a product: negative ones in brackets, ``3·(−1)``."""
    return f"({number(value)})" if value < 0 else number(value)


def sizes(values: list[int] | tuple[int, ...]) -> str:
    return "×".join(map(str, values))


def _per_dim(values: tuple[int, ...]) -> str:
    return str(values[0]) if len(set(values)) == 1 else sizes(values)


def layer_name(config: ConvConfig) -> str:
    """PyTorch's class name: ``Conv2d``, ``ConvTranspose1d``, ``MaxPool2d``."""
    n = config.ndim
    if config.op == "max_pool":
        return f"MaxPool{n}d"
    if config.op == "avg_pool":
        return f"AvgPool{n}d"
    return f"ConvTranspose{n}d" if config.transposed else f"Conv{n}d"


def title(config: ConvConfig, padding_name: str | None = None) -> str:
    """The layer and its configuration in the API's words, channels in the shapes.

    >>> from app.arithmetic.config import build_config
    >>> title(build_config([5, 5], kernel_size=3, stride=2, padding=1))
    'Conv2d: 5×5 → 3×3, kernel_size 3, stride 2, padding 1'
    >>> title(build_config([4, 4], in_channels=2, out_channels=3, kernel_size=1))
    'Conv2d: 2×4×4 → 3×4×4, kernel_size 1'
    """
    channels = config.in_channels > 1 or config.out_channels > 1
    shape_in = config.input_shape if channels else config.input_size
    shape_out = config.output_shape if channels else config.output_size
    parts = [f"kernel_size {_per_dim(config.kernel_size)}"]
    if any(s > 1 for s in config.stride):
        parts.append(f"stride {_per_dim(config.stride)}")
    pads = config.padding
    if padding_name is not None and padding_name != "valid":
        parts.append(f"padding {padding_name}")
    elif any(b or a for b, a in pads):
        if all(b == a for b, a in pads):
            parts.append(f"padding {_per_dim(tuple(b for b, _ in pads))}")
        else:
            parts.append("padding " + ",".join(f"{b}:{a}" for b, a in pads))
    if any(d > 1 for d in config.dilation):
        parts.append(f"dilation {_per_dim(config.dilation)}")
    if any(config.output_padding):
        parts.append(f"output_padding {_per_dim(config.output_padding)}")
    if config.groups > 1 and not config.pooling:  # a pool is depthwise: no groups to name
        parts.append(f"groups {config.groups}")
    return f"{layer_name(config)}: {sizes(shape_in)} → {sizes(shape_out)}, {', '.join(parts)}"


# ---------------------------------------------------------------------- reading the trace


class Reader:
    """A trace seen in two dimensions (a 1-D trace is one row), with lookups by index."""

    def __init__(self, trace: Trace, padding_name: str | None = None):
        self.trace = trace
        self.op = trace.config.op  # "conv", or a pool traced as its depthwise convolution
        self.padding_name = padding_name
        config = trace.config
        self.config = config
        self.one_d = config.ndim == 1
        # a 1-D layer as 2-D: one row, a kernel of height 1 (an Axis of the engine)
        row = (Axis(input_size=1, kernel_size=1),)
        self.axes: tuple[Axis, Axis] = (*(row if self.one_d else ()), *config.axes)
        self.input = trace.input.reshape(config.in_channels, *self.two(config.input_size))
        self.output = trace.output.reshape(config.out_channels, *self.two(config.output_size))
        self.weight = (
            None
            if trace.weight is None
            else trace.weight.reshape(*trace.weight.shape[:2], *self.two(config.kernel_size))
        )
        self.bias = trace.bias
        self.cin_g = config.in_channels // config.groups
        self.cout_g = config.out_channels // config.groups
        self.out_cells = prod(config.output_size)
        self.unused = (
            [set(), *map(set, trace.unused_input)]
            if self.one_d
            else [set(u) for u in trace.unused_input]
        )

    def two(self, values: tuple[int, ...]) -> tuple[int, int]:
        """Sizes seen in two dimensions: a 1-D layer's as one row."""
        return (1, values[0]) if self.one_d else (values[0], values[1])

    @cached_property
    def table(self) -> TapTable:
        """Every tap in step order (the engine's product of axes and channel taps)."""
        return tap_table(self.trace)

    @property
    def count(self) -> int:
        """Steps of the trace: one per output cell, output channel first."""
        return self.config.out_channels * self.out_cells

    def out(self, step: int) -> tuple[int, int, int]:
        """(channel, row, column) of the output cell of ``step``."""
        o, y, x = np.unravel_index(step, self.output.shape)
        return int(o), int(y), int(x)

    def channel_taps(self, o: int) -> list[tuple[int, int, int]]:
        """``(c, w0, w1)``: the input channels output channel ``o`` reads, and its weight slices."""
        return [(int(c), int(w0), int(w1)) for c, w0, w1 in self.trace.channel_taps[o]]

    def lift_taps(self, a: int, b: int) -> list[tuple[int, int, int, int, int, int, int]]:
        """Rows ``a:b`` of the tap table as ``(c, iy, ix, w0, w1, ky, kx)``."""
        x, w = self.table.input[:, a:b], self.table.weight[:, a:b]
        if self.one_d:
            zeros = np.zeros((1, b - a), dtype=np.int64)
            x = np.concatenate([x[:1], zeros, x[1:]])
            w = np.concatenate([w[:2], zeros, w[2:]])
        rows: list[tuple[int, int, int, int, int, int, int]] = [
            (c, iy, ix, w0, w1, ky, kx)
            for c, iy, ix, w0, w1, ky, kx in np.concatenate([x, w]).T.tolist()
        ]
        return rows

    def taps(self, step: int) -> list[tuple[int, int, int, int, int, int, int]]:
        """``(c, iy, ix, w0, w1, ky, kx)`` of each tap of ``step``, in the order the picture
        reads: channel, then row, then column of the input."""
        start = self.table.start
        return sorted(self.lift_taps(int(start[step]), int(start[step + 1])))

    def where(self, o: int, y: int, x: int, channels: bool) -> str:
        position = [x] if self.one_d else [y, x]
        return ", ".join(map(str, [o, *position] if channels else position))

    @cached_property
    def canvas_kinds(self) -> list[list[tuple[CellKind, int | None]]]:
        return [[canvas_cell(a, c) for c in range(a.canvas_size)] for a in self.axes]

    def canvas(self, cy: int, cx: int) -> tuple[CellKind, int, int]:
        """What canvas cell (cy, cx) holds, and its input index when it is an input cell."""
        (ky, iy), (kx, ix) = self.canvas_kinds[0][cy], self.canvas_kinds[1][cx]
        return combine([ky, kx]), iy or 0, ix or 0

    def window(self, y: int, x: int) -> list[tuple[int, int, int, int]]:
        """``(ky, kx, cy, cx)``: each kernel cell of output (y, x) and the canvas cell under it."""
        rows, cols = window(self.axes[0], y), window(self.axes[1], x)
        return [(ky, kx, cy, cx) for (ky, cy), (kx, cx) in product(rows, cols)]


def _output_cell(reader: Reader, o: int, y: int, x: int, kind: str) -> Cell:
    return Cell(kind, number(reader.output[o, y, x]))


# ---------------------------------------------------------------------- the views


def input_caption(config: ConvConfig) -> str:
    """The input grid's caption: zeros inserted (a strided transposed layer), padded, or plain."""
    if config.transposed and max(config.stride) > 1:
        return t("picture.input.zeros")
    return t("picture.input.padded" if any(b or a for b, a in config.padding) else "picture.input")


def canvas_legend(
    kinds: Collection[CellKind], axes: Sequence[Axis], unused: Sequence[Iterable[int]]
) -> list[tuple[Cell, str]]:
    """The legend of a canvas (2-D, or a 3-D volume's slices): input, the input cells no window
    reads with the page's own sentence of why, then padding and inserted zeros if it has any."""
    entries = [(Cell("input"), t("legend.input"))]
    reasons = {
        unused_reason(axis, i) for axis, cells in zip(axes, unused, strict=True) for i in cells
    }
    entries += [(Cell("unused"), t(f"unused.why.{why}")) for why in sorted(reasons)]
    if "padding" in kinds:
        entries.append((Cell("padding"), t("legend.padding")))
    if "zero" in kinds:
        entries.append((Cell("zero"), t("legend.zero")))
    return entries


class View(ABC):
    """What one view draws; ``app.render.scene`` places it."""

    name: str
    parts: list[Part]
    count: int  # steps
    caption_lines = 2
    bracket: tuple[int, int] | None = None  # grids spanned by the group bracket
    shift: tuple[int, int] = (0, 0)  # (grid, columns): a 1-D grid drawn that far to the right
    # rows of grids one under another, each with its label (a 3-D layer's depth slices);
    # empty: the grids of ``parts`` side by side (1-D: one under another)
    bands: list[tuple[str, list[int]]]
    still = False  # one picture, no steps to animate (a GIF is one frame)
    shown = 0  # the phase of the cells drawn last

    def __init__(self, reader: Reader):
        self.r = reader
        self.title = title(reader.config, reader.padding_name)
        self._bases: dict[int, dict[Key, Cell]] = {}
        self.bands = []

    @property
    def grids(self) -> list[Grid]:
        return [p for p in self.parts if isinstance(p, Grid)]

    @property
    def one_d(self) -> bool:
        return self.r.one_d

    def phase(self, step: int) -> int:
        return 0

    def band_label(self, band: int, phase: int) -> str:
        return self.bands[band][0]

    def cell_id(self, key: Key) -> tuple[str, str]:
        """The page's ``data-grid`` and ``data-index`` of cell ``key`` (the SVG carries them)."""
        g, row, col = key
        return self.grids[g].name, str(col) if self.one_d else f"{row},{col}"

    def base(self, phase: int) -> dict[Key, Cell]:
        """The cells that stay put during ``phase`` (computed once per phase); the phase
        drawn last is ``shown`` (what ``cell_id`` names cells by)."""
        self.shown = phase
        if phase not in self._bases:
            self._bases = {phase: self._base(phase)}  # phases come in order: keep the last
        return self._bases[phase]

    @abstractmethod
    def _base(self, phase: int) -> dict[Key, Cell]: ...

    @abstractmethod
    def captions(self, phase: int) -> list[str]: ...

    def bracket_label(self, phase: int) -> str:
        return ""

    @abstractmethod
    def changes(self, step: int) -> dict[Key, Cell]: ...

    @abstractmethod
    def arithmetic(self, step: int) -> Sum: ...

    @abstractmethod
    def legend(self) -> list[tuple[Cell, str]]: ...

    def cells(self, step: int) -> dict[Key, Cell]:
        """Every cell of the picture of ``step``."""
        return {**self.base(self.phase(step)), **self.changes(step)}

    def kind_legend(self) -> list[tuple[Cell, str]]:
        """Legend entries for the canvas kinds this layer has."""
        kinds = {self.r.canvas(cy, cx)[0] for cy, cx in product(*map(range, self._canvas_size))}
        return canvas_legend(kinds, self.r.axes, self.r.unused)

    @property
    def _canvas_size(self) -> tuple[int, int]:
        return self.r.axes[0].canvas_size, self.r.axes[1].canvas_size


class CanvasView(View):
    """Input channels on their canvas × the kernel → the output of one channel."""

    name = "canvas"

    def __init__(self, reader: Reader):
        super().__init__(reader)
        ch, cw = self._canvas_size
        self.drawn = min(reader.cin_g, MAX_DRAWN_CHANNELS)
        self.pool = reader.op != "conv"
        kh, kw = (1, reader.config.kernel_size[0]) if reader.one_d else reader.config.kernel_size
        canvases: list[Part] = [Grid("canvas", ch, cw) for _ in range(self.drawn)]
        kernels: list[Part] = (
            [] if self.pool else ["×"] + [Grid("kernel", kh, kw) for _ in range(self.drawn)]
        )
        oh, ow = reader.output.shape[1:]
        self.parts = [*canvases, *kernels, "→", Grid("output", oh, ow)]
        self.output_grid = len(self.grids) - 1
        self.count = reader.count
        if reader.config.groups > 1 and not self.pool:
            self.bracket = (0, self.drawn - 1)
        axis = reader.axes[1]
        if reader.one_d and not axis.transposed and axis.stride == 1:
            # each output under the last input its window reads: the time step it belongs to
            # (causal padding puts output t under input t)
            self.shift = (self.output_grid, axis.k_eff - 1)

    def phase(self, step: int) -> int:
        return self.r.out(step)[0]

    def channels(self, o: int) -> list[tuple[int, int, int]]:
        return self.r.channel_taps(o)[: self.drawn]  # a pool: output channel o reads input o

    def _base(self, phase: int) -> dict[Key, Cell]:
        r = self.r
        cells: dict[Key, Cell] = {}
        ch, cw = self._canvas_size
        for slot, (c, w0, w1) in enumerate(self.channels(phase)):
            for cy, cx in product(range(ch), range(cw)):
                kind, iy, ix = r.canvas(cy, cx)
                if kind == "input":
                    unused = iy in r.unused[0] or ix in r.unused[1]
                    cells[slot, cy, cx] = Cell(
                        "unused" if unused else "input", number(r.input[c, iy, ix])
                    )
                else:
                    cells[slot, cy, cx] = Cell(kind)
            if r.weight is not None and not self.pool:
                kernel = r.weight[w0, w1]
                for ky, kx in product(*map(range, kernel.shape)):
                    cells[self.drawn + slot, ky, kx] = Cell("kernel", number(kernel[ky, kx]))
        oh, ow = r.output.shape[1:]
        for y, x in product(range(oh), range(ow)):
            cells[self.output_grid, y, x] = Cell("output_empty")
        return cells

    def captions(self, phase: int) -> list[str]:
        r, config = self.r, self.r.config
        many_in, many_out = config.in_channels > 1, config.out_channels > 1
        what = input_caption(config)
        found = []
        channels = self.channels(phase)
        for c, _, _ in channels:
            found.append(t("picture.channel", what=what, c=c) if many_in else what)
        if r.cin_g > self.drawn and not self.pool:
            found[-1] += t("picture.more", count=r.cin_g - self.drawn)
        if not self.pool:
            flipped = t("picture.rotated") if config.transposed else ""
            for _, w0, w1 in channels:
                many = many_in or many_out
                name = t("picture.kernel.slice", w0=w0, w1=w1) if many else t("picture.kernel")
                found.append(name + flipped)
        output = t("picture.output")
        found.append(t("picture.channel", what=output, c=phase) if many_out else output)
        return found

    def bracket_label(self, phase: int) -> str:
        group = phase // self.r.cout_g
        first = group * self.r.cin_g
        return t("picture.group", group=group, first=first, last=first + self.r.cin_g - 1)

    def changes(self, step: int) -> dict[Key, Cell]:
        r = self.r
        o, y, x = r.out(step)
        base = self.base(o)
        cells: dict[Key, Cell] = {}
        best = self._max_cell(step) if r.op == "max_pool" else None
        for slot, (_, w0, w1) in enumerate(self.channels(o)):
            for ky, kx, cy, cx in r.window(y, x):
                cell = base[slot, cy, cx]
                corner = ""
                if r.weight is not None and not self.pool:
                    corner = number(r.weight[w0, w1, ky, kx])
                mark = "max" if best == (cy, cx) else ""
                cells[slot, cy, cx] = replace(cell, corner=corner, shade=True, mark=mark)
        first = o * r.out_cells
        for s in range(first, step):
            _, sy, sx = r.out(s)
            cells[self.output_grid, sy, sx] = _output_cell(r, o, sy, sx, "output")
        cells[self.output_grid, y, x] = _output_cell(r, o, y, x, "output_current")
        return cells

    def _max_cell(self, step: int) -> tuple[int, int] | None:
        """Canvas cell of the window's largest input (the first, reading order, on ties)."""
        r = self.r
        o, y, x = r.out(step)
        best: tuple[float, int, int] | None = None
        for _, _, cy, cx in sorted(r.window(y, x), key=lambda w: (w[2], w[3])):
            kind, iy, ix = r.canvas(cy, cx)
            if kind == "input":
                value = float(r.input[o, iy, ix])
                if best is None or value > best[0]:
                    best = (value, cy, cx)
        return None if best is None else (best[1], best[2])

    def arithmetic(self, step: int) -> Sum:
        r = self.r
        o, y, x = r.out(step)
        value = float(r.output[o, y, x])
        head = f"output ({r.where(o, y, x, r.config.out_channels > 1)}) = "
        taps = r.taps(step)
        values = [float(r.input[c, iy, ix]) for c, iy, ix, *_ in taps]
        if r.op == "max_pool":
            return Sum(head + "max(", [number(v) for v in values], f") = {number(value)}", ", ")
        if r.op == "avg_pool":  # PyTorch's divisor: ceil_mode, count_include_pad, override
            divisors = np.broadcast_to(pool_divisor(r.config), r.config.output_size)
            divisor = divisors.reshape(r.output.shape[1:])[y, x]
            return Sum(
                head + "(", [factor(v) for v in values] or ["0"],
                f") / {number(float(divisor))} = {number(value)}",
            )  # fmt: skip
        assert r.weight is not None
        terms = [
            f"{factor(v)}·{factor(r.weight[w0, w1, ky, kx])}"
            for v, (_, _, _, w0, w1, ky, kx) in zip(values, taps, strict=True)
        ]
        if r.bias is not None:
            terms.append(t("picture.bias", value=number(r.bias[o])))
        return Sum(head, terms or ["0"], f" = {number(value)}")

    def legend(self) -> list[tuple[Cell, str]]:
        window = t("picture.pool_window") if self.pool else t("legend.kernel")
        entries = [*self.kind_legend(), (Cell("input", shade=True), window)]
        if self.r.op == "max_pool":
            entries.append((Cell("input", shade=True, mark="max"), t("picture.max_of_window")))
        return [*entries, (Cell("output"), t("legend.output"))]


class ScatterView(View):
    """Each input cell times the kernel, added into the output: a step is an input cell."""

    name = "scatter"

    def __init__(self, reader: Reader):
        super().__init__(reader)
        r = reader
        ih, iw = r.input.shape[1:]
        self.order = list(product(range(r.config.in_channels), range(ih), range(iw)))
        self.count = len(self.order)
        self.drawn = min(r.cout_g, MAX_DRAWN_CHANNELS)
        kh, kw = r.weight.shape[2:] if r.weight is not None else (1, 1)
        oh, ow = r.output.shape[1:]
        self.parts = [
            Grid("input", ih, iw),
            "×",
            *[Grid("kernel", kh, kw) for _ in range(self.drawn)],
            "→",
            *[Grid("output", oh, ow) for _ in range(self.drawn)],
        ]
        self._contributions()

    def _contributions(self) -> None:
        """Every tap, inverted: which output cell each input cell adds into, with what weight,
        sorted by the input cell's step (the engine's tap table, reordered)."""
        r = self.r
        table = r.table
        ih, iw = r.input.shape[1:]
        a, b = 0, len(table.step)
        rows = np.array(r.lift_taps(a, b), dtype=np.int64).reshape(-1, 7)
        flat_in = rows[:, 0] * ih * iw + rows[:, 1] * iw + rows[:, 2]
        order = np.argsort(flat_in, kind="stable")
        self.table = np.stack([flat_in[order], table.step[order]], axis=1)
        self.weights = r.trace.weight[tuple(table.weight[:, order])]
        self.adds = r.input.ravel()[self.table[:, 0]] * self.weights
        start = np.zeros(r.output.size)
        if r.bias is not None:
            start += np.repeat(r.bias, r.out_cells)
        self.start = start

    def phase(self, step: int) -> int:
        return self.order[step][0]

    def fed(self, c: int) -> list[tuple[int, int, int]]:
        """``(o, w0, w1)`` of the output channels input channel ``c`` feeds (drawn ones)."""
        found = []
        for o in range(self.r.config.out_channels):
            for c2, w0, w1 in self.r.channel_taps(o):
                if c2 == c:
                    found.append((o, w0, w1))
        return found[: self.drawn]

    def _base(self, phase: int) -> dict[Key, Cell]:
        r = self.r
        cells: dict[Key, Cell] = {}
        ih, iw = r.input.shape[1:]
        for y, x in product(range(ih), range(iw)):
            cells[0, y, x] = Cell("input", number(r.input[phase, y, x]))
        oh, ow = r.output.shape[1:]
        for slot, (_, w0, w1) in enumerate(self.fed(phase)):
            assert r.weight is not None
            kernel = r.weight[w0, w1]
            for ky, kx in product(*map(range, kernel.shape)):
                cells[1 + slot, ky, kx] = Cell("kernel", number(kernel[ky, kx]))
            for y, x in product(range(oh), range(ow)):
                cells[1 + self.drawn + slot, y, x] = Cell("output_empty")
        return cells

    def captions(self, phase: int) -> list[str]:
        config = self.r.config
        fed = self.fed(phase)
        many = config.in_channels > 1 or config.out_channels > 1
        input_, output = t("picture.input"), t("picture.output")
        found = [t("picture.channel", what=input_, c=phase) if config.in_channels > 1 else input_]
        found += [
            t("picture.kernel.slice", w0=w0, w1=w1) if many else t("picture.kernel")
            for _, w0, w1 in fed
        ]
        found += [
            t("picture.channel", what=output, c=o) if config.out_channels > 1 else output
            for o, *_ in fed
        ]
        return found

    def _range(self, step: int) -> tuple[int, int]:
        """Rows of the table added by input cells before ``step``, and by ``step`` itself."""
        flat = self.table[:, 0]
        return (
            int(np.searchsorted(flat, step, "left")),
            int(np.searchsorted(flat, step, "right")),
        )

    def changes(self, step: int) -> dict[Key, Cell]:
        r = self.r
        c, iy, ix = self.order[step]
        cells: dict[Key, Cell] = {(0, iy, ix): Cell("input_current", number(r.input[c, iy, ix]))}
        done, now = self._range(step)
        sums = self.start + np.bincount(
            self.table[:now, 1], weights=self.adds[:now], minlength=r.output.size
        )
        touched = np.bincount(self.table[:now, 1], minlength=r.output.size)
        oh, ow = r.output.shape[1:]
        slots = {o: slot for slot, (o, _, _) in enumerate(self.fed(c))}
        current = {int(self.table[i, 1]): float(self.weights[i]) for i in range(done, now)}
        for flat in np.flatnonzero(touched).tolist():
            o, rest = divmod(flat, oh * ow)
            if o not in slots:
                continue
            y, x = divmod(rest, ow)
            key = (1 + self.drawn + slots[o], y, x)
            if flat in current:
                cells[key] = Cell("output", number(sums[flat]), number(current[flat]), shade=True)
            else:
                cells[key] = Cell("output", number(sums[flat]))
        return cells

    def arithmetic(self, step: int) -> Sum:
        r = self.r
        c, iy, ix = self.order[step]
        value = float(r.input[c, iy, ix])
        where = r.where(c, iy, ix, r.config.in_channels > 1)
        done, now = self._range(step)
        oh, ow = r.output.shape[1:]
        sums = self.start + np.bincount(
            self.table[:now, 1], weights=self.adds[:now], minlength=r.output.size
        )
        terms = []
        for i in sorted(range(done, now), key=lambda i: int(self.table[i, 1])):
            flat = int(self.table[i, 1])
            o, rest = divmod(flat, oh * ow)
            y, x = divmod(rest, ow)
            out = r.where(o, y, x, r.config.out_channels > 1)
            product_ = f"{factor(value)}·{factor(self.weights[i])}"
            terms.append(f"output ({out}) += {product_} → {number(sums[flat])}")
        head = t("picture.scatters", where=where, value=number(value))
        return Sum(head, terms or [t("picture.nothing")], "", "; ")

    def legend(self) -> list[tuple[Cell, str]]:
        return [
            (Cell("input_current"), t("picture.legend.scattering")),
            (Cell("kernel"), t("picture.kernel")),
            (Cell("output", shade=True), t("picture.legend.adds_into")),
            (Cell("output"), t("picture.legend.running_sum")),
        ]


class MatrixView(View):
    """``y = C·x``: the layer as a matrix (``Cᵀ`` for a transposed layer); a step is a row."""

    name = "matrix"

    def __init__(self, reader: Reader):
        super().__init__(reader)
        matrix, _, _ = conv_matrix(reader.trace)
        self.matrix = matrix
        self.biggest = float(np.abs(matrix).max()) or 1.0
        rows, cols = matrix.shape
        self.parts = [
            Grid("input", 1, cols),
            Grid("matrix", rows, cols),
            "=",
            Grid("output", rows, 1),
        ]
        self.count = rows

    def _base(self, phase: int) -> dict[Key, Cell]:
        cells: dict[Key, Cell] = {}
        for (row, col), value in np.ndenumerate(self.matrix):
            kind = (
                "matrix_zero"
                if value == 0
                else ("matrix_positive" if value > 0 else "matrix_negative")
            )
            scale = None
            if value != 0:  # darker for larger |weight|, as the page's matrix view
                level = round(abs(value) / self.biggest * (MATRIX_CLASSES - 1))
                scale = (kind, level)
            cells[1, row, col] = Cell(kind, "" if value == 0 else number(value), scale=scale)
        for col, value in enumerate(self.r.input.ravel()):
            cells[0, 0, col] = Cell("input", number(value))
        for row in range(self.matrix.shape[0]):
            cells[2, row, 0] = Cell("output_empty")
        return cells

    def captions(self, phase: int) -> list[str]:
        rows, cols = self.matrix.shape
        name = "Cᵀ" if self.r.config.transposed else "C"
        return [
            t("picture.matrix.x"),
            t("picture.matrix.c", name=name, rows=rows, columns=cols),
            t("picture.matrix.y"),
        ]

    def changes(self, step: int) -> dict[Key, Cell]:
        base = self.base(0)
        output = self.r.output.ravel()
        cells: dict[Key, Cell] = {}
        for col in range(self.matrix.shape[1]):
            cell = base[1, step, col]
            # this step's row, outlined as the page's; its zeros green-pale like an output
            cells[1, step, col] = replace(cell if cell.text else Cell("output_empty"), mark="now")
            if self.matrix[step, col] != 0:
                cells[0, 0, col] = replace(base[0, 0, col], shade=True)
        for row in range(step):
            cells[2, row, 0] = Cell("output", number(output[row]))
        cells[2, step, 0] = Cell("output_current", number(output[step]))
        return cells

    def arithmetic(self, step: int) -> Sum:
        x = self.r.input.ravel()
        terms = [
            f"{factor(self.matrix[step, col])}·{factor(x[col])}"
            for col in np.flatnonzero(self.matrix[step]).tolist()
        ]
        if self.r.bias is not None:
            o = step // self.r.out_cells
            terms.append(t("picture.bias", value=number(self.r.bias[o])))
        value = float(self.r.output.ravel()[step])
        name = "Cᵀ" if self.r.config.transposed else "C"
        head = t("picture.matrix.row", step=step, name=name)
        return Sum(head, terms or ["0"], f" = {number(value)}")

    def legend(self) -> list[tuple[Cell, str]]:
        return [
            (Cell("matrix_positive"), t("picture.legend.positive")),
            (Cell("matrix_negative"), t("picture.legend.negative")),
            (Cell("matrix_zero"), t("picture.legend.zero")),
            (Cell("output_empty", mark="now"), t("picture.legend.this_row")),
            (Cell("output"), t("picture.output")),
        ]


class OverlapView(View):
    """How many taps land on each output cell: the checkerboard of a transposed layer."""

    name = "overlap"

    def __init__(self, reader: Reader):
        super().__init__(reader)
        ch, cw = self._canvas_size
        oh, ow = reader.output.shape[1:]
        self.parts = [Grid("canvas", ch, cw), "→", Grid("output", oh, ow)]
        self.count = reader.out_cells
        # real input cells (of one input channel) under each window: the engine's overlap
        self.counts = reader.trace.overlap.reshape(oh, ow)
        nonzero = self.counts[self.counts > 0]
        self.range = (int(nonzero.min()), int(nonzero.max())) if nonzero.size else (0, 0)

    def scale(self, count: int) -> tuple[str, int]:
        return "overlap", scale_class(count, *self.range, OVERLAP_CLASSES)

    def _base(self, phase: int) -> dict[Key, Cell]:
        r = self.r
        cells: dict[Key, Cell] = {}
        c = r.channel_taps(0)[0][0] if r.op == "conv" else 0
        for cy, cx in product(*map(range, self._canvas_size)):
            kind, iy, ix = r.canvas(cy, cx)
            if kind == "input":
                unused = iy in r.unused[0] or ix in r.unused[1]
                cells[0, cy, cx] = Cell("unused" if unused else "input", number(r.input[c, iy, ix]))
            else:
                cells[0, cy, cx] = Cell(kind)
        for (y, x), count in np.ndenumerate(self.counts):
            cells[1, y, x] = Cell("output", str(count), scale=self.scale(int(count)))
        return cells

    def captions(self, phase: int) -> list[str]:
        config = self.r.config
        what = input_caption(config)
        return [what, t("picture.overlap.caption")]

    def changes(self, step: int) -> dict[Key, Cell]:
        base = self.base(0)
        _, y, x = self.r.out(step)
        cells = {(1, y, x): replace(base[1, y, x], mark="max")}
        for _, _, cy, cx in self.r.window(y, x):
            cells[0, cy, cx] = replace(base[0, cy, cx], shade=True)
        return cells

    def arithmetic(self, step: int) -> Sum:
        _, y, x = self.r.out(step)
        count = int(self.counts[y, x])
        where = self.r.where(0, y, x, False)
        return Sum(f"output ({where}): ", [t("picture.overlap.lands", count=count)], "")

    def legend(self) -> list[tuple[Cell, str]]:
        scale = [
            (Cell("output", scale=self.scale(n)), t("picture.taps", count=n))
            for n in sorted({int(v) for v in self.counts.ravel()})
        ]
        return [*self.kind_legend(), *scale]


VIEW_CLASSES: dict[str, type[View]] = {
    "canvas": CanvasView,
    "scatter": ScatterView,
    "matrix": MatrixView,
    "overlap": OverlapView,
}


def step_count(config: ConvConfig, view: str = "canvas") -> int:
    """How many steps ``view`` has, before anything is traced: one per output cell (canvas,
    matrix, picture, and a 3-D layer's volume whatever the view), per input cell (scatter),
    per spatial output cell (overlap), per input cell then weight cell (gradients).

    >>> from app.arithmetic.config import build_config
    >>> c = build_config([5, 5], stride=2, padding=1, in_channels=2, out_channels=3)
    >>> [step_count(c, v) for v in ("canvas", "scatter", "matrix", "overlap", "gradients")]
    [27, 50, 27, 9, 104]
    >>> step_count(build_config([4, 6, 6], stride=2, padding=1), "overlap")  # the volume view
    18
    """
    if config.ndim == 3:
        return config.out_channels * prod(config.output_size)
    if view == "gradients":
        weights = 0 if config.pooling else prod(config.weight_shape)
        return config.in_channels * prod(config.input_size) + weights
    if view == "im2col":  # a column of the product: a window, or a transposed input cell
        return prod(config.input_size if config.transposed else config.output_size)
    if view == "scatter":
        return config.in_channels * prod(config.input_size)
    if view == "overlap":
        return prod(config.output_size)
    return config.out_channels * prod(config.output_size)


def cell_view(trace: Trace, view: str = "canvas", padding_name: str | None = None) -> View:
    """The cell ``view`` (canvas, scatter, matrix, overlap) of a 1-D or 2-D ``trace``;
    ``padding_name`` ("same"…) is how the request named it. ``app.render.registry`` picks
    any view."""
    return VIEW_CLASSES[view](Reader(trace, padding_name))
