"""The offline page: one HTML file holding a diagram, its trace, the page's modules, styles
and fonts, that works from ``file://`` with no server (SPEC.md, "Notebook, command line,
offline page").

The diagram is the page's own (``static/js/viewer.js`` and the views, through
``static/js/offline/offline.js``), inlined by ``app.offline.bundle``; the trace is the API's
JSON, as ``/embed`` embeds it; what a view would fetch (the matrix) is computed here and
embedded too. ``GET /api/render.html?<query>``, ``convscope render --format html`` and
``convscope.show`` all come through ``offline_page``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from math import prod
from typing import Any

import orjson
from jinja2 import Environment, FileSystemLoader, select_autoescape

from app import __version__
from app.arithmetic.errors import ConfigError
from app.i18n.messages import I18N_DIR, LANGUAGE, catalogue, t
from app.i18n.used import used
from app.layer.fields import LINK_FIELDS, PAGE, PICTURE
from app.layer.query import FlatValues, Pairs, parse_param, request_from_query, single
from app.layer.schemas import TraceRequest
from app.layer.tracing import config_of, run_matrix, run_trace
from app.limits import LIMITS, check_picture
from app.offline.bundle import bundle, stylesheet
from app.offline.views import left_out, offered
from app.render import filename, step_count
from app.web.paths import TEMPLATES_DIR

ENTRY = "js/offline/offline.js"
STYLESHEETS = ("css/convscope.css", "css/views.css", "css/offline.css")
# What the page's first paint and the notebook keep, but the diagram never reads: left out of
# the file (the PyTorch and Keras snippets repeat the input and weight: a third of a large trace).
NOT_DRAWN = ("code",)
# The matrix view's data is embedded up to this many entries (a 16×16 → 14×14 layer would
# add ~100 kB for one view); above it the file stays small and the view says it cannot show.
MATRIX_ENTRIES = 4096
OWN: dict[str, Callable[[str], Any]] = {
    "view": lambda text: parse_param(PICTURE["view"], text),
    "step": lambda text: parse_param(PAGE["step"], text),
    "speed": lambda text: parse_param(PAGE["speed"], text),
    "autoplay": lambda text: parse_param(PAGE["autoplay"], text),
    "theme": lambda text: parse_param(PAGE["theme"], text),
    "lang": str,
}
_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=select_autoescape(["html"])
)


def languages() -> tuple[str, ...]:
    """The languages with a catalogue under ``static/i18n/``."""
    return tuple(sorted(p.name for p in I18N_DIR.iterdir() if p.is_dir()))


@dataclass(frozen=True)
class Options:
    """How the offline page opens: the view, the step, the player's speed, colours, language."""

    view: str = "canvas"
    step: int = 1  # counted from 1, the number the page shows ("Step 1 of 9")
    speed: float = 1
    autoplay: bool = False
    theme: str = "light"
    lang: str = LANGUAGE

    def check(self, steps: int, pooling: bool) -> None:
        """Refuse, by name, what the page could not show (as the pictures do)."""
        if self.view not in PICTURE["view"].choices:
            choices = ", ".join(PICTURE["view"].choices)
            raise ConfigError("view", "not_a_choice", value=self.view, choices=choices)
        if pooling and self.view in ("scatter", "matrix"):  # no kernel to draw
            raise ConfigError("view", "view_needs_weights", value=self.view, op="pool")
        if self.lang not in languages():
            choices = ", ".join(languages())
            raise ConfigError("lang", "not_a_choice", value=self.lang, choices=choices)
        if self.theme not in PAGE["theme"].choices:
            raise ConfigError("theme", "not_a_choice", value=self.theme, choices="light, dark")
        if not 0 < self.speed <= LIMITS.max_speed:
            raise ConfigError("speed", "value_out_of_range", minimum="0",
                              maximum=LIMITS.max_speed, value=self.speed)  # fmt: skip
        check_picture(steps, step=self.step)


@dataclass(frozen=True)
class OfflinePage:
    """The file's text, the name to save it under, and the trace it shows (the API's JSON)."""

    html: str
    filename: str
    trace: dict[str, Any]


def _script_json(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">`` (no ``</script>`` breakout)."""
    text = orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _sizes(values: list[int]) -> str:
    return "×".join(map(str, values))


def title(trace: dict[str, Any], lang: str = LANGUAGE) -> str:
    """``Convolution: 5×5 input, 3×3 kernel → 3×3 output`` in ``lang``.

    >>> title({"config": {"transposed": True, "input_size": [3, 3], "kernel_size": [3, 3]},
    ...        "output_size": [5, 5], "weight": [[[[1]]]]})
    'Transposed convolution: 3×3 input, 3×3 kernel → 5×5 output'
    """
    config = trace["config"]
    layer = "transposed" if config["transposed"] else "conv"
    if trace["weight"] is None:
        layer = config.get("op", "pool")
    return t(
        "offline.title",
        language=lang,
        layer=t(f"offline.layer.{layer}", language=lang),
        input=_sizes(config["input_size"]),
        kernel=_sizes(config["kernel_size"]),
        output=_sizes(trace["output_size"]),
    )


def _embedded(request: TraceRequest, flat: dict[str, FlatValues] | None, query: str,
              entries: int) -> dict[str, Any]:  # fmt: skip
    """What the views would fetch, answered ahead: ``{"/api/matrix?<query>": …}``."""
    if entries > MATRIX_ENTRIES:
        return {}
    try:
        return {f"/api/matrix?{query}": run_matrix(request, flat)}
    except ConfigError:
        return {}


def _carries(request: TraceRequest, trace: dict[str, Any], data: dict[str, Any]) -> frozenset[str]:
    """What the file carries besides the trace, that a view reads (``reads`` in views.json):
    the matrix when embedded, the gradients when traced, a picture when the input is one (a
    photograph, or larger than the cell views draw)."""
    picture = (isinstance(request.input, str) and request.input.startswith("image:")) or any(
        size > LIMITS.max_spatial_size_2d for size in trace["config"]["input_size"]
    )
    kinds = {
        "matrix": any(key.startswith("/api/matrix?") for key in data),
        "grad": trace.get("grad") is not None,
        "picture": picture,
    }
    return frozenset(kind for kind, carried in kinds.items() if carried)


def offline_page(
    request: TraceRequest, flat: dict[str, FlatValues] | None = None, options: Options = Options()
) -> OfflinePage:
    """The offline page of a checked trace request; ``ConfigError`` names a refused field."""
    config = config_of(request)
    options.check(step_count(config, options.view), config.pooling)
    trace = run_trace(request.model_copy(update={"steps": False}), flat)
    lang = options.lang
    entries = (
        config.out_channels
        * prod(config.output_size)
        * config.in_channels
        * prod(config.input_size)
    )
    data = {} if config.pooling else _embedded(request, flat, trace["query"], entries)
    page = {"view": options.view, "step": str(options.step), "speed": str(options.speed),
            "autoplay": "1" if options.autoplay else "0"}  # fmt: skip
    views = offered(trace, _carries(request, trace, data), options.view)
    built = bundle(ENTRY, leave_out=left_out(views))
    heading = title({**trace, "config": {**trace["config"], "op": config.op}}, lang)
    # the messages the carried modules name (app/i18n/used.py), and the chooser's labels
    words = used(catalogue(lang), built.text(), keys=[f"view.{name}" for name in views])
    html = _env.get_template("offline.html").render(
        t=partial(t, language=lang),
        lang=lang,
        theme=options.theme,
        title=heading,
        description=heading,
        version=__version__,
        query=trace["query"],
        messages=[],
        controls=True,
        inline_styles=[stylesheet(path, lang=lang) for path in STYLESHEETS],
        importmap=built.importmap(),
        entry=built.entry,
        initial=_script_json(
            {
                "fields": {},
                "page": page,
                "messages": [],
                "catalogue": words,
                "data": data,
                "views": views,
                "trace": {k: v for k, v in trace.items() if k not in NOT_DRAWN},
            }
        ),
    )
    padding = request.padding if isinstance(request.padding, str) else None
    name = filename(config, "html", options.view, None, padding)
    return OfflinePage(html, name, trace)


def options_of(params: dict[str, str]) -> Options:
    """The page's own parameters, read as the page and the pictures read them."""
    own = {name: OWN[name](text) for name, text in params.items()}
    return Options(**own)


def offline_from_query(pairs: Pairs) -> OfflinePage:
    """The offline page of a share query plus ``view``, ``step``, ``speed``, ``autoplay``,
    ``theme`` and ``lang``; every parameter checked by name, as the API does.

    >>> offline_from_query({"input_size": "5,5", "stride": "2", "padding": "1"}).filename
    'conv2d-5x5-k3-s2-p1.html'
    """
    params = single(pairs, [*LINK_FIELDS, *OWN])
    own = {name: params.pop(name) for name in list(params) if name in OWN}
    options = options_of(own)
    request, flat = request_from_query(params)
    return offline_page(request, flat, options)
