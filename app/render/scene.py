"""What the picture of one step holds: rectangles and texts at pixel positions.

The look is the classic one of Dumoulin & Visin's convolution-arithmetic
animations: blue input cells on a canvas of white dashed padding (and, for a
transposed convolution, inserted zeros), the kernel as a dark window with its
weights in the corner of each cell, the green output grid filling in step by step.

A picture of step ``s`` is ``background(o) + written(steps of channel o before s) +
overlay(s)``, drawn in that order, later items over earlier ones; the GIF writer
keeps the first two as a running base image and draws only the overlay per frame.
``Diagram.cell_style`` is the one place that decides what a canvas cell looks like.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from PIL import ImageFont

from app.arithmetic.errors import ConfigError
from app.limits import LIMITS, Limits

MARGIN = 16
GAP = 28  # between grids
CELL_MAX = 40  # the classic diagrams' cell size
CELL_MIN = 8
MIN_WIDTH = 520
TITLE_SIZE = 15
LABEL_SIZE = 12
MATH_SIZE = 14
MATH_LINE = 20
MAX_MATH_LINES = 3
MAX_DRAWN_CHANNELS = 4  # input channels drawn side by side; more are summarised in a label
FONT_FAMILY = "Aileron, Helvetica, Arial, sans-serif"  # Pillow's built-in font is Aileron


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int
    fill: str
    stroke: str | None = None
    stroke_width: int = 1
    dashed: bool = False


@dataclass(frozen=True)
class Text:
    """``y`` is the vertical middle of the text; ``x`` its start, middle or end."""

    x: int
    y: int
    text: str
    size: int
    fill: str
    anchor: Literal["start", "middle", "end"] = "middle"


Item = Rect | Text


@dataclass(frozen=True)
class Theme:
    background: str
    ink: str
    muted: str
    input: str
    input_stroke: str
    pad: str
    pad_stroke: str
    empty: str
    empty_stroke: str
    output: str
    output_stroke: str
    shade: str  # the kernel window: this colour over the cell at ``shade_alpha``
    shade_alpha: float
    window_stroke: str


LIGHT = Theme(
    background="#ffffff",
    ink="#1b1f24",
    muted="#5f6b76",
    input="#5b9bd5",
    input_stroke="#2f6ea8",
    pad="#ffffff",
    pad_stroke="#9aa3ab",
    empty="#e2f5ef",
    empty_stroke="#9fd8c7",
    output="#3dbf9f",
    output_stroke="#1f8a70",
    shade="#0b1a2a",
    shade_alpha=0.45,
    window_stroke="#0b1a2a",
)
DARK = Theme(
    background="#15191e",
    ink="#e6e9ec",
    muted="#9aa5b0",
    input="#5b9bd5",
    input_stroke="#8fbde6",
    pad="#15191e",
    pad_stroke="#6c7783",
    empty="#1d3a33",
    empty_stroke="#2f6b5c",
    output="#3dbf9f",
    output_stroke="#8fe0cb",
    shade="#000000",
    shade_alpha=0.5,
    window_stroke="#f2f4f6",
)
THEMES = {"light": LIGHT, "dark": DARK}
CELL_INKS = ("#10202f", "#ffffff")  # text on a light cell, on a dark one


def blend(color: str, over: str, alpha: float) -> str:
    """``over`` laid on ``color`` at ``alpha``, as a solid colour (so SVG and PNG agree).

    >>> blend("#ffffff", "#000000", 0.5)
    '#808080'
    """
    a = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(over[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * alpha):02x}" for x, y in zip(a, b, strict=True))


def cell_ink(fill: str) -> str:
    """Dark text on a light cell, white on a dark one.

    >>> cell_ink("#ffffff"), cell_ink("#10202f")
    ('#10202f', '#ffffff')
    """
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return CELL_INKS[0] if 0.299 * r + 0.587 * g + 0.114 * b > 150 else CELL_INKS[1]


def number(value: float) -> str:
    """A value as a cell shows it: whole numbers plain, others to 4 significant digits.

    >>> number(7.0), number(-1.0), number(0.5625), number(1/3)
    ('7', '-1', '0.5625', '0.3333')
    """
    if float(value).is_integer() and abs(value) < 1e9:
        return str(int(value))
    return f"{value:.4g}"


@lru_cache(maxsize=64)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's built-in font (Aileron) at ``size`` px: pinned with Pillow, so pictures are
    the same on every machine."""
    return ImageFont.load_default(size=size)


def text_width(text: str, size: int) -> float:
    return float(font(size).getlength(text))


def _sizes(values: list[int]) -> str:
    return "x".join(map(str, values))


def _per_dim(values: list[int]) -> str:
    return str(values[0]) if len(set(values)) == 1 else _sizes(values)


def describe(trace: dict[str, Any]) -> str:
    """The title: layer and configuration in the API's words.

    >>> describe({"config": {"transposed": False, "input_size": [5, 5], "kernel_size": [3, 3],
    ...     "stride": [2, 2], "padding": [[1, 1], [1, 1]], "dilation": [1, 1],
    ...     "output_padding": [0, 0], "in_channels": 1, "out_channels": 1, "groups": 1},
    ...     "output_size": [3, 3]})
    'Conv2d: input 5x5, kernel_size 3, stride 2, padding 1 -> output 3x3'
    """
    c = trace["config"]
    n = len(c["input_size"])
    parts = [f"input {_sizes(c['input_size'])}", f"kernel_size {_per_dim(c['kernel_size'])}"]
    if any(s > 1 for s in c["stride"]):
        parts.append(f"stride {_per_dim(c['stride'])}")
    pads = c["padding"]
    if any(b or a for b, a in pads):
        if all(b == a for b, a in pads):
            parts.append(f"padding {_per_dim([b for b, _ in pads])}")
        else:
            parts.append("padding " + ",".join(f"{b}:{a}" for b, a in pads))
    if any(d > 1 for d in c["dilation"]):
        parts.append(f"dilation {_per_dim(c['dilation'])}")
    if any(c["output_padding"]):
        parts.append(f"output_padding {_per_dim(c['output_padding'])}")
    if c["in_channels"] > 1 or c["out_channels"] > 1:
        parts.append(f"channels {c['in_channels']}->{c['out_channels']}")
    if c["groups"] > 1:
        parts.append(f"groups {c['groups']}")
    layer = f"ConvTranspose{n}d" if c["transposed"] else f"Conv{n}d"
    return f"{layer}: {', '.join(parts)} -> output {_sizes(trace['output_size'])}"


def _lift(values: list[int], fill: int) -> list[int]:
    """A 1-D per-dimension list as 2-D, one row: ``[7]`` → ``[fill, 7]``."""
    return values if len(values) == 2 else [fill, *values]


class Diagram:
    """The layout of a trace's pictures: fixed for all its steps, so GIF frames align."""

    def __init__(
        self,
        trace: dict[str, Any],
        theme: str = "light",
        limits: Limits = LIMITS,
        cell_max: int = CELL_MAX,
    ):
        if theme not in THEMES:
            raise ConfigError("theme", f'theme must be "light" or "dark" (got "{theme}")')
        self.trace = trace
        self.theme = THEMES[theme]
        c = trace["config"]
        self.one_d = len(c["input_size"]) == 1
        self.canvas_size = _lift(trace["canvas"]["size"], 1)
        self.origin = _lift(trace["canvas"]["origin"], 0)
        self.step_size = _lift(trace["canvas"]["step"], 1)
        self.input_size = _lift(c["input_size"], 1)
        self.output_size = _lift(trace["output_size"], 1)
        self.kernel_size = _lift(c["kernel_size"], 1)
        self.dilation = _lift(c["dilation"], 1)
        self.flipped = bool(trace["kernel_flipped"])
        self.groups: int = c["groups"]
        self.cin_g: int = c["in_channels"] // self.groups
        self.cout_g: int = c["out_channels"] // self.groups
        self.out_cells = self.output_size[0] * self.output_size[1]
        self.channels_drawn = min(self.cin_g, MAX_DRAWN_CHANNELS)
        self.title = describe(trace)
        self._layout(limits, cell_max)

    # ------------------------------------------------------------------ geometry

    def _layout(self, limits: Limits, cell_max: int) -> None:
        """Cell size and where each grid goes: 2-D grids side by side (input channels, then
        the output), 1-D rows one under the other."""
        ch, cw = self.canvas_size
        oh, ow = self.output_size
        n = self.channels_drawn
        if self.one_d:
            columns, gaps_x, rows, gaps_y = max(cw, ow), 0, n + 1, n * GAP
        else:
            columns, gaps_x, rows, gaps_y = n * cw + ow, n * GAP, max(ch, oh), 0
        side = limits.max_render_side
        cell = min(cell_max, (side - 2 * MARGIN - gaps_x) // columns, (side - 200 - gaps_y) // rows)
        if cell < CELL_MIN:
            raise ConfigError(
                "input_size",
                f"the picture needs {columns} cells across and {rows} down; at the smallest "
                f"cell ({CELL_MIN} px) that is above max_render_side ({side} px); use a smaller "
                "input, stride or kernel",
            )
        self.cell = cell
        grids_width = columns * cell + gaps_x
        self.width = max(
            MIN_WIDTH,
            grids_width + 2 * MARGIN,
            int(text_width(self.title, TITLE_SIZE)) + 2 * MARGIN,
        )
        left = (self.width - grids_width) // 2
        grid_top = MARGIN + 52
        if self.one_d:
            pitch = cell + GAP
            self.canvas_left = [left] * n
            self.canvas_top = [grid_top + i * pitch for i in range(n)]
            self.output_left, self.output_top = left, grid_top + n * pitch
            self.label_y = [top - 14 for top in self.canvas_top]
            self.output_label_y = self.output_top - 14
        else:
            self.canvas_left = [left + i * (cw * cell + GAP) for i in range(n)]
            self.output_left = left + n * (cw * cell + GAP)
            # grids are centred on the same middle line, labels on the same top line
            middle = grid_top + rows * cell // 2
            self.canvas_top = [middle - ch * cell // 2] * n
            self.output_top = middle - oh * cell // 2
            self.label_y = [grid_top - 14] * n
            self.output_label_y = grid_top - 14
        grids_bottom = grid_top + rows * cell + gaps_y
        steps = self.trace["steps"]
        longest = max(range(len(steps)), key=lambda s: len(steps[s]["taps"]))
        self.math_lines = len(self._math(longest, MAX_MATH_LINES))
        self.math_top = grids_bottom + 18
        self.legend_y = self.math_top + self.math_lines * MATH_LINE + 12
        self.height = self.legend_y + 8 + MARGIN
        if self.width > side or self.height > side:
            raise ConfigError(
                "input_size",
                f"the picture would be {self.width}x{self.height} px, above max_render_side "
                f"({side} px)",
            )

    def group_of(self, out_channel: int) -> int:
        return out_channel // self.cout_g

    def channels(self, out_channel: int) -> list[int]:
        first = self.group_of(out_channel) * self.cin_g
        return list(range(first, first + self.channels_drawn))

    def input_index(self, cy: int, cx: int) -> tuple[int, int] | None:
        """Input (row, column) at canvas cell (cy, cx), or None for padding / inserted zeros."""
        found = []
        for coord, origin, step, size in zip(
            (cy, cx), self.origin, self.step_size, self.input_size, strict=True
        ):
            index, rest = divmod(coord - origin, step)
            if rest or not 0 <= index < size:
                return None
            found.append(index)
        return found[0], found[1]

    def input_value(self, c: int, iy: int, ix: int) -> float:
        row = self.trace["input"][c]
        return float(row[ix] if self.one_d else row[iy][ix])

    def weight_value(self, out_channel: int, c: int, ky: int, kx: int) -> float:
        w = self.trace["weight"]
        g = self.group_of(out_channel)
        if self.flipped:
            kernel = w[c][out_channel - g * self.cout_g]
        else:
            kernel = w[out_channel][c - g * self.cin_g]
        return float(kernel[kx] if self.one_d else kernel[ky][kx])

    def output_value(self, o: int, y: int, x: int) -> float:
        row = self.trace["output"][o]
        return float(row[x] if self.one_d else row[y][x])

    def window(self, step: int) -> dict[tuple[int, int], tuple[int, int]]:
        """Canvas cell → kernel cell (ky, kx) under the window of ``step``."""
        anchor = _lift(self.trace["steps"][step]["anchor"], 0)
        (kh, kw), (dy, dx) = self.kernel_size, self.dilation
        cells = {}
        for ky in range(kh):
            for kx in range(kw):
                # a transposed kernel is rotated by 180° on the canvas (SPEC.md, "canvas")
                fy, fx = (kh - 1 - ky, kw - 1 - kx) if self.flipped else (ky, kx)
                cells[(anchor[0] + dy * fy, anchor[1] + dx * fx)] = (ky, kx)
        return cells

    # ------------------------------------------------------------------ the look of a cell

    def cell_style(self, is_input: bool, in_window: bool) -> tuple[str, str, bool]:
        """``(fill, stroke, dashed)`` of a canvas cell: the one place that decides it."""
        t = self.theme
        fill, stroke, dashed = (
            (t.input, t.input_stroke, False) if is_input else (t.pad, t.pad_stroke, True)
        )
        if in_window:
            return blend(fill, t.shade, t.shade_alpha), t.window_stroke, False
        return fill, stroke, dashed and self.cell >= 12

    def _value_items(
        self, x: int, y: int, text: str, fill: str, size: int, corner: bool = False
    ) -> list[Item]:
        cell = self.cell
        room = cell - (cell // 2 if corner else 6)
        while size >= 7 and text_width(text, size) > room:
            size -= 1
        if size < 7:
            return []
        if corner:
            return [Text(x + cell - 4, y + cell - 4 - size // 2, text, size, fill, "end")]
        return [Text(x + cell // 2, y + cell // 2, text, size, fill)]

    def _cell(
        self, left: int, top: int, row: int, col: int, fill: str, stroke: str, dashed: bool
    ) -> tuple[int, int, Rect]:
        x, y = left + col * self.cell, top + row * self.cell
        # cells are inset by one pixel, so neighbours read as separate tiles
        return x, y, Rect(x + 1, y + 1, self.cell - 2, self.cell - 2, fill, stroke, 1, dashed)

    def canvas_cell(
        self, c: int, slot: int, cy: int, cx: int, weight: float | None = None
    ) -> list[Item]:
        index = self.input_index(cy, cx)
        fill, stroke, dashed = self.cell_style(index is not None, weight is not None)
        x, y, rect = self._cell(
            self.canvas_left[slot], self.canvas_top[slot], cy, cx, fill, stroke, dashed
        )
        items: list[Item] = [rect]
        ink = cell_ink(fill)
        value_size = min(16, self.cell * 2 // 5)
        if index is not None and self.cell >= 16:
            text = number(self.input_value(c, *index))
            if weight is not None and self.cell >= 28:
                # value up-left, weight in the corner: the guide's Figure 1.1
                items.append(
                    Text(x + self.cell * 2 // 5, y + self.cell * 2 // 5, text, value_size, ink)
                )
            else:
                items += self._value_items(x, y, text, ink, value_size)
        if weight is not None and self.cell >= 28:
            items += self._value_items(x, y, number(weight), ink, max(8, self.cell * 3 // 11), True)
        elif weight is not None and index is None and self.cell >= 16:
            items += self._value_items(x, y, number(weight), ink, value_size)
        return items

    def output_cell(self, o: int, y: int, x: int, state: str) -> list[Item]:
        t = self.theme
        fill, stroke = {
            "empty": (t.empty, t.empty_stroke),
            "written": (t.output, t.output_stroke),
            "current": (blend(t.output, t.shade, t.shade_alpha), t.window_stroke),
        }[state]
        px, py, rect = self._cell(self.output_left, self.output_top, y, x, fill, stroke, False)
        items: list[Item] = [rect]
        if state != "empty" and self.cell >= 16:
            items += self._value_items(
                px,
                py,
                number(self.output_value(o, y, x)),
                cell_ink(fill),
                min(16, self.cell * 2 // 5),
            )
        return items

    # ------------------------------------------------------------------ layers

    def background(self, out_channel: int) -> list[Item]:
        """Title, labels, every canvas cell and the empty output grid of ``out_channel``."""
        t = self.theme
        items: list[Item] = [
            Rect(0, 0, self.width, self.height, t.background),
            Text(MARGIN, MARGIN + 8, self.title, TITLE_SIZE, t.ink, "start"),
        ]
        for slot, c in enumerate(self.channels(out_channel)):
            items.append(
                Text(
                    self.canvas_left[slot],
                    self.label_y[slot],
                    self._canvas_label(c),
                    LABEL_SIZE,
                    t.muted,
                    "start",
                )
            )
            for cy in range(self.canvas_size[0]):
                for cx in range(self.canvas_size[1]):
                    items += self.canvas_cell(c, slot, cy, cx)
        out_label = (
            "output"
            if self.trace["config"]["out_channels"] == 1
            else f"output channel {out_channel}"
        )
        items.append(
            Text(self.output_left, self.output_label_y, out_label, LABEL_SIZE, t.muted, "start")
        )
        for y in range(self.output_size[0]):
            for x in range(self.output_size[1]):
                items += self.output_cell(out_channel, y, x, "empty")
        items += self._legend()
        return items

    def _canvas_label(self, c: int) -> str:
        cfg = self.trace["config"]
        what = "input"
        if cfg["in_channels"] > 1:
            what += f" channel {c}"
        if cfg["transposed"] and any(s > 1 for s in cfg["stride"]):
            what += " with zeros inserted"
        elif any(b or a for b, a in cfg["padding"]) and not cfg["transposed"]:
            what += " (padded)"
        hidden = self.cin_g - self.channels_drawn
        if hidden and c == self.channels(0)[0] + self.channels_drawn - 1:
            what += f" (+{hidden} more not drawn)"
        return what

    def _legend(self) -> list[Item]:
        t = self.theme
        entries = [
            (t.input, t.input_stroke, False, "input"),
            (t.pad, t.pad_stroke, True, "padding / inserted zero" if self.flipped else "padding"),
            (blend(t.input, t.shade, t.shade_alpha), t.window_stroke, False, "kernel window"),
            (t.output, t.output_stroke, False, "output"),
        ]
        items: list[Item] = []
        x, y = MARGIN, self.legend_y
        for fill, stroke, dashed, label in entries:
            items.append(Rect(x, y - 6, 12, 12, fill, stroke, 1, dashed))
            items.append(Text(x + 18, y, label, LABEL_SIZE, t.muted, "start"))
            x += 18 + int(text_width(label, LABEL_SIZE)) + 18
        return items

    def written(self, step: int) -> list[Item]:
        """Output cell of ``step`` as written (green with its value)."""
        o, y, x = self._out(step)
        return self.output_cell(o, y, x, "written")

    def overlay(self, step: int) -> list[Item]:
        """The kernel window on every drawn channel, the cell being written, the arithmetic."""
        o, y, x = self._out(step)
        items: list[Item] = []
        window = self.window(step)
        for slot, c in enumerate(self.channels(o)):
            for (cy, cx), (ky, kx) in sorted(window.items()):
                items += self.canvas_cell(c, slot, cy, cx, self.weight_value(o, c, ky, kx))
        items += self.output_cell(o, y, x, "current")
        for i, line in enumerate(self._math(step, self.math_lines)):
            items.append(
                Text(
                    MARGIN,
                    self.math_top + i * MATH_LINE + MATH_LINE // 2,
                    line,
                    MATH_SIZE,
                    self.theme.ink,
                    "start",
                )
            )
        return items

    def _out(self, step: int) -> tuple[int, int, int]:
        out = _lift(self.trace["steps"][step]["output"][1:], 0)
        return self.trace["steps"][step]["output"][0], out[0], out[1]

    def _math(self, step: int, max_lines: int) -> list[str]:
        """``step 1/9: output (0, 0) = 3·1 + 0·2 + … = 7``, wrapped to the picture's width."""
        s = self.trace["steps"][step]
        o = s["output"][0]
        where = s["output"] if self.trace["config"]["out_channels"] > 1 else s["output"][1:]
        terms = [self._term(o, tap) for tap in s["taps"]] or ["0"]
        bias = self.trace["bias"]
        if bias is not None:
            terms.append(f"{number(bias[o])} (bias)")
        head = (
            f"step {step + 1}/{len(self.trace['steps'])}: output ({', '.join(map(str, where))}) = "
        )
        tail = f" = {number(s['value'])}"
        return wrap(head, terms, tail, self.width - 2 * MARGIN, max_lines)

    def _term(self, o: int, tap: list[list[int]]) -> str:
        (c, *position), (*_, kernel_y, kernel_x) = tap[0], tap[1]
        if self.one_d:
            iy, ix, ky, kx = 0, position[0], 0, kernel_x
        else:
            iy, ix, ky, kx = position[0], position[1], kernel_y, kernel_x
        w = self.weight_value(o, c, ky, kx)
        shown = number(w) if w >= 0 else f"({number(w)})"
        return f"{number(self.input_value(c, iy, ix))}·{shown}"

    def picture(self, step: int) -> list[Item]:
        """Everything drawn for ``step``, in drawing order."""
        o = self._out(step)[0]
        items = self.background(o)
        for s in range(o * self.out_cells, step):
            items += self.written(s)
        return items + self.overlay(step)

    def step_title(self, step: int) -> str:
        return f"{self.title}; " + " ".join(self._math(step, MAX_MATH_LINES))


def wrap(head: str, terms: list[str], tail: str, width: int, max_lines: int) -> list[str]:
    """``head`` + terms joined by `` + `` + ``tail``, greedily wrapped at ``width`` px; past
    ``max_lines`` the rest is summarised as ``+ … (N more)``.

    >>> wrap("y = ", ["1·2", "3·4"], " = 14", 1000, 3)
    ['y = 1·2 + 3·4 = 14']
    >>> lines = wrap("y = ", ["1·2"] * 40, " = 80", 200, 2)
    >>> len(lines), lines[-1].endswith("more) = 80")
    (2, True)
    >>> shown = " ".join(lines).count("1·2")  # every term is shown or counted
    >>> shown + int(lines[-1].split("(")[-1].split()[0])
    40
    """
    pieces = [head + terms[0]] + [f"+ {t}" for t in terms[1:]]
    lines: list[str] = []
    current = ""
    for i, piece in enumerate(pieces):
        candidate = f"{current} {piece}" if current else piece
        last = i == len(pieces) - 1
        fits = text_width(candidate + (tail if last else ""), MATH_SIZE) <= width
        if fits or not current:
            current = candidate
            continue
        if len(lines) == max_lines - 1:
            return [*lines, _summarise(current, len(pieces) - i, tail, width)]
        lines.append(current)
        current = piece
    return [*lines, current + tail]


def _summarise(line: str, more: int, tail: str, width: int) -> str:
    words = line.split(" + ")
    while True:
        text = " + ".join(words) + f" + … ({more} more){tail}"
        if text_width(text, MATH_SIZE) <= width or len(words) == 1:
            return text
        words.pop()
        more += 1
