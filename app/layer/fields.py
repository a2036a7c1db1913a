"""One table of the parameters ConvScope reads: the trace fields and the page's own.

Each entry says how a parameter is written in a query (its ``kind``), its default,
whether it takes one value per spatial dimension, its choices, and how the page's
form shows it. The table feeds the request schema's documentation
(``app.layer.schemas``), the query parser (``app.layer.query``), the error messages
(``app.api.errors``: "``{field}`` must be ``{valid}``") and the page's form
(``templates/index.html``). The words themselves, what a valid value looks like
and the form's hint, live in the message catalogue under ``valid.<name>`` and
``hint.<name>`` (``static/i18n/en/fields.json``), so they can be translated.

>>> FIELDS["stride"].kind, FIELDS["stride"].default, FIELDS["stride"].per_dimension
('ints', 1, True)
>>> FIELDS["padding"].valid  # doctest: +ELLIPSIS
'a whole number like 1, one per dimension like 1,2, before:after pairs like 0:1,1:2, or ...'
"""

from dataclasses import dataclass
from typing import Any, Literal

from app.i18n.messages import t

Kind = Literal[
    "bool", "sizes", "ints", "int", "padding", "values", "number", "numbers", "choice", "names",
    "text",
]  # fmt: skip
Form = Literal["check", "text", "area", "select", "none"]


@dataclass(frozen=True)
class Param:
    """One query parameter: how it is written, its default, and how the form shows it."""

    name: str
    kind: Kind
    default: Any = None
    per_dimension: bool = False
    choices: tuple[str, ...] = ()
    form: Form = "text"
    max_items: int | None = None  # the longest list the schema documents
    minimum: int | None = None  # the smallest whole number, when there is one
    limit: str | None = None  # the largest: the name of a limit (``app.limits``), 1-D's
    prefixes: tuple[str, ...] = ()  # names with an argument, like ``image:<name>``
    # the form shows the field only when another has this value (``op=avg_pool``)
    shown_when: tuple[str, str] | None = None

    @property
    def valid(self) -> str:
        """What a valid value looks like, in a student's words (from the catalogue)."""
        return t(f"valid.{self.name}")

    @property
    def hint(self) -> str:
        """The form's placeholder (from the catalogue)."""
        return t(f"hint.{self.name}")


# The trace fields (SPEC.md, "API contract"), in the order the form shows them.
TRACE_FIELDS: tuple[Param, ...] = (
    Param("transposed", "bool", False, form="check"),
    Param("input_size", "sizes", None, max_items=3, minimum=1, limit="max_spatial_size_1d"),
    Param("kernel_size", "ints", 3, per_dimension=True, max_items=3, minimum=1,
          limit="max_kernel_size"),
    Param("stride", "ints", 1, per_dimension=True, max_items=3, minimum=1, limit="max_stride"),
    Param("padding", "padding", 0, per_dimension=True, choices=("valid", "same", "full", "causal"),
          max_items=3, minimum=0, limit="max_padding_1d"),
    Param("dilation", "ints", 1, per_dimension=True, max_items=3, minimum=1,
          limit="max_dilation"),
    Param("output_padding", "ints", None, per_dimension=True, max_items=3, minimum=0,
          limit="max_padding_1d"),
    Param("in_channels", "int", 1, minimum=1, limit="max_channels"),
    Param("out_channels", "int", 1, minimum=1, limit="max_channels"),
    Param("groups", "int", 1, minimum=1, limit="max_channels"),
    Param("padding_mode", "choice", "zeros", choices=("zeros", "reflect", "replicate", "circular"),
          form="select"),
    Param("op", "choice", "conv", choices=("conv", "max_pool", "avg_pool"), form="select"),
    Param("ceil_mode", "bool", False, form="check"),
    Param("count_include_pad", "bool", True, form="check", shown_when=("op", "avg_pool")),
    Param("divisor_override", "int", None, limit="max_divisor_override",
          shown_when=("op", "avg_pool")),
    Param("input", "values", None, form="area", prefixes=("image:",)),
    Param("weight", "values", None, form="area"),
    Param("bias", "numbers", None, max_items=64),
    Param("grad_output", "values", None, choices=("random", "ones", "mse"), form="area"),
    Param("target", "values", None, choices=("random", "ones", "zeros"), form="area",
          shown_when=("grad_output", "mse")),
    Param("seed", "int", 0, minimum=0, limit="max_seed"),
    Param("fill", "choice", "random", choices=("random", "ones", "arange"), form="select"),
    Param("steps", "bool", True, form="none"),
    Param("include", "names", None, choices=("formulas", "code"), form="none"),
)  # fmt: skip

# The page's own parameters (``/`` and ``/embed``): never sent to the trace.
PAGE_PARAMS: tuple[Param, ...] = (
    Param("step", "int", 1),  # the number the page shows: "Step 5 of 9" is step=5
    Param("speed", "number", 1),
    Param(
        "view",
        "choice",
        "canvas",
        choices=("canvas", "scatter", "matrix", "overlap", "im2col", "gradients", "picture"),
    ),
    Param("autoplay", "bool", False),
    Param("controls", "bool", True),
    Param("theme", "choice", "light", choices=("light", "dark")),
    Param("tour", "text", None),
    Param("stop", "int", 1),
    Param("compare", "text", None),
    Param("present", "bool", False),
)

# The pictures' own parameters (``/api/render.*``).
PICTURE_PARAMS: tuple[Param, ...] = (
    Param("step", "int", 1),  # counted from 1, as the page shows it
    Param("fps", "int", 2),
    Param("theme", "choice", "light", choices=("light", "dark")),
    Param(
        "view",
        "choice",
        "canvas",
        choices=(
            "canvas",
            "scatter",
            "matrix",
            "overlap",
            "im2col",
            "gradients",
            "picture",
            "volume",
        ),
    ),
    # a GIF of some steps only (counted from 1, both included): what fits its limits
    Param("first", "int", 1),
    Param("last", "int", None),
)

FIELDS: dict[str, Param] = {p.name: p for p in TRACE_FIELDS}
PAGE: dict[str, Param] = {p.name: p for p in PAGE_PARAMS}
PICTURE: dict[str, Param] = {p.name: p for p in PICTURE_PARAMS}
FIELD_NAMES: tuple[str, ...] = tuple(FIELDS)
# How the API answers, not what it traces: ``steps=0`` leaves out the per-step list,
# ``include=formulas,code`` adds the parts built only when asked for.
ANSWER_FIELDS = ("steps", "include")
# What a share link (page, embed, picture) may carry: the configuration only.
LINK_FIELDS: tuple[str, ...] = tuple(name for name in FIELDS if name not in ANSWER_FIELDS)


def query_parameters() -> list[dict[str, Any]]:
    """The trace fields as OpenAPI query parameters, for the docs of the GET routes (the
    routes themselves read the query once, with ``app.layer.query``, not parameter by parameter).
    """
    return [
        {
            "name": p.name,
            "in": "query",
            "required": p.name == "input_size",
            "schema": {"type": "string"},
            "description": p.valid,
        }
        for p in TRACE_FIELDS
    ]


def form_fields() -> list[dict[str, Any]]:
    """The page form's rows: name, control, hint, choices (the template's context)."""
    return [
        {
            "name": p.name,
            "form": p.form,
            "hint": p.hint,
            "choices": p.choices,
            "default": p.default,
            "shown_when": p.shown_when,
        }
        for p in TRACE_FIELDS
        if p.form != "none"
    ]
