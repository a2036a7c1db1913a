"""``/api/render.svg``, ``/api/render.png``, ``/api/render.gif``: what the page shows, as a picture.

The query is a share link's (``input_size=5,5&stride=2&padding=1``) plus the picture's own
parameters, which are not trace fields: ``view`` (``canvas``, ``scatter``, ``matrix``,
``overlap``, ``im2col``, ``gradients``, ``picture``, as on the page; a 3-D layer's
``volume``), ``step`` (SVG and PNG; counted from 1, the number the page shows: "Step 5 of
9" is ``step=5``), ``fps``, ``first`` and ``last`` (GIF) and ``theme`` (``light`` or ``dark``).
A GIF of the picture view is one frame, the picture itself (its steps only outline
pixels). The file is named after the configuration (Content-Disposition), e.g.
``conv2d-5x5-k3-s2-p1-step4.png``. Pictures are deterministic, so they are cached freely.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.arithmetic.errors import ConfigError
from app.layer.fields import LINK_FIELDS, PICTURE
from app.layer.query import Pairs, parse_param, request_from_query, single
from app.layer.schemas import ErrorResponse
from app.layer.tracing import compute, config_of, gradients_of
from app.limits import check_im2col, check_matrix, check_picture
from app.render import (
    check_view,
    filename,
    make_view,
    render_gif,
    render_png,
    render_svg,
    step_count,
)
from app.render.scene import Diagram
from app.render.views import View
from app.web.capacity import GIF_FRAME_COST, cost_of_query, offload

router = APIRouter(prefix="/api", tags=["render"])
CACHE = "public, max-age=86400"
Text = Annotated[str | None, Query()]
InputSize = Annotated[
    str, Query(description="5 or 5,5; every other field of GET /api/trace may follow")
]
ViewParam = Annotated[
    str | None,
    Query(
        description="canvas (default), scatter, matrix, overlap, im2col, gradients or picture "
        "(2-D), as on the page; a 3-D layer is drawn as its volume (canvas or volume)"
    ),
]


def _responses(media_type: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {"content": {media_type: {}}, "description": "the picture"},
        422: {"model": ErrorResponse},
    }


@dataclass(frozen=True)
class Picture:
    """A render query, checked: the view to draw, the picture's own parameters, its file name."""

    view: View
    step: int
    fps: int
    theme: str
    name: Callable[[str, int | None], str]
    steps: range  # the GIF's steps, 0-based


def _picture(pairs: Pairs, animated: bool = False) -> Picture:
    """Every parameter checked (once each, known, within its limit) before any drawing."""
    params = single(pairs, [*LINK_FIELDS, *PICTURE])
    own = {name: parse_param(PICTURE[name], params.pop(name)) for name in list(params)
           if name in PICTURE}  # fmt: skip
    view, op = own.get("view", "canvas"), params.get("op", "conv")
    if op in ("max_pool", "avg_pool") and view in ("scatter", "matrix"):  # no kernel to draw
        raise ConfigError("view", "view_needs_weights", value=view, op=op)
    trace_request, flat = request_from_query(params)
    if view == "picture":  # drawn as images: a shipped photograph may be max_picture_size
        trace_request = trace_request.model_copy(update={"steps": False})
    config = config_of(trace_request)
    check_view(view, config.ndim)  # a 3-D layer is drawn as its volume, as on the page
    step, fps = own.get("step", 1), own.get("fps", 2)
    still = animated and view == "picture" and config.ndim == 2  # its GIF: one frame
    count = 1 if still else step_count(config, view)
    first, last = own.get("first", 1), own.get("last", count)
    if animated:  # the GIF's steps, counted from 1 as the page shows them
        for name, value, low in (("first", first, 1), ("last", last, first)):
            if not low <= value <= count:
                raise ConfigError(
                    name, "value_out_of_range", field=name, minimum=low, maximum=count, value=value
                )
    elif "first" in own or "last" in own:
        raise ConfigError(
            "first" if "first" in own else "last",
            "not_a_parameter",
            field="first" if "first" in own else "last",
            fields="view, step, theme",
        )
    frames = last - first + 1 if animated else count
    check_picture(frames, step=None if animated else step, fps=fps if animated else None)
    if view == "matrix":
        check_matrix(config)
    if view == "im2col":  # three dense matrices: bounded as /api/im2col bounds them
        if config.pooling:
            raise ConfigError("op", "im2col_pool", op=config.op)
        check_im2col(config)
    result, fields = compute(config, trace_request, flat)
    grads = None
    if view == "gradients":  # g as the request gives it, else all ones (as the page asks)
        fields.setdefault("grad_output", "ones")
        if fields["grad_output"] is None:
            fields["grad_output"] = "ones"
        found = gradients_of(result, trace_request, fields)  # (dL/d…, the mse loss if any)
        grads = None if found is None else found[0]
    padding = trace_request.padding if isinstance(trace_request.padding, str) else None
    return Picture(
        make_view(result, view, padding, grads, still),
        step,
        fps,
        own.get("theme", "light"),
        lambda extension, shown: filename(config, extension, view, shown, padding),
        range(first - 1, last),
    )


def picture_size(query: str) -> tuple[int, int]:
    """Width and height of the first step's picture of a share query (an oEmbed thumbnail);
    raises ``ConfigError`` when it is too large to draw."""
    diagram = Diagram(_picture(parse_qsl(query, keep_blank_values=True)).view)
    return diagram.width, diagram.height


def _svg(pairs: Pairs) -> tuple[bytes, str]:
    p = _picture(pairs)
    return render_svg(p.view, p.step - 1, p.theme), p.name("svg", p.step)


def _png(pairs: Pairs) -> tuple[bytes, str]:
    p = _picture(pairs)
    return render_png(p.view, p.step - 1, p.theme), p.name("png", p.step)


def _gif(pairs: Pairs) -> tuple[bytes, str]:
    p = _picture(pairs, animated=True)
    name = p.name("gif", None)
    if len(p.steps) < p.view.count:  # some steps only: say which in the name
        name = name.replace(".gif", f"-steps{p.steps.start + 1}-{p.steps.stop}.gif")
    return render_gif(p.view, p.fps, p.theme, p.steps), name


def picture(draw: Callable[[Pairs], tuple[bytes, str]], pairs: Pairs) -> tuple[bytes, str]:
    """The picture of a query and its file name (module functions only, so a worker process
    can draw it)."""
    return draw(pairs)


async def _respond(
    request: Request, media_type: str, draw: Callable[[Pairs], tuple[bytes, str]]
) -> Response:
    """Drawn off the event loop; a large trace or any long GIF through the heavy lane."""
    pairs = request.query_params.multi_items()
    fields = [(k, v) for k, v in pairs if k not in PICTURE]
    if ("view", "picture") in pairs:  # traced as a picture (steps=0): a photograph counts
        fields.append(("steps", "0"))
    cost = cost_of_query(fields, per_step=GIF_FRAME_COST if draw is _gif else 0)
    body, name = await offload(request, cost, picture, draw, pairs)
    headers = {"Cache-Control": CACHE, "Content-Disposition": f'inline; filename="{name}"'}
    return Response(body, media_type=media_type, headers=headers)


@router.get("/render.svg", response_class=Response, responses=_responses("image/svg+xml"))
async def get_render_svg(
    request: Request, input_size: InputSize, view: ViewParam = None, step: Text = None,
    theme: Text = None,
) -> Response:  # fmt: skip
    """One step of a view as a standalone SVG (readable without JavaScript)."""
    return await _respond(request, "image/svg+xml", _svg)


@router.get("/render.png", response_class=Response, responses=_responses("image/png"))
async def get_render_png(
    request: Request, input_size: InputSize, view: ViewParam = None, step: Text = None,
    theme: Text = None,
) -> Response:  # fmt: skip
    """One step of a view as a PNG: the SVG's picture, rasterised."""
    return await _respond(request, "image/png", _png)


@router.get("/render.gif", response_class=Response, responses=_responses("image/gif"))
async def get_render_gif(
    request: Request, input_size: InputSize, view: ViewParam = None, fps: Text = None,
    theme: Text = None, first: Text = None, last: Text = None,
) -> Response:  # fmt: skip
    """Every step of a view as an animated GIF, looping forever, ``fps`` frames a second
    (1 to max_gif_fps, default 2); ``first`` and ``last`` (counted from 1, both included)
    keep some steps only, so a layer with more steps than max_gif_frames still has a GIF."""
    return await _respond(request, "image/gif", _gif)


# Each picture format's drawing function, by extension (``convscope render``, ``figures``).
DRAW: dict[str, Callable[[Pairs], tuple[bytes, str]]] = {"svg": _svg, "png": _png, "gif": _gif}
