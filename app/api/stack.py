"""The stack explorer: ``POST /api/stack``, ``POST /api/stack/parse``, ``GET /stack`` and
its frameable twin ``GET /stack/embed``.

The page reads and writes its own share link (``layer=`` parameters, see
``static/js/stack/state.js``); the server only serves it and answers the API.
"""

import json
import time
from functools import cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates

from app.api.pages import _script_json, languages_context, public_url
from app.api.trace import TraceJSONResponse
from app.i18n.languages import current
from app.i18n.messages import t
from app.i18n.used import page_catalogue
from app.layer.schemas import ErrorResponse
from app.offline.stack_page import cost, stack_page_from_query
from app.stack.build import StackRefusal, run_stack
from app.stack.parse import parse_layers
from app.stack.schemas import ParseRequest, ParseResponse, StackRequest, StackResponse
from app.web.assets import module_imports, static_url
from app.web.capacity import offload
from app.web.paths import STATIC_DIR, TEMPLATES_DIR

router = APIRouter(tags=["stack"])
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals.update(static_url=static_url, module_imports=module_imports)
PRESETS = STATIC_DIR / "presets" / "stack.json"
ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": ErrorResponse}}
CACHE = "public, max-age=86400"


def _refused(exc: StackRefusal) -> JSONResponse:
    return JSONResponse(status_code=422, content={"detail": exc.detail()})


@router.post("/api/stack", response_model=StackResponse, responses=ERRORS)
async def post_stack(request: StackRequest) -> JSONResponse:
    """Shapes, cost and receptive field of every layer of a stack (shapes only, no values)."""
    start = time.perf_counter()
    try:
        body = await run_in_threadpool(run_stack, request)
    except StackRefusal as exc:
        return _refused(exc)
    elapsed_ms = (time.perf_counter() - start) * 1000
    return TraceJSONResponse(body, headers={"Server-Timing": f"stack;dur={elapsed_ms:.2f}"})


@router.post("/api/stack/parse", response_model=ParseResponse, responses=ERRORS)
async def post_parse(request: ParseRequest) -> JSONResponse:
    """PyTorch or Keras layers, as text, to the ``layers`` of ``/api/stack`` (never run)."""
    try:
        body = await run_in_threadpool(parse_layers, request.code)
    except StackRefusal as exc:
        return _refused(exc)
    return JSONResponse(body)


def stack_file(query: str, lang: str) -> tuple[str, str]:
    """The offline stack page and its file name (a module function, for a worker process)."""
    page = stack_page_from_query(query, lang)
    return page.html, page.filename


@router.get("/api/stack.html", response_class=Response, responses=ERRORS)
async def get_stack_html(request: Request) -> Response:
    """The stack explorer of a ``/stack`` share query as one HTML file that works offline
    (its table, shapes and receptive fields; no request at all)."""
    query = request.url.query  # without ?lang= (app/api/language.py takes it out)
    try:
        html, name = await offload(request, cost(query), stack_file, query, current().language)
    except StackRefusal as exc:
        return _refused(exc)
    headers = {"Cache-Control": CACHE, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(html, media_type="text/html; charset=utf-8", headers=headers)


@cache
def presets() -> list[dict[str, Any]]:
    """The stack presets (``static/presets/stack.json``): data the page and the tests read."""
    loaded: list[dict[str, Any]] = json.loads(PRESETS.read_text(encoding="utf-8"))
    return loaded


def _page(request: Request, embed: bool) -> HTMLResponse:
    base = public_url(request)  # never the Host header: the page is cached by its query
    query = request.url.query  # without ?lang= (app/api/language.py takes it out)
    languages = languages_context(request.url.path, query)
    lang = languages["lang_query"]
    linked = "&".join(part for part in (query, lang) if part)
    context = {
        **languages,
        "title": t("meta.stack.title"),
        "description": t("meta.stack.description"),
        "page_url": f"{base}/stack" + (f"?{linked}" if linked else ""),
        "embed": embed,
        "theme": "dark" if request.query_params.get("theme") == "dark" else "light",
        "t": t,
        "initial": _script_json(
            {
                "catalogue": page_catalogue("js/stack/main.js", current().language),
                "lang": current().language,
                "lang_explicit": current().explicit,
                "presets": presets(),
            }
        ),
    }
    return templates.TemplateResponse(request, "stack.html", context)


@router.get("/stack", response_class=HTMLResponse, include_in_schema=False)
def stack_page(request: Request) -> HTMLResponse:
    """The stack explorer: layers, shapes flowing, bars, receptive fields, sharing."""
    return _page(request, embed=False)


@router.get("/stack/embed", response_class=HTMLResponse, include_in_schema=False)
def stack_embed(request: Request) -> HTMLResponse:
    """The stack's shapes, bars and receptive field, without the editor, for an ``<iframe>``."""
    return _page(request, embed=True)
