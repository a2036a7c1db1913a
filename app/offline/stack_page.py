"""The offline stack explorer: one HTML file of the ``/stack`` page for one stack, with its
table, shapes flowing, the receptive-field picture and its exploring, and no server behind it.

The page is ``templates/stack.html`` itself (laid out by ``offline_base.html``: styles, the
import map and the state inline) and its modules are ``static/js/stack/``'s, inlined by
``app.offline.bundle`` from ``static/js/stack/offline.js``, which answers the page's one API
call (``POST /api/stack``) from what the file embeds:

- the stack's answer (``run_stack``, without the code snippets the page does not show);
- the receptive field of ANY output cell of any layer, as per-dimension lists
  (``growth``): a probe is separable (``app.arithmetic.stack.growing_axis``), so the file
  holds, for each layer, dimension and position, the field along that dimension after each
  layer, and the page pairs them (``combine`` in JS, as in Python). Past ``GROWTH_STEPS``
  entries (a deep stack on a large input) only each layer's centre cell is embedded
  (``probes``), which is what picking a layer probes, and other cells say so.

Editing the layers and pasting code need the server's maths: the editor is left out and a
note says where the page lives on a server. ``convscope.stack(...)``, ``convscope stack`` and
``GET /api/stack.html`` all come through ``stack_page``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import parse_qsl, urlencode

from fastapi.exceptions import RequestValidationError
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError

from app import __version__
from app.arithmetic.errors import ConfigError
from app.arithmetic.stack import AxisProbe, Reach, StackLayer, growing_axis
from app.i18n.languages import using
from app.i18n.messages import LANGUAGE, t
from app.i18n.used import page_catalogue
from app.offline.bundle import bundle, stylesheet
from app.offline.page import _script_json, languages
from app.stack.build import probe, resolve, run_stack
from app.stack.link import stack_query, stack_request
from app.stack.schemas import StackProbe, StackRequest
from app.web.paths import TEMPLATES_DIR

ENTRY = "js/stack/offline.js"
STYLESHEETS = ("css/convscope.css", "css/stack.css")
# Per-dimension field entries (layer × position × steps back) embedded for any cell;
# above, only each layer's centre cell (a deep stack on a large input: ResNet-50 at 224).
GROWTH_STEPS = 20_000  # ResNet-18 at 224×224: 6,692 entries, 83 kB, 0.5 s
# Past this many steps in all, a centre's probe keeps only its last step (its whole field):
# 256 layers would carry 33,000 steps, 2 MB; ResNet-50's 50 layers carry 1,275.
CENTRE_STEPS = 5_000
# static/js/stack/field.js draws cell by cell up to this size per dimension (CELLWISE);
# above, it draws the field's bounds, so the exact cells are left out of the file.
CELLWISE = 64
_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html"])
)


@dataclass(frozen=True)
class StackPage:
    """The file's text, the name to save it under, and the stack's answer it shows."""

    html: str
    filename: str
    result: dict[str, Any]


def growth_steps(stack: Sequence[StackLayer]) -> int:
    """How many per-dimension field entries ``growth`` would embed: for each layer, its
    output positions times the layers up to it.

    >>> from app.stack.link import stack_request
    >>> growth_steps(resolve(stack_request("input_size=8&layer=conv,c1,k3&layer=conv,c1,k3")))
    14
    """
    return sum((n + 1) * sum(layer.config.output_size) for n, layer in enumerate(stack))


def _step(axis: AxisProbe, cells: bool) -> list[Any]:
    """``[index]`` (only padding), ``[index, first, last]`` (cells not listed),
    ``[index, first, last, 1]`` (every cell between) or ``[index, first, last, [cells]]``."""
    if axis.bounds is None:
        return [axis.index]
    first, last = axis.bounds
    if axis.cells is None or not cells:
        return [axis.index, first, last]
    whole = len(axis.cells) == last - first + 1
    return [axis.index, first, last, 1 if whole else list(axis.cells)]


def growth(request: StackRequest) -> list[list[list[list[Any]]]]:
    """``growth[layer][d][position]`` = ``[broken, step, …]``: the field along ``d`` of that
    output position after each layer up to ``layer`` (``growing_axis``), each step as
    ``_step`` writes it; ``broken`` 1 when the path back met a window on padding only.

    >>> from app.stack.link import stack_request
    >>> growth(stack_request("input_size=5&layer=conv,c1,k3,d2"))
    [[[[0, [0, 0, 4, [0, 2, 4]]]]]]
    """
    stack = resolve(request)
    reach = Reach(stack)
    cells = max(request.input_size) <= CELLWISE
    tables = []
    for number, layer in enumerate(stack):
        per_axis = []
        for d, size in enumerate(layer.config.output_size):
            rows = []
            for position in range(size):
                steps, broken = growing_axis(reach, number, d, position)
                rows.append([int(broken), *(_step(s, cells) for s in steps)])
            per_axis.append(rows)
        tables.append(per_axis)
    return tables


def centre(result: dict[str, Any], number: int) -> list[int]:
    """The cell picking a layer probes (``static/js/stack/main.js``): its output's centre."""
    return [size // 2 for size in result["layers"][number]["output_size"]]


def centres(
    request: StackRequest, result: dict[str, Any], chosen: StackProbe | None
) -> dict[str, Any]:
    """Each layer's centre cell's probe list (and the chosen cell's), as ``/api/stack``
    answers it; cells left out where the page draws bounds (an input above ``CELLWISE``),
    and past ``CENTRE_STEPS`` entries in all (hundreds of layers) only each field's last step.

    >>> from app.stack.link import stack_request
    >>> r = stack_request("input_size=9&layer=conv,c1,k3&layer=conv,c1,k3")
    >>> centres(r, run_stack(r), None)["1:2"][-1]  # cell 2 of 5 reads 2, 3, 4 of 7
    {'layer': 1, 'index': [2], 'bounds': [[2, 6]], 'cells': [[2, 3, 4, 5, 6]]}
    """
    wanted = {(n, tuple(centre(result, n))) for n in range(len(request.layers))}
    if chosen is not None:
        wanted.add((chosen.layer, tuple(chosen.index)))
    stack = resolve(request)
    drawn = max(request.input_size) <= CELLWISE
    whole = sum(n + 1 for n, _ in wanted) <= CENTRE_STEPS
    found: dict[str, Any] = {}
    for number, index in sorted(wanted):
        asked = request.model_copy(update={"probe": StackProbe(layer=number, index=list(index))})
        steps = probe(asked, stack) or []
        steps = [step if drawn else {**step, "cells": None} for step in steps]
        found[probe_key(number, list(index))] = steps if whole else steps[-1:]
    return found


def probe_key(layer: int, index: list[int]) -> str:
    """How the file keys a probe it embeds whole: ``"3:14,14"``."""
    return f"{layer}:{','.join(map(str, index))}"


def _filename(request: StackRequest) -> str:
    """``stack-3x64x64-12-layers.html``."""
    shape = "x".join(map(str, [request.in_channels, *request.input_size]))
    return f"stack-{shape}-{len(request.layers)}-layers.html"


def stack_page(
    request: StackRequest,
    names: list[str] | None = None,
    left_out: dict[str, list[dict[str, Any]]] | None = None,
    lang: str = LANGUAGE,
    theme: str = "light",
) -> StackPage:
    """The offline stack page of a checked stack request (``StackRefusal`` names a layer);
    ``names`` label the layers (a model's module names), ``left_out`` lists the pasted
    model's head and side branches as ``/api/stack/parse`` gives them."""
    last = len(request.layers) - 1
    lang = lang if lang in languages() else LANGUAGE
    with using(lang):  # the answer's own words (a layer too big for the one-layer page) too
        result = run_stack(request)  # refuses a probe outside the stack, by name
    result.pop("code")  # the export card (PyTorch, Keras) stays on the server's page
    result["probe"] = None  # answered per cell by static/js/stack/offline.js
    chosen = request.probe
    if chosen is None and request.layers:
        chosen = StackProbe(layer=last, index=centre(result, last))
    if names is not None:
        for layer, name in zip(result["layers"], names, strict=True):
            layer["name"] = name
    steps = growth_steps(resolve(request))
    tables = growth(request) if steps <= GROWTH_STEPS else None
    probes: dict[str, Any] = {}
    if tables is None:
        probes = centres(request, result, chosen)
    state = {
        "input_size": list(request.input_size),
        "in_channels": request.in_channels,
        "layers": [layer.model_dump(exclude_defaults=True) for layer in request.layers],
        "probe": None if chosen is None else chosen.model_dump(),
        "preset": None,
    }
    built = bundle(ENTRY)
    # the messages the page's modules name, as the server's pages embed them (app/i18n/used.py)
    words = page_catalogue(ENTRY, lang)
    shape = "×".join(map(str, [request.in_channels, *request.input_size]))
    title = t("stack_offline.title", language=lang, count=len(request.layers), shape=shape)
    html = _env.get_template("stack.html").render(
        layout="offline_base.html",
        t=partial(t, language=lang),
        lang=lang,
        theme=theme,
        title=title,
        description=title,
        version=__version__,
        embed=True,
        offline=True,
        query=stack_query(request.input_size, request.in_channels, resolve(request)),
        inline_styles=[stylesheet(path, lang=lang) for path in STYLESHEETS],
        importmap=built.importmap(),
        entry=built.entry,
        initial=_script_json(
            {
                "catalogue": words,
                "lang": lang,
                "presets": [],
                "offline": True,
                "stack": state,
                "result": result,
                "growth": tables,
                "probes": probes,
                "left_out": left_out,
            }
        ),
    )
    return StackPage(html, _filename(request), result)


def _probe_of(text: str) -> StackProbe:
    """The page's ``probe=2:28,28`` (layer counted from 1) as the API's (from 0)."""
    layer, _, index = text.partition(":")
    try:
        return StackProbe(layer=int(layer) - 1, index=[int(i) for i in index.split(",")])
    except ValueError:
        raise ConfigError("probe", "not_a_number", field="probe", value=text) from None


def request_of(query: str) -> StackRequest:
    """A ``/stack`` share query (``probe=`` kept, ``lang=`` set apart) as the API's body;
    ``ConfigError`` or ``RequestValidationError`` (a 422 naming the field) when refused."""
    pairs = parse_qsl(query.split("?", 1)[-1], keep_blank_values=True)
    try:
        request = stack_request(urlencode([(k, v) for k, v in pairs if k != "lang"]))
    except ValidationError as exc:
        errors = [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors) from None
    probe_text = dict(pairs).get("probe")
    if probe_text is not None:
        request = request.model_copy(update={"probe": _probe_of(probe_text)})
    return request


def cost(query: str) -> int:
    """What building the page of ``query`` costs, in the capacity lanes' units (about 100
    taps a growth entry: ResNet-18 at 224×224 is 6,692 entries, 0.5 s); 0 when refused
    (it is refused by name, at no cost)."""
    try:
        return 100 * growth_steps(resolve(request_of(query)))
    except Exception:
        return 0


def stack_page_from_query(query: str, lang: str | None = None) -> StackPage:
    """The offline stack page of a ``/stack`` share query (with ``probe=``, ``theme=`` and
    ``lang=``, or ``lang`` given apart); ``ConfigError`` or ``StackRefusal`` names what is
    refused, as the API does.

    >>> stack_page_from_query("input_size=8,8&layer=conv,c2,k3&probe=1:2,3&lang=vi").filename
    'stack-1x8x8-1-layers.html'
    """
    params = dict(parse_qsl(query.split("?", 1)[-1], keep_blank_values=True))
    lang = lang or params.get("lang", LANGUAGE)
    if lang not in languages():
        raise ConfigError("lang", "not_a_choice", value=lang, choices=", ".join(languages()))
    request = request_of(query)
    theme = "dark" if params.get("theme") == "dark" else "light"
    return stack_page(request, lang=lang, theme=theme)
