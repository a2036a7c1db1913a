"""A step of a view as a standalone SVG: no script, no external file, a ``<title>``."""

import base64
import io
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from PIL import Image

from app.render.look import DASHES
from app.render.raster import DOT_PERIOD, HATCH_PERIOD, HATCH_WIDTH
from app.render.scene import (
    FONT_FAMILY,
    SCRIPT_FAMILIES,
    SCRIPT_FONTS,
    Bitmap,
    Group,
    Item,
    Rect,
    Text,
    diagram_for,
    flatten,
    runs,
)
from app.render.views import View


def _pattern_id(pattern: str, color: str) -> str:
    return f"{pattern}-{color.lstrip('#')}"


def _pattern(pattern: str, color: str) -> str:
    """The page's diagonal lines (``hatch`` rises at 45°, ``stripes`` falls) or dots."""
    if pattern == "dots":
        half = DOT_PERIOD / 2
        return (
            f'<pattern id="{_pattern_id(pattern, color)}" patternUnits="userSpaceOnUse" '
            f'width="{DOT_PERIOD}" height="{DOT_PERIOD}"><circle cx="{half}" cy="{half}" '
            f'r="1.2" fill="{color}"/></pattern>'
        )
    angle = -45 if pattern == "hatch" else 45
    return (
        f'<pattern id="{_pattern_id(pattern, color)}" patternUnits="userSpaceOnUse" '
        f'width="{HATCH_PERIOD}" height="{HATCH_PERIOD}" patternTransform="rotate({angle})">'
        f'<rect width="{HATCH_WIDTH * 0.71:.2f}" height="{HATCH_PERIOD}" fill="{color}"/>'
        "</pattern>"
    )


def _png_data(pixels: Bitmap) -> str:
    out = io.BytesIO()
    Image.fromarray(pixels.pixels, mode="RGB").save(out, format="PNG")
    return base64.b64encode(out.getvalue()).decode("ascii")


def _item(item: Item) -> str:
    if isinstance(item, Group):
        lit = ' data-lit="1"' if item.lit else ""
        inner = "".join(_item(i) for i in item.items)
        return f'<g data-grid="{item.grid}" data-index="{item.index}"{lit}>{inner}</g>'
    if isinstance(item, Bitmap):  # its own pixels, inline, drawn square (no smoothing)
        return (
            f'<image x="{item.x}" y="{item.y}" width="{item.w}" height="{item.h}" '
            f'preserveAspectRatio="none" style="image-rendering:pixelated" '
            f'data-grid={quoteattr(item.label)} href="data:image/png;base64,{_png_data(item)}"/>'
        )
    if isinstance(item, Rect):
        # SVG strokes straddle the edge; inset by half a stroke to match Pillow's inner stroke
        half = item.stroke_width / 2 if item.stroke else 0
        stroke = ""
        if item.stroke:
            stroke = f' stroke="{item.stroke}" stroke-width="{item.stroke_width}"'
            if item.dash:
                stroke += ' stroke-dasharray="{} {}"'.format(*DASHES[item.dash])
        box = (
            f'x="{item.x + half:g}" y="{item.y + half:g}" width="{item.w - 2 * half:g}" '
            f'height="{item.h - 2 * half:g}"'
        )
        fill = item.fill or "none"
        shapes = f'<rect {box} fill="{fill}"{stroke if not item.pattern else ""}/>'
        if item.pattern and item.pattern_color:
            url = f"url(#{_pattern_id(item.pattern, item.pattern_color)})"
            shapes += f'<rect {box} fill="{url}"{stroke}/>'
        return shapes
    return (
        f'<text x="{item.x}" y="{item.y}" font-size="{item.size}" fill="{item.fill}" '
        f'text-anchor="{item.anchor}" dominant-baseline="central">{escape(item.text)}</text>'
    )


def _font_faces(items: list[Item]) -> str:
    """``@font-face`` rules for the Bengali or Devanagari in the picture, the vendored woff2
    inline: an SVG shown through ``<img>`` may load nothing else, and a reader's machine
    may have no font for the script."""
    scripts = {script for i in items if isinstance(i, Text) for _, script in runs(i.text)}
    rules = [
        f'@font-face{{font-family:"{SCRIPT_FAMILIES[s]}";src:url(data:font/woff2;base64,'
        f'{_woff2(s)}) format("woff2")}}'
        for s in sorted(x for x in scripts if x)
    ]
    return f"<style>{''.join(rules)}</style>" if rules else ""


@lru_cache(maxsize=2)
def _woff2(script: str) -> str:
    path = SCRIPT_FONTS[script].with_suffix(".woff2")
    return base64.b64encode(path.read_bytes()).decode("ascii")


def render_svg(view: View, step: int, theme: str = "light") -> bytes:
    """The SVG of ``step`` (0-based) of ``view``.

    >>> from app.arithmetic.config import build_config
    >>> from app.arithmetic.trace import trace
    >>> from app.render.views import cell_view as make_view
    >>> import numpy as np
    >>> t = trace(build_config([4, 4]), np.ones((1, 4, 4)), np.ones((1, 1, 3, 3)))
    >>> svg = render_svg(make_view(t), 0).decode()
    >>> svg.startswith("<svg") and "<title" in svg and "→" in svg
    True
    """
    diagram = diagram_for(view, theme)
    items = diagram.picture(step)
    flat = flatten(items)
    patterns = {
        (i.pattern, i.pattern_color) for i in flat if isinstance(i, Rect) and i.pattern_color
    }
    defs = "".join(_pattern(p, c) for p, c in sorted(patterns) if p)
    defs += _font_faces(flat)
    body = "\n".join(_item(item) for item in items)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{diagram.width}" '
        f'height="{diagram.height}" viewBox="0 0 {diagram.width} {diagram.height}" '
        f'role="img" aria-labelledby="title" font-family={quoteattr(FONT_FAMILY)}>\n'
        f'<title id="title">{escape(diagram.step_title(step))}</title>\n'
        f"<defs>{defs}</defs>\n{body}\n</svg>\n"
    ).encode()
