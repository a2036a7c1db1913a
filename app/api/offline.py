"""``GET /api/render.html?<query>``: the offline page of a configuration, to download.

One HTML file (``app/offline``) holding the diagram, the player, exploring and the views,
with the trace, scripts and styles inline: it opens from ``file://``, in an LMS or a slide
deck with no network. The query is a share link's plus ``view``, ``step``, ``speed``,
``autoplay``, ``theme`` and ``lang``; the file is named after the configuration
(``conv2d-5x5-k3-s2-p1.html``).
"""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.layer.fields import LINK_FIELDS
from app.layer.query import Pairs
from app.layer.schemas import ErrorResponse
from app.offline import offline_from_query
from app.web.capacity import cost_of_query, offload

router = APIRouter(prefix="/api", tags=["render"])
CACHE = "public, max-age=86400"
Text = Annotated[str | None, Query()]
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "the offline page"},
    422: {"model": ErrorResponse},
}


def offline_file(pairs: Pairs) -> tuple[str, str]:
    """The page and its file name (a module function, so a worker process can build it)."""
    page = offline_from_query(pairs)
    return page.html, page.filename


@router.get("/render.html", response_class=Response, responses=RESPONSES)
async def get_render_html(
    request: Request,
    input_size: Annotated[str, Query(description="5 or 5,5; every field of GET /api/trace")],
    view: Text = None, step: Text = None, speed: Text = None, autoplay: Text = None,
    theme: Text = None, lang: Text = None,
) -> Response:  # fmt: skip
    """The diagram as one self-contained HTML file that works offline (no request at all)."""
    pairs = request.query_params.multi_items()
    cost = cost_of_query([(k, v) for k, v in pairs if k in LINK_FIELDS])
    html, name = await offload(request, cost, offline_file, pairs)
    headers = {"Cache-Control": CACHE, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(html, media_type="text/html; charset=utf-8", headers=headers)
