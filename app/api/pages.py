"""The visualizer page (``GET /``) and its frameable twin (``GET /embed``).

Both render the configuration of the query string on the first paint: the
trace is computed here and embedded in the HTML, so there is never a blank
page. A malformed link still renders: each bad parameter is named in a
message and falls back to its default (SPEC.md, "The page").

Page-level parameters (``step``, ``speed``, ``view``, ``autoplay``…) belong to
the page and are never passed on to the trace.
"""

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from math import prod
from typing import Any
from urllib.parse import quote

import orjson
from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.api.errors import friendly, item, message
from app.api.language import REFUSED_KEY
from app.arithmetic.errors import ConfigError
from app.i18n.languages import NAMES, current, language
from app.i18n.messages import catalogue, t
from app.i18n.used import page_catalogue
from app.layer.fields import LINK_FIELDS, PAGE, form_fields
from app.layer.query import SPACES, Pairs, parse_param, request_from_query
from app.layer.tracing import run_trace
from app.limits import LIMITS
from app.tours.files import tours
from app.tours.links import expand, own_link, tour_state, tour_title
from app.web.assets import module_imports, static_url
from app.web.capacity import cost_of_query, offload
from app.web.paths import STATIC_DIR, TEMPLATES_DIR
from app.web.settings import Settings

router = APIRouter(tags=["pages"])
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals["t"] = t  # {{ t("key", name=value) }}: the page's words, from the catalogue
templates.env.globals.update(static_url=static_url, module_imports=module_imports)

# The guide's "padding, strides" figure: what a bare ``/`` shows.
DEFAULT_FIELDS = {"input_size": "5,5", "kernel_size": "3", "stride": "2", "padding": "1"}
TOUR = re.compile(r"[a-z0-9-]{1,64}")


@dataclass
class PageState:
    """What the first paint shows: the fields that worked, their trace, and what was refused."""

    fields: dict[str, str]
    trace: dict[str, Any]
    page: dict[str, str]
    messages: list[dict[str, Any]] = field(default_factory=list)


def _message(error: dict[str, Any], fallback: str = "page_fallback") -> dict[str, Any]:
    """A refusal shown on the page: the API's own ``detail`` entry, plus what happens instead."""
    names = [part for part in error["loc"][1:] if isinstance(part, str)]
    param = names[-1] if names else str(error["ctx"].get("field", "input_size"))
    known = error["type"] in catalogue()
    local = message(error["type"], error["ctx"], language()) if known else error["msg"]
    return {**error, "param": param, "fallback": t(fallback), "msg_local": local}


def _refused(exc: ConfigError, where: str = "query") -> dict[str, Any]:
    return item([where, exc.field], exc.type, **exc.ctx)


def _step_count(trace: dict[str, Any]) -> int:
    """One step per output cell: out_channels × the output size."""
    count: int = len(trace["output"]) * prod(trace["output_size"])
    return count


def _trace_or_error(
    fields: Mapping[str, str],
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The trace of ``fields``, or the fields it refuses with the API's own message."""
    try:
        # The page draws from the factorised taps (steps=0), which also lets a picture be
        # up to max_picture_size (SPEC.md, "Pictures"); it shows the formulas at once, the
        # code only when its panel is opened.
        request, flat = request_from_query({**fields, "steps": "0"})
        return run_trace(request.model_copy(update={"include": ["formulas"]}), flat), []
    except ConfigError as exc:
        return None, [_message(_refused(exc))]
    except RequestValidationError as exc:
        return None, [_message(e) for e in friendly(list(exc.errors()))]


def check_page_param(name: str, text: str) -> None:
    """Refuse a bad page parameter (``step=abc``, ``speed=-1``, ``theme=neon``…) by name."""
    param = PAGE[name]
    if name in ("autoplay", "controls", "present"):
        if text.strip(SPACES) not in ("0", "1"):
            raise ConfigError(name, "not_a_choice", value=text, choices="0, 1")
        return
    if name == "tour":
        if not TOUR.fullmatch(text):
            raise ConfigError(name, "wrong_type", value=text)
        if text not in tours():
            raise ConfigError(name, "not_a_choice", value=text, choices=", ".join(tours()))
        return
    value = parse_param(param, text)
    if name in ("step", "stop"):
        if value < 1:  # both counted from 1, as the page shows them
            raise ConfigError(name, "too_small", minimum=1, value=value)
    elif name == "speed" and not 0 < value <= LIMITS.max_speed:
        raise ConfigError(
            name, "value_out_of_range", minimum="0", maximum=LIMITS.max_speed, value=text
        )


def _split(params: Pairs) -> tuple[dict[str, str], dict[str, str], list[dict[str, Any]]]:
    """Trace fields and page parameters apart; a repeated, unknown or bad one is a message."""
    pairs = list(params.items() if isinstance(params, Mapping) else params)
    counts = Counter(name for name, _ in pairs)
    fields: dict[str, str] = {}
    page: dict[str, str] = {}
    messages = [
        _message(item(["query", name], "given_twice", field=name, count=count))
        for name, count in counts.items()
        if count > 1
    ]
    for name, text in pairs:
        if counts[name] > 1:
            continue
        if name in LINK_FIELDS:
            fields[name] = text
        elif name in PAGE:
            try:
                check_page_param(name, text)
                page[name] = text.strip(SPACES)
            except ConfigError as exc:
                messages.append(_message(_refused(exc)))
        else:
            known = ", ".join([*LINK_FIELDS, *PAGE])
            error = item(["query", name], "not_a_parameter", field=name, fields=known)
            messages.append(_message(error, "page_ignored"))
    return fields, page, messages


def page_state(params: Pairs) -> PageState:
    """Split the query into trace fields and page parameters; drop what is refused, by name.

    >>> s = page_state({"input_size": "5,5", "stride": "x", "step": "2"})
    >>> s.fields, s.page, [m["param"] for m in s.messages], s.trace["query"]
    ({'input_size': '5,5'}, {'step': '2'}, ['stride'], 'input_size=5,5')
    """
    fields, page, messages = _split(params)
    if not fields:
        fields = dict(DEFAULT_FIELDS)
    fields.setdefault("input_size", DEFAULT_FIELDS["input_size"])
    trace: dict[str, Any] | None = None
    for _ in range(len(LINK_FIELDS) + 1):
        trace, refused = _trace_or_error(fields)
        if trace is not None:
            break
        messages.extend(refused)
        bad = {m["param"] for m in refused} & fields.keys()
        if not bad:
            break
        for name in bad:
            del fields[name]
        fields.setdefault("input_size", DEFAULT_FIELDS["input_size"])
    if trace is None:
        fields = dict(DEFAULT_FIELDS)
        trace, _ = _trace_or_error(fields)
        assert trace is not None, "the default configuration always traces"
    if "tour" in page and int(page.get("stop", "1")) > len(tours()[page["tour"]].stops):
        count = len(tours()[page["tour"]].stops)
        error = item(
            ["query", "stop"], "value_out_of_range", minimum=1, maximum=count, value=page["stop"]
        )
        messages.append(_message(error))
        del page["stop"]
    last = _step_count(trace)  # steps are counted from 1: "Step 9 of 9" is step=9
    if "step" in page and int(page["step"]) > last:
        error = item(["query", "step"], "step_out_of_range", last=last, value=int(page["step"]))
        messages.append(_message(error))
        del page["step"]
    return PageState(fields, trace, page, messages)


def _sizes(values: list[int]) -> str:
    return "×".join(map(str, values))


def describe(trace: dict[str, Any]) -> tuple[str, str]:
    """A title and a one-line description of a trace, for the tab and link previews, in the
    request's language (numbers and field values as they are)."""
    config = trace["config"]
    kind = "transposed" if config["transposed"] else "conv"
    title = t(
        f"meta.title.{kind}",
        input=_sizes(config["input_size"]),
        kernel=_sizes(config["kernel_size"]),
        output=_sizes(trace["output_size"]),
    )
    parts = [t("meta.stride", value=",".join(map(str, config["stride"])))]
    parts.append(t("meta.padding", value=",".join(f"{a}:{b}" for a, b in config["padding"])))
    if any(d != 1 for d in config["dilation"]):
        parts.append(t("meta.dilation", value=",".join(map(str, config["dilation"]))))
    if config["in_channels"] > 1 or config["out_channels"] > 1:
        parts.append(t("meta.channels", value=f"{config['in_channels']}→{config['out_channels']}"))
    description = t(
        "meta.description", title=title, parts=", ".join(parts), count=_step_count(trace)
    )
    return title, description


def languages_context(path: str, query: str) -> dict[str, Any]:
    """``<html lang dir>``, the catalogue and the switcher's links (``path?query&lang=xx``)
    of a page answered in the request's language."""
    choice = current()
    prefix = f"{path}?{query}&" if query else f"{path}?"
    return {
        "lang": choice.language,
        "dir": choice.direction,
        "lang_query": f"lang={choice.language}" if choice.explicit else "",
        "languages": [
            {"code": code, "name": name, "href": f"{prefix}lang={code}"}
            for code, name in NAMES.items()
        ],
    }


def _script_json(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>`` breakout)."""
    text = orjson.dumps(value).decode()  # the one JSON encoder of the API, also here
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def view_modules(view: object, entry: str) -> tuple[str, ...]:
    """The modules a link's view loads on first use (``import()``), and what they import,
    beyond what ``entry`` preloads already: preloaded with the page, so ``view=matrix`` does
    not wait for its module after the page's own.

    >>> view_modules("matrix", "js/main.js")
    ('js/views/matrix.js', 'js/views/slices.js')
    >>> view_modules("canvas", "js/main.js"), view_modules("../main", "js/main.js")
    ((), ())
    """
    name = f"js/views/{view}.js"
    if not isinstance(view, str) or not re.fullmatch(r"[a-z0-9]+", view):
        return ()
    if not (STATIC_DIR / name).is_file():
        return ()
    static = set(module_imports(entry))
    wanted = (name, *module_imports(name))
    return tuple(m for m in wanted if m not in static and m != entry)


def _context(base: str, state: PageState, embed: bool) -> dict[str, Any]:
    query = state.trace["query"]
    languages = languages_context("/embed" if embed else "/", _page_query(state))
    lang = languages["lang_query"]
    own = own_link(state.page) or query
    linked = f"{own}&{lang}" if lang else own  # links the page writes keep ?lang=
    page_url = f"{base}/?{linked}"
    title, description = tour_title(state.page) or describe(state.trace)
    theme = state.page.get("theme", "light")
    return {
        **languages,
        "title": title,
        "description": description,
        "query": query,
        "page_url": page_url,
        "og_image": f"{base}/api/render.png?{linked}",
        "oembed_url": f"{base}/api/oembed?url={quote(page_url, safe='')}&format=json",
        "fields": state.fields,
        "form_fields": form_fields(),
        "messages": state.messages,
        "embed": embed,
        "theme": theme if theme in ("light", "dark") else "light",
        "controls": state.page.get("controls", "1") != "0",
        "present": state.page.get("present") == "1",
        "tour": tour_state(state.page),
        "view_modules": view_modules(
            state.page.get("view"), "js/embed.js" if embed else "js/main.js"
        ),
        "initial": _script_json(
            {
                "fields": state.fields,
                "page": state.page,
                "messages": state.messages,
                # the page reads axes × channel_taps: no per-step list in its first paint
                "trace": {k: v for k, v in state.trace.items() if k != "steps"},
                # the messages its scripts name, and its tour's (app/i18n/used.py)
                "catalogue": page_catalogue(
                    "js/embed.js" if embed else "js/main.js", language(), tour_state(state.page)
                ),
                # larger inputs (a picture, steps=0) are drawn by the picture view only
                "cell_limit": LIMITS.max_spatial_size_2d,
                "tour": tour_state(state.page),
                "lang": current().language,
                "lang_explicit": current().explicit,
            }
        ),
    }


def _page_query(state: PageState) -> str:
    """The page's own link without ``lang``: the trace's share query and its page parameters."""
    query: str = state.trace["query"]
    extra = "&".join(f"{k}={quote(v, safe=',;:|')}" for k, v in state.page.items())
    return f"{query}&{extra}" if extra else query


def public_url(request: Request) -> str:
    """The configured public base URL (``CONVSCOPE_PUBLIC_URL``), never the ``Host`` header."""
    settings: Settings = request.app.state.settings
    return settings.public_url


def page_html(
    template: str, params: Pairs, base: str, embed: bool, refused: dict[str, Any] | None = None
) -> str:
    """The page of a query (a module function, so a worker process can render it);
    ``refused`` is a refusal of ``?lang=`` (app/api/language.py), shown like any other."""
    pairs = list(params.items() if isinstance(params, Mapping) else params)
    state = page_state(expand(pairs))
    if refused is not None:
        state.messages.insert(0, _message(refused))
    context = _context(base, state, embed)
    context["questions"] = [] if pairs or embed else questions()  # a first visit: bare /
    return templates.get_template(template).render(context)


def questions() -> list[dict[str, Any]]:
    """The tours as the questions they answer: what /tours and a first visit to / offer."""
    return [
        {
            "slug": tour.slug,
            "question": t(tour.question),
            "title": t(tour.title),
            "count": len(tour.stops),
            "href": f"/?tour={tour.slug}&stop=1",
        }
        for tour in tours().values()
    ]


async def _page(request: Request, template: str, embed: bool) -> HTMLResponse:
    """Render off the event loop; a page with a large trace goes through the heavy lane."""
    params = request.query_params.multi_items()
    cost = cost_of_query((k, v) for k, v in params if k in LINK_FIELDS)
    refused = request.scope.get(REFUSED_KEY)
    base = public_url(request)
    html = await offload(request, cost, page_html, template, params, base, embed, refused)
    return HTMLResponse(html)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def index(request: Request) -> HTMLResponse:
    """The visualizer: controls, presets, diagram, player, formulas, sharing."""
    return await _page(request, "index.html", False)


@router.get("/embed", response_class=HTMLResponse, include_in_schema=False)
async def embed(request: Request) -> HTMLResponse:
    """Only the diagram and the player, sized to its frame, for other sites' pages."""
    return await _page(request, "embed.html", True)
