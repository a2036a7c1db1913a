"""The volume view: a 3-D layer (``Conv3d``, ``ConvTranspose3d``, ``MaxPool3d``, ``AvgPool3d``;
SPEC.md "3-D") as rows of depth slices, the page's ``static/js/views/volume.js`` as a picture.

Each input channel feeding the step's output channel is a band of canvas slices
``z = 0…D−1`` (padding and inserted zeros included), the kernel a band of ``kD`` slices, the
output channel a band of its slices. A step is an output cell: the kernel's window is lit on
every slice its depth window covers (``app.arithmetic.canvas.window`` per dimension, the
engine's geometry), its weights in the corners, the output filling in. The arithmetic lists
the trace's taps; nothing is derived here.
"""

from dataclasses import replace
from itertools import product
from math import prod

import numpy as np

from app.arithmetic.canvas import CellKind, canvas_cell, combine, window
from app.arithmetic.trace import TapTable, Trace, pool_divisor, tap_table
from app.i18n.messages import t
from app.render.views import (
    MAX_DRAWN_CHANNELS,
    Cell,
    Grid,
    Key,
    Sum,
    View,
    canvas_legend,
    factor,
    input_caption,
    number,
    title,
)

Point = tuple[int, int, int]


class VolumeView(View):
    """Input channels as rows of canvas slices × the kernel's slices → the output's slices."""

    name = "volume"
    caption_lines = 1

    def __init__(self, trace: Trace, padding_name: str | None = None):  # no 2-D Reader here
        config = trace.config
        self.trace = trace
        self.config = config
        self.title = title(config, padding_name)
        self._bases = {}
        self.pool = config.op != "conv"
        self.cin_g = config.in_channels // config.groups
        self.drawn = min(self.cin_g, MAX_DRAWN_CHANNELS)
        depth, rows, cols = config.axes
        self.canvas_size: Point = (depth.canvas_size, rows.canvas_size, cols.canvas_size)
        self.kinds = [[canvas_cell(a, c) for c in range(a.canvas_size)] for a in config.axes]
        self.unused = [set(u) for u in trace.unused_input]
        cd, ch, cw = self.canvas_size
        kd, kh, kw = config.kernel_size
        od, oh, ow = config.output_size
        grids = [Grid("canvas", ch, cw) for _ in range(self.drawn * cd)]
        self.kernel_first = len(grids)
        if not self.pool:
            grids += [Grid("kernel", kh, kw) for _ in range(self.drawn * kd)]
        self.output_first = len(grids)
        grids += [Grid("output", oh, ow) for _ in range(od)]
        self.parts = list(grids)
        self.count = config.out_channels * prod(config.output_size)
        self.bands = [("", list(range(s * cd, (s + 1) * cd))) for s in range(self.drawn)]
        if not self.pool:
            self.bands += [
                ("", list(range(self.kernel_first + s * kd, self.kernel_first + (s + 1) * kd)))
                for s in range(self.drawn)
            ]
        self.bands.append(("", list(range(self.output_first, self.output_first + od))))
        self.table: TapTable = tap_table(trace)

    @property
    def one_d(self) -> bool:
        return False

    # ------------------------------------------------------------------ reading the trace

    def out(self, step: int) -> tuple[int, int, int, int]:
        """(channel, z, y, x) of the output cell of ``step``."""
        o, z, y, x = np.unravel_index(step, self.config.output_shape)
        return int(o), int(z), int(y), int(x)

    def channels(self, o: int) -> list[tuple[int, int, int]]:
        """``(c, w0, w1)`` of the input channels output channel ``o`` reads (drawn ones)."""
        found = [(int(c), int(w0), int(w1)) for c, w0, w1 in self.trace.channel_taps[o]]
        return found[: self.drawn]

    def canvas(self, point: Point) -> tuple[CellKind, Point]:
        """What canvas cell ``point`` holds, and its input index when it is an input cell."""
        (kz, iz), (ky, iy), (kx, ix) = (self.kinds[d][point[d]] for d in range(3))
        return combine([kz, ky, kx]), (iz or 0, iy or 0, ix or 0)

    def window(self, z: int, y: int, x: int) -> list[tuple[Point, Point]]:
        """``(kernel cell, canvas cell)`` of every kernel cell of output (z, y, x)."""
        axes = self.config.axes
        per = [window(axes[0], z), window(axes[1], y), window(axes[2], x)]
        return [((kz, ky, kx), (cz, cy, cx)) for (kz, cz), (ky, cy), (kx, cx) in product(*per)]

    def taps(self, step: int) -> list[tuple[int, ...]]:
        """``(c, iz, iy, ix, w0, w1, kz, ky, kx)`` of each tap of ``step``, in reading order."""
        a, b = int(self.table.start[step]), int(self.table.start[step + 1])
        rows = np.concatenate([self.table.input[:, a:b], self.table.weight[:, a:b]]).T
        return sorted(tuple(int(v) for v in row) for row in rows)

    # ------------------------------------------------------------------ the view

    def phase(self, step: int) -> int:
        return self.out(step)[0]

    def cell_id(self, key: Key) -> tuple[str, str]:
        """Canvas cells on an input index are ``input`` cells named by it (channel first when
        there are several), as the page's volume view; padding and zeros are ``canvas``."""
        g, row, col = key
        config = self.config
        cd, _, _ = self.canvas_size
        if g < self.kernel_first:
            slot, cz = divmod(g, cd)
            kind, (iz, iy, ix) = self.canvas((cz, row, col))
            if kind != "input":
                return "canvas", f"{cz},{row},{col}"
            c = self.channels(self.shown)[slot][0]
            where = [iz, iy, ix]
            return "input", ",".join(map(str, [c, *where] if config.in_channels > 1 else where))
        if g < self.output_first:
            kz = (g - self.kernel_first) % config.kernel_size[0]
            return "kernel", f"{kz},{row},{col}"
        z = g - self.output_first
        where = [z, row, col]
        if config.out_channels > 1:
            where = [self.shown, *where]
        return "output", ",".join(map(str, where))

    def _base(self, phase: int) -> dict[Key, Cell]:
        x = self.trace.input
        cd, ch, cw = self.canvas_size
        kd, kh, kw = self.config.kernel_size
        cells: dict[Key, Cell] = {}
        for slot, (c, w0, w1) in enumerate(self.channels(phase)):
            for cz, cy, cx in product(range(cd), range(ch), range(cw)):
                kind, (iz, iy, ix) = self.canvas((cz, cy, cx))
                if kind == "input":
                    unused = any(i in u for i, u in zip((iz, iy, ix), self.unused, strict=True))
                    value = number(x[c, iz, iy, ix])
                    cells[slot * cd + cz, cy, cx] = Cell("unused" if unused else "input", value)
                else:
                    cells[slot * cd + cz, cy, cx] = Cell(kind)
            if not self.pool:
                kernel = self.trace.weight[w0, w1]
                for kz, ky, kx in product(range(kd), range(kh), range(kw)):
                    g = self.kernel_first + slot * kd + kz
                    cells[g, ky, kx] = Cell("kernel", number(kernel[kz, ky, kx]))
        od, oh, ow = self.config.output_size
        for z, y, x_ in product(range(od), range(oh), range(ow)):
            cells[self.output_first + z, y, x_] = Cell("output_empty")
        return cells

    def band_label(self, band: int, phase: int) -> str:
        config = self.config
        channels = self.channels(phase)
        if band < self.drawn:
            what = input_caption(config)
            if config.in_channels > 1:
                what = t("picture.channel", what=what, c=channels[band][0])
            if band == self.drawn - 1 and self.cin_g > self.drawn:
                what += t("picture.more", count=self.cin_g - self.drawn)
            return t("picture.volume.slices", what=what, count=self.canvas_size[0])
        if not self.pool and band < 2 * self.drawn:
            _, w0, w1 = channels[band - self.drawn]
            many = config.in_channels > 1 or config.out_channels > 1
            name = t("picture.kernel.slice", w0=w0, w1=w1) if many else t("picture.kernel")
            if config.transposed:
                name += t("picture.rotated")
            return t("picture.volume.slices", what=name, count=config.kernel_size[0])
        output = t("picture.output")
        if config.out_channels > 1:
            output = t("picture.channel", what=output, c=phase)
        return t("picture.volume.slices", what=output, count=config.output_size[0])

    def captions(self, phase: int) -> list[str]:
        cd = self.canvas_size[0]
        kd = self.config.kernel_size[0]
        found = [t("volume.slice", z=z) for _ in range(self.drawn) for z in range(cd)]
        if not self.pool:
            found += [t("volume.slice.kernel", z=z) for _ in range(self.drawn) for z in range(kd)]
        return found + [t("volume.slice", z=z) for z in range(self.config.output_size[0])]

    def changes(self, step: int) -> dict[Key, Cell]:
        o, z, y, x = self.out(step)
        base = self.base(o)
        cd = self.canvas_size[0]
        best = self._max_cell(step) if self.config.op == "max_pool" else None
        cells: dict[Key, Cell] = {}
        for slot, (_, w0, w1) in enumerate(self.channels(o)):
            for (kz, ky, kx), (cz, cy, cx) in self.window(z, y, x):
                key = (slot * cd + cz, cy, cx)
                corner = "" if self.pool else number(self.trace.weight[w0, w1, kz, ky, kx])
                mark = "max" if slot == 0 and best == (cz, cy, cx) else ""
                cells[key] = replace(base[key], corner=corner, shade=True, mark=mark)
        output = self.trace.output
        first = o * prod(self.config.output_size)
        for s in range(first, step + 1):
            _, sz, sy, sx = self.out(s)
            kind = "output_current" if s == step else "output"
            cells[self.output_first + sz, sy, sx] = Cell(kind, number(output[o, sz, sy, sx]))
        return cells

    def _max_cell(self, step: int) -> Point | None:
        """Canvas cell of the window's first largest input (the trace's value picks it)."""
        o, z, y, x = self.out(step)
        value = float(self.trace.output[o, z, y, x])
        for _, point in sorted(self.window(z, y, x), key=lambda w: w[1]):
            kind, (iz, iy, ix) = self.canvas(point)
            if kind == "input" and float(self.trace.input[o, iz, iy, ix]) == value:
                return point
        return None

    def arithmetic(self, step: int) -> Sum:
        o, z, y, x = self.out(step)
        value = float(self.trace.output[o, z, y, x])
        where = [o, z, y, x] if self.config.out_channels > 1 else [z, y, x]
        head = f"output ({', '.join(map(str, where))}) = "
        taps = self.taps(step)
        values = [float(self.trace.input[c, iz, iy, ix]) for c, iz, iy, ix, *_ in taps]
        if self.config.op == "max_pool":
            return Sum(head + "max(", [number(v) for v in values], f") = {number(value)}", ", ")
        if self.config.op == "avg_pool":
            divisor = float(np.broadcast_to(pool_divisor(self.config), self.config.output_size)[
                z, y, x
            ])  # fmt: skip
            terms = [factor(v) for v in values] or ["0"]
            return Sum(head + "(", terms, f") / {number(divisor)} = {number(value)}")
        weight = self.trace.weight
        terms = [
            f"{factor(v)}·{factor(weight[w0, w1, kz, ky, kx])}"
            for v, (*_, w0, w1, kz, ky, kx) in zip(values, taps, strict=True)
        ]
        if self.trace.bias is not None:
            terms.append(t("picture.bias", value=number(self.trace.bias[o])))
        return Sum(head, terms or ["0"], f" = {number(value)}")

    def legend(self) -> list[tuple[Cell, str]]:
        per_axis = [{kind for kind, _ in axis} for axis in self.kinds]
        kinds = {combine(list(p)) for p in product(*per_axis)}  # a cell's kind: its axes' kinds
        entries = canvas_legend(kinds, self.config.axes, self.unused)
        window_label = t("picture.pool_window") if self.pool else t("legend.kernel")
        entries.append((Cell("input", shade=True), window_label))
        if self.config.op == "max_pool":
            entries.append((Cell("input", shade=True, mark="max"), t("picture.max_of_window")))
        entries.append((Cell("output"), t("legend.output")))
        return entries
