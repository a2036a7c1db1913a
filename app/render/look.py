"""The look of every kind of cell, per theme, read from one data file: ``static/look.json``.

The page's CSS variables carry the same colours; a cell's look is decided by its kind
(``input``, ``unused``, ``padding``, ``zero``, ``kernel``, ``output``…), never by code
that picks colours on its own.

>>> LOOKS["light"].cells["zero"].pattern, LOOKS["light"].cells["zero"].dash
('hatch', 'dot')
>>> shaded(LOOKS["light"], "#ffffff")
'#d8dbe3'
"""

import json
from dataclasses import dataclass
from typing import Any, Literal

from app.web.paths import STATIC_DIR

Pattern = Literal["hatch", "stripes", "dots"]
Dash = Literal["dash", "dot"]
DASHES: dict[str, tuple[int, int]] = {"dash": (4, 3), "dot": (1, 2)}  # on, off (px)


@dataclass(frozen=True)
class Style:
    fill: str
    stroke: str
    text: str
    dash: Dash | None = None
    pattern: Pattern | None = None
    pattern_color: str | None = None


@dataclass(frozen=True)
class Look:
    name: str
    background: str
    ink: str
    muted: str
    line: str
    cells: dict[str, Style]
    window_color: str
    window_alpha: float
    window_stroke: str
    window_text: str
    marks: dict[str, str]  # outline colour of a picked cell: "max", "now"
    mark_width: int
    scales: dict[str, tuple[str, ...]]
    dark_from: dict[str, int]  # a scale's classes from here on take white text

    def __hash__(self) -> int:
        return hash(self.name)


def _look(name: str, data: dict[str, Any]) -> Look:
    return Look(
        name=name,
        background=data["background"],
        ink=data["ink"],
        muted=data["muted"],
        line=data["line"],
        cells={kind: Style(**style) for kind, style in data["cells"].items()},
        window_color=data["window"]["color"],
        window_alpha=data["window"]["alpha"],
        window_stroke=data["window"]["stroke"],
        window_text=data["window"]["text"],
        marks={k: v for k, v in data["mark"].items() if k != "width"},
        mark_width=data["mark"]["width"],
        scales={name: tuple(colors) for name, colors in data["scales"].items()},
        dark_from=data["dark_from"],
    )


def _load() -> dict[str, Look]:
    data = json.loads((STATIC_DIR / "look.json").read_text(encoding="utf-8"))
    return {name: _look(name, value) for name, value in data.items() if name != "about"}


LOOKS = _load()


def blend(color: str, over: str, alpha: float) -> str:
    """``over`` laid on ``color`` at ``alpha``, as a solid colour (so SVG and PNG agree).

    >>> blend("#ffffff", "#000000", 0.5)
    '#808080'
    """
    a = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(over[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * alpha):02x}" for x, y in zip(a, b, strict=True))


def luminance(color: str) -> float:
    """WCAG relative luminance of ``#rrggbb``.

    >>> round(luminance("#ffffff"), 2), round(luminance("#000000"), 2)
    (1.0, 0.0)
    """

    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def readable_ink(fill: str, light: str = "#ffffff", dark: str = "#14213d") -> str:
    """The one of two inks with the higher contrast on ``fill`` (WCAG AA where either can).

    >>> readable_ink("#8cbdeb"), readable_ink("#1a2330")
    ('#14213d', '#ffffff')
    """
    on = luminance(fill)

    def ratio(ink: str) -> float:
        return (max(on, luminance(ink)) + 0.05) / (min(on, luminance(ink)) + 0.05)

    return dark if ratio(dark) >= ratio(light) else light


def shaded(look: Look, color: str) -> str:
    """``color`` under the kernel window."""
    return blend(color, look.window_color, look.window_alpha)


def scale_class(value: float, least: float, most: float, classes: int) -> int:
    """The class of ``value`` on a scale of ``classes`` colours, as the page's views pick it:
    0 for nothing, the least to the most non-zero value spread over classes 1 to the last,
    all alike: the middle.

    >>> [scale_class(v, 1, 4, 9) for v in (0, 1, 2, 4)], scale_class(2, 2, 2, 9)
    ([0, 1, 3, 8], 4)
    """
    if value == 0:
        return 0
    if most == least:
        return classes // 2
    return 1 + round((value - least) / (most - least) * (classes - 2))


def scale_color(look: Look, scale: str, index: int) -> str:
    """Colour ``index`` of the look's scale ``scale``.

    >>> scale_color(LOOKS["light"], "overlap", 0)
    '#ffffd9'
    """
    return look.scales[scale][index]
