"""Where a view's grids go, in pixels, and the rectangles and texts that draw them.

``Diagram`` lays out a view (``app.render.views``) once for all its steps, so GIF frames
align: 2-D grids side by side with the operators between them (``input × kernel → output``),
1-D grids one row under the other. A picture of a step is ``static(phase)`` (background,
title, captions, bracket, legend), every cell of the step, then its arithmetic. Every cell
is opaque inside its own tile, so a GIF frame redraws only the cells that changed.
How a cell looks comes from ``static/look.json`` (``app.render.look``), nowhere else.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray
from PIL import ImageFont

from app.arithmetic.errors import ConfigError
from app.i18n.messages import t
from app.limits import LIMITS, Limits
from app.render.look import LOOKS, Look, readable_ink, scale_color, shaded
from app.render.views import Cell, Grid, Key, Sum, View
from app.web.paths import STATIC_DIR

MARGIN = 16
GAP = 18  # between two grids, and between a grid and an operator
OPERATOR = 26  # the width of "×", "→", "="
CELL_MAX = 40  # the classic diagrams' cell size
CELL_MIN = 8
WRAP_CELL = 16  # the smallest cell of a 1-D row before it wraps onto more lines
LINE_GAP = 6  # between the wrapped lines of a 1-D row
MIN_WIDTH = 520
TITLE_SIZE = 15
LABEL_SIZE = 12
LABEL_LINE = 15
MATH_SIZE = 14
MATH_LINE = 20
MATH_LINES = 3
OPERATOR_SIZE = 22
BRACKET = 30  # room under the grids for the group bracket and its label
SLICE_GAP = 10  # between two depth slices of a band
FONT_FILE = STATIC_DIR / "fonts" / "DejaVuSans-2.37-subset.ttf"
# Bengali and Devanagari words are set in Noto Sans (vendored subsets, scripts/fonts) and
# shaped by libraqm, so conjuncts, reph and vowel signs come out as a reader writes them.
SCRIPT_FONTS = {
    "bengali": STATIC_DIR / "fonts" / "NotoSansBengali-2.001-subset.ttf",
    "devanagari": STATIC_DIR / "fonts" / "NotoSansDevanagari-2.001-subset.ttf",
}
SCRIPT_FAMILIES = {"bengali": "ConvScope Bengali", "devanagari": "ConvScope Devanagari"}
FONT_FAMILY = "DejaVu Sans, ConvScope Bengali, ConvScope Devanagari, Verdana, Arial, sans-serif"
NEUTRAL = " \u0964\u0965\u200c\u200d"  # spaces, dandas and joiners stay in their word's run


@dataclass(frozen=True)
class Rect:
    x: int
    y: int
    w: int
    h: int
    fill: str | None
    stroke: str | None = None
    stroke_width: int = 1
    dash: str | None = None  # "dash" or "dot" (look.DASHES); solid when None
    pattern: str | None = None  # "hatch" or "stripes", in pattern_color over fill
    pattern_color: str | None = None


@dataclass(frozen=True)
class Text:
    """``y`` is the vertical middle of the text; ``x`` its start, middle or end."""

    x: int
    y: int
    text: str
    size: int
    fill: str
    anchor: Literal["start", "middle", "end"] = "middle"


@dataclass(frozen=True, eq=False)
class Bitmap:
    """An image (``pixels``: ``[h, w, 3]`` uint8) drawn at (x, y) scaled to ``w``×``h`` px,
    each pixel a square (nearest neighbour): the picture view's input and output."""

    x: int
    y: int
    w: int
    h: int
    pixels: NDArray[np.uint8]
    label: str = ""


@dataclass(frozen=True)
class Group:
    """The items of one drawn cell, with the page's ``data-grid``/``data-index`` (and
    ``data-lit`` under the window): the SVG keeps them, so a reader (or a test) can find a
    cell; a raster draws the items alone."""

    grid: str
    index: str
    lit: bool
    items: tuple["Rect | Text", ...]


Item = Rect | Text | Group | Bitmap


def flatten(items: list[Item]) -> list[Item]:
    """``items`` with each group's items in its place."""
    found: list[Item] = []
    for item in items:
        found += flatten(list(item.items)) if isinstance(item, Group) else [item]
    return found


@lru_cache(maxsize=64)
def font(size: int, script: str | None = None) -> ImageFont.FreeTypeFont:
    """DejaVu Sans (vendored, with ×, →, −, ᵀ and Vietnamese's letters) at ``size`` px, laid
    out without libraqm so pictures are the same on every machine; Noto Sans Bengali or
    Devanagari for those scripts, shaped by libraqm (``PIL.features.check("raqm")``)."""
    if script is None:
        return ImageFont.truetype(str(FONT_FILE), size, layout_engine=ImageFont.Layout.BASIC)
    return ImageFont.truetype(str(SCRIPT_FONTS[script]), size, layout_engine=ImageFont.Layout.RAQM)


def script_of(char: str) -> str | None:
    """``"bengali"``, ``"devanagari"`` or None (Latin, digits, signs: DejaVu Sans).

    >>> script_of("ক"), script_of("क"), script_of("a")
    ('bengali', 'devanagari', None)
    """
    code = ord(char)
    if 0x0980 <= code <= 0x09FF:
        return "bengali"
    if 0x0900 <= code <= 0x097F or 0xA8E0 <= code <= 0xA8FF or 0x1CD0 <= code <= 0x1CFF:
        return "devanagari"
    return None


def runs(text: str) -> list[tuple[str, str | None]]:
    """``text`` cut where the script changes, each run with its script (a space or a danda
    stays with the word before it, so a phrase is shaped as one).

    >>> runs("output (0,1) ইনপুট সেল")
    [('output (0,1) ', None), ('ইনপুট সেল', 'bengali')]
    """
    found: list[tuple[str, str | None]] = []
    for char in text:
        script = script_of(char)
        if found and (script == found[-1][1] or (char in NEUTRAL and found[-1][1])):
            found[-1] = (found[-1][0] + char, found[-1][1])
        else:
            found.append((char, script))
    return found


def text_width(text: str, size: int) -> float:
    return float(sum(font(size, script).getlength(run) for run, script in runs(text)))


def fit(text: str, size: int, room: float, smallest: int = 7) -> int:
    """The largest size up to ``size`` at which ``text`` fits ``room`` px, or 0."""
    while size >= smallest and text_width(text, size) > room:
        size -= 1
    return size if size >= smallest else 0


class Diagram:
    """The layout of a view's pictures: fixed for all its steps."""

    def __init__(
        self, view: View, theme: str = "light", limits: Limits = LIMITS, cell_max: int = CELL_MAX
    ):
        if theme not in LOOKS:
            raise ConfigError("theme", "not_a_choice", choices=", ".join(LOOKS), value=theme[:60])
        self.view = view
        self.look: Look = LOOKS[theme]
        self.vertical = view.one_d and view.name != "matrix"
        self.grids = view.grids
        # 1-D: a grid drawn some columns to the right (the output under its time step), and
        # rows wrapped every ``wrap`` columns when a signal is too long for one line
        shifted, by = view.shift
        self.shifts = [by if g == shifted and self.vertical else 0 for g in range(len(self.grids))]
        self.wrap = 0
        self.caption_h = view.caption_lines * LABEL_LINE + 4
        self.band_labels: list[tuple[int, int, int]] = []  # (x, y, band)
        if view.bands:
            self._layout_bands(limits, cell_max)
        else:
            self._layout(limits, cell_max)

    # ------------------------------------------------------------------ layout

    def _gaps(self) -> int:
        """Fixed pixels across (horizontal) between and for the operators."""
        parts = self.view.parts
        operators = sum(isinstance(p, str) for p in parts)
        return (len(parts) - 1) * GAP + operators * OPERATOR

    def _layout(self, limits: Limits, cell_max: int) -> None:
        side = limits.max_render_side
        top = MARGIN + 30 + self.caption_h
        bottom = 18 + MATH_LINES * MATH_LINE + 12 + 2 * 22 + MARGIN
        if self.view.bracket and not self.vertical:
            bottom += BRACKET
        matrix = self.view.name == "matrix"
        if matrix:  # x as a row above C, its columns under x's cells; y beside C's rows
            row_x, matrix_c, column_y = self.grids
            columns, rows = matrix_c.cols + column_y.cols, row_x.rows + matrix_c.rows
            fixed_x, fixed_y = 2 * GAP + OPERATOR, GAP + self.caption_h
        elif self.vertical:  # 1-D rows, one under the other, wrapped when too long to read
            spans = [g.cols + self.shifts[i] for i, g in enumerate(self.grids)]
            columns = max(spans)
            if (side - 2 * MARGIN) // columns < WRAP_CELL:
                columns = (side - 2 * MARGIN) // WRAP_CELL
                self.wrap = columns
            self.lines = [-(-span // columns) for span in spans]
            rows = sum(self.lines)
            fixed_x = 0
            fixed_y = (len(self.grids) - 1) * (GAP + self.caption_h) + LINE_GAP * (
                rows - len(self.grids)
            )
        else:
            columns, rows = sum(g.cols for g in self.grids), max(g.rows for g in self.grids)
            fixed_x, fixed_y = self._gaps(), 0
        cell = min(
            cell_max,
            (side - 2 * MARGIN - fixed_x) // columns,
            (side - top - bottom - fixed_y) // rows,
        )
        if cell < CELL_MIN:
            raise ConfigError(
                "input_size",
                "picture_too_large",
                columns=columns,
                rows=rows,
                cell=CELL_MIN,
                max_render_side=side,
            )
        self.cell = cell
        grids_width = columns * cell + fixed_x
        self.width = max(
            MIN_WIDTH,
            grids_width + 2 * MARGIN,
            min(side, int(text_width(self.view.title, TITLE_SIZE)) + 2 * MARGIN),
        )
        left = (self.width - grids_width) // 2
        self.positions: list[tuple[int, int]] = []
        self.operators: list[tuple[int, int, str]] = []
        if matrix:
            c_top = top + row_x.rows * cell + GAP + self.caption_h
            right = left + matrix_c.cols * cell + GAP
            self.positions = [(left, top), (left, c_top), (right + OPERATOR + GAP, c_top)]
            self.operators.append((right + OPERATOR // 2, c_top + matrix_c.rows * cell // 2, "="))
            grids_bottom = c_top + matrix_c.rows * cell
        elif self.vertical:
            y = top
            for lines in self.lines:
                self.positions.append((left, y))
                y += lines * (cell + LINE_GAP) - LINE_GAP + GAP + self.caption_h
            grids_bottom = y - GAP - self.caption_h
        else:
            middle = top + rows * cell // 2
            x = left
            for part in self.view.parts:
                if isinstance(part, str):
                    self.operators.append((x + OPERATOR // 2, middle, part))
                    x += OPERATOR + GAP
                else:
                    self.positions.append((x, middle - part.rows * cell // 2))
                    x += part.cols * cell + GAP
            grids_bottom = top + rows * cell
        if self.view.bracket and not self.vertical:
            self.bracket_y = grids_bottom + 8
            grids_bottom += BRACKET
        self.math_top = grids_bottom + 18
        self.legend_top = self.math_top + MATH_LINES * MATH_LINE + 12
        self.legend_rows = self._legend_rows()
        self.height = self.legend_top + len(self.legend_rows) * 22 + MARGIN
        if self.width > side or self.height > side:
            raise ConfigError(
                "input_size",
                "picture_too_large_pixels",
                width=self.width,
                height=self.height,
                max_render_side=side,
            )

    def _layout_bands(self, limits: Limits, cell_max: int) -> None:
        """Bands one under another (a 3-D layer: the input's depth slices, the kernel's, the
        output's), each band's grids side by side, wrapped onto more lines when too long;
        the largest cells at which the whole picture fits ``max_render_side``."""
        side = limits.max_render_side
        room = side - 2 * MARGIN
        top = MARGIN + 30
        widest = max(g.cols for g in self.grids)
        for cell in range(cell_max, CELL_MIN - 1, -1):
            if widest * cell > room:
                continue
            positions: dict[int, tuple[int, int]] = {}
            labels: list[tuple[int, int, int]] = []
            y, grids_width = top, 0
            for b, (_, members) in enumerate(self.view.bands):
                labels.append((0, y + LABEL_LINE // 2, b))
                y += LABEL_LINE + 2
                x, line_h = 0, 0
                for g in members:
                    grid = self.grids[g]
                    if x and x + grid.cols * cell > room:  # wrap onto a new line
                        y += line_h + self.caption_h + LINE_GAP
                        x, line_h = 0, 0
                    positions[g] = (x, y + self.caption_h)
                    x += grid.cols * cell + SLICE_GAP
                    line_h = max(line_h, grid.rows * cell)
                    grids_width = max(grids_width, x - SLICE_GAP)
                y += line_h + self.caption_h + GAP
            grids_bottom = y - GAP
            self.cell = cell
            self.width = max(
                MIN_WIDTH,
                grids_width + 2 * MARGIN,
                min(side, int(text_width(self.view.title, TITLE_SIZE)) + 2 * MARGIN),
            )
            left = (self.width - grids_width) // 2
            self.positions = [(left + px, py) for _, (px, py) in sorted(positions.items())]
            self.band_labels = [(left, ly, b) for _, ly, b in labels]
            self.operators = []
            self.math_top = grids_bottom + 18
            self.legend_top = self.math_top + MATH_LINES * MATH_LINE + 12
            self.legend_rows = self._legend_rows()
            self.height = self.legend_top + len(self.legend_rows) * 22 + MARGIN
            if self.height <= side:
                return
        cells = sum(g.rows for g in self.grids)
        raise ConfigError(
            "input_size",
            "picture_too_large",
            columns=widest,
            rows=cells,
            cell=CELL_MIN,
            max_render_side=side,
        )

    def tile(self, key: Key) -> tuple[int, int]:
        """Top-left pixel of cell ``key`` = (grid, row, column)."""
        g, row, col = key
        left, top = self.positions[g]
        line, col = divmod(col + self.shifts[g], self.wrap) if self.wrap else (0, col)
        return left + col * self.cell, top + row * self.cell + line * (self.cell + LINE_GAP)

    # ------------------------------------------------------------------ cells

    def cell_items(self, key: Key, cell: Cell) -> list[Item]:
        x, y = self.tile(key)
        grid = self.grids[key[0]]
        items: list[Item] = [Rect(x, y, self.cell, self.cell, self.look.background)]
        items += self.swatch(x + 1, y + 1, self.cell - 2, cell)
        items += self._texts(x, y, cell, grid)
        name, index = self.view.cell_id(key)
        drawn = tuple(i for i in items if isinstance(i, Rect | Text))
        return [Group(name, index, cell.shade, drawn)]

    def swatch(self, x: int, y: int, size: int, cell: Cell) -> list[Item]:
        """The tile of ``cell`` at (x, y), ``size`` px square, without its numbers."""
        look = self.look
        style = look.cells[cell.kind]
        fill = style.fill if cell.scale is None else scale_color(look, *cell.scale)
        stroke, pattern_color, dash = style.stroke, style.pattern_color, style.dash
        if cell.shade:
            fill, stroke, dash = shaded(look, fill), look.window_stroke, None
            pattern_color = pattern_color and shaded(look, pattern_color)
        items: list[Item] = [
            Rect(x, y, size, size, fill, stroke, 1, dash if size >= 11 else None, style.pattern,
                 pattern_color)
        ]  # fmt: skip
        if cell.mark:
            items.append(Rect(x, y, size, size, None, look.marks[cell.mark], look.mark_width))
        return items

    def ink(self, cell: Cell) -> str:
        if cell.shade:  # under the light kernel window: whichever ink reads on the blend
            style = self.look.cells[cell.kind]
            fill = style.fill if cell.scale is None else scale_color(self.look, *cell.scale)
            return readable_ink(shaded(self.look, fill), dark=self.look.window_text)
        if cell.scale is not None:
            scale, index = cell.scale
            if index >= self.look.dark_from[scale]:
                return "#ffffff"
        return self.look.cells[cell.kind].text

    def _texts(self, x: int, y: int, cell: Cell, grid: Grid) -> list[Item]:
        size, ink = self.cell, self.ink(cell)
        items: list[Item] = []
        if size < 14:
            return []
        if cell.corner and size >= 28:
            # the value up-left, the weight in the corner: the guide's Figure 1.1
            if cell.text and (s := fit(cell.text, size * 9 // 25, size * 0.55)):
                items.append(Text(x + 4, y + size * 3 // 10, cell.text, s, ink, "start"))
            if s := fit(cell.corner, max(9, size * 3 // 10), size - 8):
                items.append(Text(x + size - 4, y + size - 4 - s // 2, cell.corner, s, ink, "end"))
            return items
        text = cell.text or cell.corner
        biggest = size * 21 // 50 if grid.name == "kernel" else min(18, size * 2 // 5)
        if text and (s := fit(text, biggest, size - 6)):
            items.append(Text(x + size // 2, y + size // 2, text, s, ink))
        return items

    # ------------------------------------------------------------------ the rest

    def static(self, phase: int) -> list[Item]:
        """Background, title, captions, operators, bracket and legend of ``phase``."""
        look = self.look
        items: list[Item] = [
            Rect(0, 0, self.width, self.height, look.background),
            Text(MARGIN, MARGIN + 8, self.view.title, TITLE_SIZE, look.ink, "start"),
        ]
        captions = self.view.captions(phase)
        for g, (grid, text) in enumerate(zip(self.grids, captions, strict=True)):
            items += self._caption(g, grid, text)
        for x, y, symbol in self.operators:
            items.append(Text(x, y, symbol, OPERATOR_SIZE, look.muted))
        for x, y, band in self.band_labels:
            label = self.view.band_label(band, phase)
            size = fit(label, LABEL_SIZE + 1, self.width - x - MARGIN, 8) or 8
            items.append(Text(x, y, label, size, look.ink, "start"))
        if self.view.bracket and not self.vertical:
            items += self._bracket(phase)
        items += self._legend()
        return items

    def _caption(self, g: int, grid: Grid, text: str) -> list[Item]:
        left, top = self.positions[g]
        room = max(grid.cols * self.cell + GAP - 4, 60)
        if g == len(self.grids) - 1:  # the last caption may run to the picture's edge
            room = max(room, self.width - MARGIN - left)
        lines = _caption_lines(text, room, self.view.caption_lines)
        first = top - 6 - (len(lines) - 1) * LABEL_LINE - LABEL_LINE // 2
        items: list[Item] = []
        for i, line in enumerate(lines):
            size = fit(line, LABEL_SIZE, room, 8) or 8
            items.append(Text(left, first + i * LABEL_LINE, line, size, self.look.muted, "start"))
        return items

    def _bracket(self, phase: int) -> list[Item]:
        first, last = self.view.bracket or (0, 0)
        left = self.positions[first][0]
        right = self.positions[last][0] + self.grids[last].cols * self.cell
        y, color = self.bracket_y, self.look.line
        label = self.view.bracket_label(phase)
        return [
            Rect(left, y, 2, 8, color),
            Rect(left, y + 6, right - left, 2, color),
            Rect(right - 2, y, 2, 8, color),
            Text(left, y + 18, label, LABEL_SIZE, self.look.muted, "start"),
        ]

    def _legend_rows(self) -> list[list[tuple[int, Cell, str, int]]]:
        """Legend entries ``(x, cell, label, size)`` in rows that fit the picture's width; a
        label wider than a whole row is set smaller."""
        rows: list[list[tuple[int, Cell, str, int]]] = [[]]
        x, room = MARGIN, self.width - 2 * MARGIN - 20
        for cell, label in self.view.legend():
            size = fit(label, LABEL_SIZE, room, 8) or 8
            width = 20 + int(text_width(label, size)) + 18
            if rows[-1] and x + width > self.width - MARGIN:
                rows.append([])
                x = MARGIN
            rows[-1].append((x, cell, label, size))
            x += width
        return rows

    def _legend(self) -> list[Item]:
        items: list[Item] = []
        for i, row in enumerate(self.legend_rows):
            y = self.legend_top + i * 22 + 8
            for x, cell, label, size in row:
                items += self.swatch(x, y - 7, 14, cell)
                items.append(Text(x + 20, y, label, size, self.look.muted, "start"))
        return items

    def math(self, step: int) -> list[Item]:
        """The arithmetic of ``step`` over a cleared band (so a GIF frame can redraw it)."""
        width = self.width - 2 * MARGIN
        items: list[Item] = [
            Rect(0, self.math_top, self.width, MATH_LINES * MATH_LINE, self.look.background)
        ]
        for i, line in enumerate(wrap(self.view.arithmetic(step), width, MATH_LINES)):
            y = self.math_top + i * MATH_LINE + MATH_LINE // 2
            items.append(Text(MARGIN, y, line, MATH_SIZE, self.look.ink, "start"))
        return items

    def picture(self, step: int) -> list[Item]:
        """Everything drawn for ``step``, in drawing order."""
        items = self.static(self.view.phase(step))
        for key, cell in self.view.cells(step).items():
            items += self.cell_items(key, cell)
        return items + self.math(step)

    def step_title(self, step: int) -> str:
        lines = wrap(self.view.arithmetic(step), self.width - 2 * MARGIN, MATH_LINES)
        head = t("picture.step", title=self.view.title, n=step + 1, count=self.view.count)
        return head + " ".join(lines)


def _caption_lines(text: str, room: float, most: int) -> list[str]:
    """A caption split at " · " into at most ``most`` lines that fit ``room`` when possible.

    >>> _caption_lines("input · channel 0", 1000, 2)
    ['input · channel 0']
    >>> _caption_lines("input · channel 0", 40, 2)
    ['input', 'channel 0']
    >>> _caption_lines("product = output, flattened", 60, 2)
    ['product =', 'output, flattened']
    """
    if most == 1 or text_width(text, LABEL_SIZE) <= room:
        return [text]
    if " · " in text:
        head, _, tail = text.partition(" · ")
        return [head, tail]
    words = text.split(" ")  # no " · ": at the space that leaves the two lines most even
    if len(words) < 2:
        return [text]

    def longer(i: int) -> float:
        return max(text_width(" ".join(words[:i]), LABEL_SIZE),
                   text_width(" ".join(words[i:]), LABEL_SIZE))  # fmt: skip

    cut = min(range(1, len(words)), key=longer)
    return [" ".join(words[:cut]), " ".join(words[cut:])]


def wrap(total: Sum, width: int, max_lines: int) -> list[str]:
    """The sum's head, terms and tail, greedily wrapped at ``width`` px; past ``max_lines``
    the rest is summarised as ``+ … (N more)``.

    >>> wrap(Sum("y = ", ["1·2", "3·4"], " = 14"), 1000, 3)
    ['y = 1·2 + 3·4 = 14']
    >>> lines = wrap(Sum("y = ", ["1·2"] * 40, " = 80"), 200, 2)
    >>> len(lines), lines[-1].endswith("more) = 80")
    (2, True)
    >>> shown = " ".join(lines).count("1·2")  # every term is shown or counted
    >>> shown + int(lines[-1].split("(")[-1].split()[0])
    40
    """
    join = total.joiner.strip()
    pieces = [total.head + total.terms[0]] + [
        f"{join} {t}" if join == "+" else t for t in total.terms[1:]
    ]
    glue = " " if join == "+" else f"{join} "
    lines: list[str] = []
    current = ""
    for i, piece in enumerate(pieces):
        candidate = f"{current}{glue}{piece}" if current else piece
        last = i == len(pieces) - 1
        fits = text_width(candidate + (total.tail if last else ""), MATH_SIZE) <= width
        if fits or not current:
            current = candidate
            continue
        if len(lines) == max_lines - 1:
            return [*lines, _summarise(current, len(pieces) - i, total, width)]
        lines.append(current + ("" if join == "+" else join))
        current = piece
    return [*lines, current + total.tail]


def _summarise(line: str, more: int, total: Sum, width: int) -> str:
    join = total.joiner.strip()
    separator = " + " if join == "+" else f"{join} "
    words = line.split(separator)
    while True:
        text = separator.join(words) + f"{separator}… ({more} more){total.tail}"
        if text_width(text, MATH_SIZE) <= width or len(words) == 1:
            return text
        words.pop()
        more += 1


class Layout(Protocol):
    """What the painters (``svg``, ``raster``) need of a layout: ``Diagram``, or a view's own
    (the picture view lays out images, not cells)."""

    width: int
    height: int
    look: Look
    cell: int  # px of a cell (a picture's: 1)

    def static(self, phase: int) -> list[Item]: ...
    def cell_items(self, key: Key, cell: Cell) -> list[Item]: ...
    def math(self, step: int) -> list[Item]: ...
    def picture(self, step: int) -> list[Item]: ...
    def step_title(self, step: int) -> str: ...


@runtime_checkable
class LaysOut(Protocol):
    """A view that lays itself out (the picture view lays out images, not cells)."""

    def layout(self, theme: str, limits: Limits) -> Layout: ...


def diagram_for(
    view: View, theme: str = "light", limits: Limits = LIMITS, cell_max: int = CELL_MAX
) -> Layout:
    """The layout of ``view``: its own when it has one, else a ``Diagram`` of its grids."""
    if isinstance(view, LaysOut):
        return view.layout(theme, limits)
    return Diagram(view, theme, limits, cell_max)
