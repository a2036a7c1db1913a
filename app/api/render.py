"""``/api/render.svg``, ``/api/render.png``, ``/api/render.gif``: the diagram as a picture.

The query is a share link's (``input_size=5,5&stride=2&padding=1``) plus the
picture's own parameters, which are not trace fields: ``step`` (0-based, SVG and
PNG), ``fps`` (GIF) and ``theme`` (``light`` or ``dark``). Pictures are
deterministic, so they are cached freely.
"""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.api.query import request_from_query
from app.arithmetic.errors import ConfigError
from app.capacity import GIF_FRAME_COST, cost_of_query, offload
from app.render import render_gif, render_png, render_svg
from app.schemas import ErrorResponse
from app.tracing import run_trace

router = APIRouter(prefix="/api", tags=["render"])
RENDER_PARAMS = ("step", "fps", "theme")
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


def _whole(field: str, text: str | None, default: int) -> int:
    if text is None:
        return default
    try:
        return int(text.strip())
    except ValueError:
        raise ConfigError(field, f'{field} must be a whole number, got "{text}"') from None


def _trace(pairs: list[tuple[str, str]]) -> tuple[dict[str, Any], dict[str, str]]:
    """The trace of the query's share-link fields, and the render parameters apart."""
    trace_request, flat = request_from_query([(k, v) for k, v in pairs if k not in RENDER_PARAMS])
    render = {k: v for k, v in pairs if k in RENDER_PARAMS}
    return run_trace(trace_request, flat), render


def _step(trace: dict[str, Any], text: str | None) -> int:
    step = _whole("step", text, 0)
    last = len(trace["steps"]) - 1
    if not 0 <= step <= last:
        raise ConfigError("step", f"step must be between 0 and {last} (one per output cell)")
    return step


def _svg(trace: dict[str, Any], params: dict[str, str]) -> bytes:
    return render_svg(trace, _step(trace, params.get("step")), params.get("theme", "light"))


def _png(trace: dict[str, Any], params: dict[str, str]) -> bytes:
    return render_png(trace, _step(trace, params.get("step")), params.get("theme", "light"))


def _gif(trace: dict[str, Any], params: dict[str, str]) -> bytes:
    return render_gif(trace, _whole("fps", params.get("fps"), 2), params.get("theme", "light"))


def picture(
    draw: Callable[[dict[str, Any], dict[str, str]], bytes], pairs: list[tuple[str, str]]
) -> bytes:
    """The picture of a query (module functions only, so a worker process can draw it)."""
    return draw(*_trace(pairs))


async def _respond(
    request: Request, media_type: str, draw: Callable[[dict[str, Any], dict[str, str]], bytes]
) -> Response:
    pairs = request.query_params.multi_items()
    fields = [(k, v) for k, v in pairs if k not in RENDER_PARAMS]
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
