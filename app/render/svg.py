"""A step of a trace as a standalone SVG: no script, no external file, a ``<title>``."""

from typing import Any
from xml.sax.saxutils import escape, quoteattr

from app.render.scene import FONT_FAMILY, Diagram, Item, Rect


def _item(item: Item) -> str:
    if isinstance(item, Rect):
        # SVG strokes straddle the edge; inset by half a stroke to match Pillow's inner stroke
        half = item.stroke_width / 2 if item.stroke else 0
        stroke = ""
        if item.stroke:
            stroke = f' stroke="{item.stroke}" stroke-width="{item.stroke_width}"'
            if item.dashed:
                stroke += ' stroke-dasharray="4 3"'
        return (
            f'<rect x="{item.x + half:g}" y="{item.y + half:g}" width="{item.w - 2 * half:g}" '
            f'height="{item.h - 2 * half:g}" fill="{item.fill}"{stroke}/>'
        )
    return (
        f'<text x="{item.x}" y="{item.y}" font-size="{item.size}" fill="{item.fill}" '
        f'text-anchor="{item.anchor}" dominant-baseline="central">{escape(item.text)}</text>'
    )


def render_svg(trace: dict[str, Any], step: int, theme: str = "light") -> bytes:
    """The SVG of ``step`` (0-based) of ``trace``.

    >>> from app.schemas import TraceRequest
    >>> from app.tracing import run_trace
    >>> svg = render_svg(run_trace(TraceRequest(input_size=[4, 4])), 0).decode()
    >>> svg.startswith("<svg") and "<title" in svg
    True
    """
    diagram = Diagram(trace, theme)
    title = diagram.step_title(step)
    body = "\n".join(_item(item) for item in diagram.picture(step))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{diagram.width}" '
        f'height="{diagram.height}" viewBox="0 0 {diagram.width} {diagram.height}" '
        f'role="img" aria-labelledby="title" font-family={quoteattr(FONT_FAMILY)}>\n'
        f'<title id="title">{escape(title)}</title>\n{body}\n</svg>\n'
    ).encode()
