"""Server-side pictures of a trace: SVG, PNG and animated GIF of the classic diagram.

Pure functions from a trace (the JSON of ``app.tracing.run_trace``) to bytes:
``scene.layout`` decides what is drawn where (one list of rectangles and texts),
``svg`` writes it as SVG, ``raster`` draws the same list with Pillow (PNG, GIF).
Same trace, same bytes.
"""

from app.render.raster import render_gif, render_png
from app.render.svg import render_svg

__all__ = ["render_gif", "render_png", "render_svg"]
