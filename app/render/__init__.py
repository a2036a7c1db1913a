"""Server-side pictures of a layer: SVG, PNG and animated GIF of each view of the page.

``views`` reads the engine's typed trace into grids of cells (what each view shows at each
step), ``scene`` lays them out in pixels (one list of rectangles and texts), ``svg`` writes
that list as SVG and ``raster`` draws it with Pillow (PNG, GIF). ``look`` reads how each kind
of cell looks from ``static/look.json``. Same trace, same bytes.
"""

from app.render.filename import filename
from app.render.raster import render_gif, render_png
from app.render.registry import VIEWS, check_view, make_view
from app.render.svg import render_svg
from app.render.views import step_count

__all__ = [
    "VIEWS",
    "check_view",
    "filename",
    "make_view",
    "render_gif",
    "render_png",
    "render_svg",
    "step_count",
]
