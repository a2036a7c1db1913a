"""The look of every kind of cell, per theme, read from one data file: ``static/look.json``.

The page's CSS variables carry the same colours; a cell's look is decided by its kind
(``input``, ``unused``, ``padding``, ``zero``, ``kernel``, ``output``…), never by code
that picks colours on its own.

>>> LOOKS["light"].cells["zero"].pattern, LOOKS["light"].cells["padding"].dash
('hatch', True)
>>> shaded(LOOKS["light"], "#ffffff")
'#939baf'
"""

import json
from dataclasses import dataclass
from typing import Any, Literal

from app.paths import STATIC_DIR

Pattern = Literal["hatch", "stripes"]


@dataclass(frozen=True)
class Style:
    fill: str
    stroke: str
    text: str
    dash: bool = False
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
    mark_stroke: str
    mark_width: int
    overlap: tuple[str, ...]

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
        mark_stroke=data["mark"]["stroke"],
        mark_width=data["mark"]["width"],
        overlap=tuple(data["overlap"]),
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


def shaded(look: Look, color: str) -> str:
    """``color`` under the kernel window."""
    return blend(color, look.window_color, look.window_alpha)


def overlap_color(look: Look, count: int, most: int) -> str:
    """The overlap scale's colour for ``count`` taps when the most is ``most``.

    >>> overlap_color(LOOKS["light"], 0, 4), overlap_color(LOOKS["light"], 4, 4)
    ('#f7fbff', '#08306b')
    """
    if most <= 0:
        return look.overlap[0]
    return look.overlap[round(count / most * (len(look.overlap) - 1))]
