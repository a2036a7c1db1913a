"""``/api/render.svg``, ``/api/render.png``, ``/api/render.gif``: what the page shows, as a picture.

The query is a share link's (``input_size=5,5&stride=2&padding=1``) plus the picture's own
parameters, which are not trace fields: ``view`` (``canvas``, ``scatter``, ``matrix``,
``overlap``, as on the page), ``step`` (0-based, SVG and PNG), ``fps`` (GIF) and ``theme``
(``light`` or ``dark``). The file is named after the configuration (Content-Disposition),
e.g. ``conv2d-5x5-k3-s2-p1-step4.png``. Pictures are deterministic, so they are cached freely.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from app import limits
from app.api.query import request_from_query
from app.arithmetic.errors import ConfigError
from app.render import VIEWS, filename, make_view, render_gif, render_png, render_svg
from app.render.scene import Diagram
from app.render.views import View
from app.schemas import ErrorResponse
from app.tracing import compute, config_of

router = APIRouter(prefix="/api", tags=["render"])
RENDER_PARAMS = ("step", "fps", "theme", "view")
CACHE = "public, max-age=86400"
Text = Annotated[str | None, Query()]
InputSize = Annotated[
    str, Query(description="5 or 5,5; every other field of GET /api/trace may follow")
]
ViewParam = Annotated[
    str | None, Query(description="canvas (default), scatter, matrix or overlap, as on the page")
]


def _responses(media_type: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"content": {media_type: {}}, "description": "the picture"},
        422: {"model": ErrorResponse},
    }


def _whole(field: str, text: str | None, default: int) -> int:
    if text is None:
        return default
    stripped = text.strip()
    if not stripped.isascii() or not stripped.lstrip("-").isdigit():
        raise ConfigError(field, "not_a_whole_number", field=field, value=text[:60])
    return int(stripped)


@dataclass(frozen=True)
class Picture:
    """A view of the query's layer, the picture parameters, and the name of the file."""

    view: View
    params: dict[str, str]
    name: Callable[[str, int | None], str]


def picture_size(query: str) -> tuple[int, int]:
    """Width and height of the first step's picture of a share query (an oEmbed thumbnail);
    raises ``ConfigError`` when it is too large to draw."""
    diagram = Diagram(_parse(parse_qsl(query, keep_blank_values=True)).view)
    return diagram.width, diagram.height


def _picture(request: Request) -> Picture:
    return _parse(request.query_params.multi_items())


def _parse(pairs: list[tuple[str, str]]) -> Picture:
    trace_request, flat = request_from_query([(k, v) for k, v in pairs if k not in RENDER_PARAMS])
    params = {k: v for k, v in pairs if k in RENDER_PARAMS}
    view = params.get("view", "canvas")
    if view not in VIEWS:
        raise ConfigError(
            "view", "not_a_choice", field="view", choices=", ".join(VIEWS), value=view[:60]
        )
    config = config_of(trace_request)
    if view == "matrix":
        limits.check_matrix(config)
    result, _ = compute(config, trace_request, flat)
    op = str(getattr(trace_request, "op", "conv"))
    padding = trace_request.padding if isinstance(trace_request.padding, str) else None
    return Picture(
        make_view(result, view, op),
        params,
        lambda extension, step: filename(config, extension, view, step, padding, op),
    )


def _step(view: View, text: str | None) -> int:
    step = _whole("step", text, 0)
    last = view.count - 1
    if not 0 <= step <= last:
        raise ConfigError("step", "step_out_of_range", value=step, last=last)
    return step


async def _respond(
    request: Request, media_type: str, draw: Callable[[Picture], tuple[bytes, str]]
) -> Response:
    body, name = await run_in_threadpool(lambda: draw(_picture(request)))
    headers = {"Cache-Control": CACHE, "Content-Disposition": f'inline; filename="{name}"'}
    return Response(body, media_type=media_type, headers=headers)


def _still(
    extension: str, render: Callable[[View, int, str], bytes]
) -> Callable[[Picture], tuple[bytes, str]]:
    def draw(p: Picture) -> tuple[bytes, str]:
        step = _step(p.view, p.params.get("step"))
        return render(p.view, step, p.params.get("theme", "light")), p.name(extension, step)

    return draw


def _animation(p: Picture) -> tuple[bytes, str]:
    fps = _whole("fps", p.params.get("fps"), 2)
    return render_gif(p.view, fps, p.params.get("theme", "light")), p.name("gif", None)


@router.get("/render.svg", response_class=Response, responses=_responses("image/svg+xml"))
async def get_render_svg(
    request: Request, input_size: InputSize, view: ViewParam = None, step: Text = None,
    theme: Text = None,
) -> Response:  # fmt: skip
    """One step of a view as a standalone SVG (readable without JavaScript)."""
    return await _respond(request, "image/svg+xml", _still("svg", render_svg))


@router.get("/render.png", response_class=Response, responses=_responses("image/png"))
async def get_render_png(
    request: Request, input_size: InputSize, view: ViewParam = None, step: Text = None,
    theme: Text = None,
) -> Response:  # fmt: skip
    """One step of a view as a PNG: the SVG's picture, rasterised."""
    return await _respond(request, "image/png", _still("png", render_png))


@router.get("/render.gif", response_class=Response, responses=_responses("image/gif"))
async def get_render_gif(
    request: Request, input_size: InputSize, view: ViewParam = None, fps: Text = None,
    theme: Text = None,
) -> Response:  # fmt: skip
    """Every step of a view as an animated GIF, looping forever, ``fps`` frames a second
    (1 to max_gif_fps, default 2)."""
    return await _respond(request, "image/gif", _animation)
