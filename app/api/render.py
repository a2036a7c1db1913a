"""``/api/render.svg``, ``/api/render.png``, ``/api/render.gif``: the diagram as a picture.

The query is a share link's (``input_size=5,5&stride=2&padding=1``) plus the
picture's own parameters, which are not trace fields: ``step`` (0-based, SVG and
PNG), ``fps`` (GIF) and ``theme`` (``light`` or ``dark``). Pictures are
deterministic, so they are cached freely.
"""

from collections.abc import Callable
from dataclasses import dataclass
from math import prod
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.capacity import GIF_FRAME_COST, cost_of_query, offload
from app.fields import LINK_FIELDS, PICTURE
from app.limits import check_picture
from app.query import parse_param, request_from_query, single
from app.render import render_gif, render_png, render_svg
from app.schemas import ErrorResponse
from app.tracing import config_of, run_trace

router = APIRouter(prefix="/api", tags=["render"])
CACHE = "public, max-age=86400"
Text = Annotated[str | None, Query()]
InputSize = Annotated[
    str, Query(description="5 or 5,5; every other field of GET /api/trace may follow")
]


def _responses(media_type: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"content": {media_type: {}}, "description": "the picture"},
        422: {"model": ErrorResponse},
    }


@dataclass(frozen=True)
class Picture:
    """A render query, checked: the trace to draw and the picture's own parameters."""

    trace: dict[str, Any]
    step: int
    fps: int
    theme: str


def _picture(pairs: list[tuple[str, str]]) -> Picture:
    """Every parameter checked (once each, known, within its limit) before any drawing."""
    params = single(pairs, [*LINK_FIELDS, *PICTURE])
    own = {name: parse_param(PICTURE[name], params.pop(name)) for name in list(params)
           if name in PICTURE}  # fmt: skip
    trace_request, flat = request_from_query(params)
    config = config_of(trace_request)
    steps = config.out_channels * prod(config.output_size)
    step, fps = own.get("step", 0), own.get("fps", 2)
    check_picture(steps, step=step, fps=fps)
    return Picture(run_trace(trace_request, flat), step, fps, own.get("theme", "light"))


def _svg(p: Picture) -> bytes:
    return render_svg(p.trace, p.step, p.theme)


def _png(p: Picture) -> bytes:
    return render_png(p.trace, p.step, p.theme)


def _gif(p: Picture) -> bytes:
    return render_gif(p.trace, p.fps, p.theme)


def picture(draw: Callable[[Picture], bytes], pairs: list[tuple[str, str]]) -> bytes:
    """The picture of a query (module functions only, so a worker process can draw it)."""
    return draw(_picture(pairs))


async def _respond(request: Request, media_type: str, draw: Callable[[Picture], bytes]) -> Response:
    """Drawn off the event loop; a large trace or any long GIF through the heavy lane."""
    pairs = request.query_params.multi_items()
    fields = [(k, v) for k, v in pairs if k not in PICTURE]
    cost = cost_of_query(fields, per_step=GIF_FRAME_COST if draw is _gif else 0)
    body = await offload(request, cost, picture, draw, pairs)
    return Response(body, media_type=media_type, headers={"Cache-Control": CACHE})


@router.get("/render.svg", response_class=Response, responses=_responses("image/svg+xml"))
async def get_render_svg(
    request: Request, input_size: InputSize, step: Text = None, theme: Text = None
) -> Response:
    """One step of the diagram as a standalone SVG (readable without JavaScript)."""
    return await _respond(request, "image/svg+xml", _svg)


@router.get("/render.png", response_class=Response, responses=_responses("image/png"))
async def get_render_png(
    request: Request, input_size: InputSize, step: Text = None, theme: Text = None
) -> Response:
    """One step of the diagram as a PNG: the SVG's picture, rasterised."""
    return await _respond(request, "image/png", _png)


@router.get("/render.gif", response_class=Response, responses=_responses("image/gif"))
async def get_render_gif(
    request: Request, input_size: InputSize, fps: Text = None, theme: Text = None
) -> Response:
    """The whole trace as an animated GIF: one frame per step, looping forever, ``fps``
    frames a second (1 to max_gif_fps, default 2)."""
    return await _respond(request, "image/gif", _gif)
