"""The visualizer page (``GET /``) and its frameable twin (``GET /embed``).

Both render the configuration of the query string on the first paint: the
trace is computed here and embedded in the HTML, so there is never a blank
page. A malformed link still renders: each bad parameter is named in a
message and falls back to its default (SPEC.md, "The page").

Page-level parameters (``step``, ``speed``, ``view``, ``autoplay``…) belong to
the page and are never passed on to the trace.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.api.errors import friendly
from app.api.query import TRACE_FIELDS, request_from_query
from app.arithmetic.errors import ConfigError
from app.messages import catalogue, error_message, t
from app.paths import TEMPLATES_DIR
from app.tracing import run_trace

router = APIRouter(tags=["pages"])
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals["t"] = t  # page strings from the catalogue (static/i18n/en/page.json)

PAGE_PARAMS = ("step", "speed", "view", "autoplay", "controls", "theme", "tour", "stop", "compare")
# The guide's "padding, strides" figure: what a bare ``/`` shows.
DEFAULT_FIELDS = {"input_size": "5,5", "kernel_size": "3", "stride": "2", "padding": "1"}
FALLBACK = "the page shows its default instead"


@dataclass
class PageState:
    """What the first paint shows: the fields that worked, their trace, and what was refused."""

    fields: dict[str, str]
    trace: dict[str, Any]
    page: dict[str, str]
    messages: list[dict[str, str]] = field(default_factory=list)


def _trace_or_error(
    fields: Mapping[str, str],
) -> tuple[dict[str, Any] | None, list[dict[str, str]]]:
    """The trace of ``fields``, or the fields it refuses with the API's own message."""
    try:
        return run_trace(*request_from_query(fields)), []
    except ConfigError as exc:
        return None, [
            {"param": exc.field, "msg": error_message(exc.type, exc.ctx), "fallback": FALLBACK}
        ]
    except RequestValidationError as exc:
        return None, [
            {"param": str(e["loc"][-1]), "msg": e["msg"], "fallback": FALLBACK}
            for e in friendly(list(exc.errors()))
        ]


def page_state(params: Mapping[str, str]) -> PageState:
    """Split the query into trace fields and page parameters; drop what the trace refuses.

    >>> s = page_state({"input_size": "5,5", "stride": "x", "step": "2"})
    >>> s.fields, s.page, [m["param"] for m in s.messages], s.trace["query"]
    ({'input_size': '5,5'}, {'step': '2'}, ['stride'], 'input_size=5,5')
    """
    fields = {k: v for k, v in params.items() if k in TRACE_FIELDS}
    page = {k: v for k, v in params.items() if k in PAGE_PARAMS}
    messages = [
        {"param": k, "msg": f'"{k}" is not a parameter of ConvScope links', "fallback": "ignored"}
        for k in params
        if k not in TRACE_FIELDS and k not in PAGE_PARAMS
    ]
    if not fields:
        fields = dict(DEFAULT_FIELDS)
    fields.setdefault("input_size", DEFAULT_FIELDS["input_size"])
    for _ in range(len(TRACE_FIELDS) + 1):
        trace, refused = _trace_or_error(fields)
        if trace is not None:
            return PageState(fields, trace, page, messages)
        messages.extend(refused)
        bad = {m["param"] for m in refused} & fields.keys()
        if not bad:
            break
        for name in bad:
            del fields[name]
        fields.setdefault("input_size", DEFAULT_FIELDS["input_size"])
    fields = dict(DEFAULT_FIELDS)
    trace, _ = _trace_or_error(fields)
    assert trace is not None, "the default configuration always traces"
    return PageState(fields, trace, page, messages)


def _sizes(values: list[int]) -> str:
    return "×".join(map(str, values))


def describe(trace: dict[str, Any]) -> tuple[str, str]:
    """A title and a one-line description of a trace, for the tab and link previews."""
    config = trace["config"]
    kind = "Transposed convolution" if config["transposed"] else "Convolution"
    title = (
        f"{kind}: {_sizes(config['input_size'])} input, {_sizes(config['kernel_size'])} kernel "
        f"→ {_sizes(trace['output_size'])} output"
    )
    parts = [f"stride {','.join(map(str, config['stride']))}"]
    parts.append("padding " + ",".join(f"{a}:{b}" for a, b in config["padding"]))
    if any(d != 1 for d in config["dilation"]):
        parts.append(f"dilation {','.join(map(str, config['dilation']))}")
    if config["in_channels"] > 1 or config["out_channels"] > 1:
        parts.append(f"{config['in_channels']}→{config['out_channels']} channels")
    description = (
        f"{title} ({', '.join(parts)}), animated cell by cell: "
        f"{len(trace['steps'])} steps, with the numbers of each step."
    )
    return title, description


def _script_json(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>`` breakout)."""
    text = json.dumps(value, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _context(request: Request, state: PageState, embed: bool) -> dict[str, Any]:
    query = state.trace["query"]
    base = str(request.base_url).rstrip("/")
    page_url = f"{base}/?{query}"
    title, description = describe(state.trace)
    theme = state.page.get("theme", "light")
    return {
        "title": title,
        "description": description,
        "query": query,
        "page_url": page_url,
        "og_image": f"{base}/api/render.png?{query}&step=0",
        "oembed_url": f"{base}/api/oembed?url={quote(page_url, safe='')}&format=json",
        "fields": state.fields,
        "messages": state.messages,
        "embed": embed,
        "theme": theme if theme in ("light", "dark") else "light",
        "controls": state.page.get("controls", "1") != "0",
        "initial": _script_json(
            {
                "fields": state.fields,
                "page": state.page,
                "messages": state.messages,
                "trace": state.trace,
                "catalogue": catalogue(),
            }
        ),
    }


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def index(request: Request) -> HTMLResponse:
    """The visualizer: controls, presets, diagram, player, formulas, sharing."""
    state = page_state(request.query_params)
    return templates.TemplateResponse(request, "index.html", _context(request, state, False))


@router.get("/embed", response_class=HTMLResponse, include_in_schema=False)
def embed(request: Request) -> HTMLResponse:
    """Only the diagram and the player, sized to its frame, for other sites' pages."""
    state = page_state(request.query_params)
    return templates.TemplateResponse(request, "embed.html", _context(request, state, True))
