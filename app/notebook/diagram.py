"""``convscope.show`` and ``convscope.trace``: a layer's diagram in a notebook, no server.

``show`` reads its argument (a share query, keyword fields, or a PyTorch or Keras layer, see
``app.notebook.layers``) into one ``TraceRequest``, and the ``Diagram`` it returns carries the
API's JSON (``.trace``) and the offline page (``app.offline``): ``_repr_html_`` puts that
page in an ``<iframe srcdoc>`` (its own document, so its import map and styles never meet the
notebook's; JupyterLab, Notebook 7, VS Code and Colab show it, and ``jupyter nbconvert --to
html`` keeps it, still playing), ``.save(path)`` writes it as a file.
"""

import html
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.arithmetic.errors import ConfigError
from app.layer.query import FlatValues, parse_query
from app.layer.schemas import TraceRequest
from app.layer.tracing import run_trace
from app.notebook.errors import refusal
from app.notebook.layers import framework, layer_fields
from app.offline import OfflinePage, Options, offline_page

FRAME_HEIGHT = 640  # the frame grows to the diagram where the notebook lets it (offline.js)


def _plain(value: Any) -> Any:
    """Tuples and numpy numbers as the lists and numbers a strict request takes."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def request_of(
    query: str | None = None, fields: dict[str, Any] | None = None
) -> tuple[TraceRequest, dict[str, FlatValues]]:
    """A checked ``TraceRequest`` from a share query and/or keyword fields (keywords win);
    refused as ``ConvScopeError`` naming the field, as the API's 422 does."""
    try:
        given, flat = parse_query(parse_qsl(query or "", keep_blank_values=True))
        extra = {name: _plain(value) for name, value in (fields or {}).items()}
        flat = {name: values for name, values in flat.items() if name not in extra}
        return TraceRequest.model_validate({**given, **extra}), flat
    except (ConfigError, RequestValidationError, ValidationError) as exc:
        raise refusal(exc) from None


def trace(query: str | None = None, **fields: Any) -> dict[str, Any]:
    """The API's JSON for a share query and/or fields, as a dict (``GET /api/trace``).

    >>> trace("input_size=5,5&stride=2&padding=1")["output_size"]
    [3, 3]
    >>> trace(input_size=[2, 2], kernel_size=3, stride=2, padding="same", transposed=True,
    ...       input=[[1, 2], [3, 4]], fill="ones")["output"]
    [[[1, 1, 3, 2], [1, 1, 3, 2], [4, 4, 10, 6], [3, 3, 7, 4]]]
    """
    request, flat = request_of(query, fields)
    try:
        return run_trace(request, flat)
    except ConfigError as exc:
        raise refusal(exc) from None


class Diagram:
    """One layer's diagram: ``.trace`` (the API's JSON), ``.html`` (the offline page),
    ``_repr_html_`` (that page in a frame) and ``.save(path)``."""

    def __init__(self, page: OfflinePage) -> None:
        self.page = page
        self.trace: dict[str, Any] = page.trace
        self.html: str = page.html
        self.filename: str = page.filename

    @property
    def query(self) -> str:
        """The share query (``/?<query>`` on a ConvScope server shows the same diagram)."""
        query: str = self.trace["query"]
        return query

    @property
    def output(self) -> Any:
        """The output values, PyTorch's unbatched layout."""
        return self.trace["output"]

    def _repr_html_(self) -> str:
        source = html.escape(self.html, quote=True)
        title = html.escape(f"ConvScope: {self.query}", quote=True)
        return (
            f'<iframe srcdoc="{source}" title="{title}" class="convscope-diagram" '
            f'style="width:100%;height:{FRAME_HEIGHT}px;border:0" loading="eager" '
            f"allowfullscreen></iframe>"
        )

    def save(self, path: str | Path) -> Path:
        """Write the offline page; a folder gets the configuration's name
        (``conv2d-5x5-k3-s2-p1.html``)."""
        target = Path(path)
        if target.is_dir():
            target = target / self.filename
        target.write_text(self.html, encoding="utf-8")
        return target

    def __repr__(self) -> str:
        return f"<convscope.Diagram {self.query}>"


def show(
    obj: Any = None,
    /,
    *,
    input_size: Any = None,
    view: str = "canvas",
    step: int = 0,
    weights: bool = False,
    x: Any = None,
    lang: str | None = None,
    **fields: Any,
) -> Diagram:
    """The diagram of a share query, of keyword fields, or of a PyTorch/Keras layer, opened
    at ``step``: the number the page shows ("Step 5 of 9" is 5); 0, the default, is the first.

    >>> d = show("input_size=5,5&stride=2&padding=1", view="overlap")
    >>> d.trace["output_size"], d.filename
    ([3, 3], 'conv2d-5x5-k3-s2-p1-overlap.html')
    >>> show(input_size=(5, 5), stride=0)
    Traceback (most recent call last):
    ...
    app.notebook.errors.ConvScopeError: stride: stride must be at least 1 (got 0)
    """
    query: str | None = None
    given: dict[str, Any] = {}
    if isinstance(obj, str):
        pairs = parse_qsl(obj.lstrip("?"), keep_blank_values=True)
        page = {name: text for name, text in pairs if name in ("view", "step")}
        view = page.get("view", view) if view == "canvas" else view
        step = int(page["step"]) if "step" in page and step == 0 and page["step"].isdigit() \
            else step  # fmt: skip
        query = "&".join(f"{k}={v}" for k, v in pairs if k not in ("view", "step"))
    elif obj is not None:
        try:
            if framework(obj) is None:
                raise ConfigError("obj", "not_a_layer", value=type(obj).__name__)
            given = layer_fields(obj, weights=weights, x=x)
        except ConfigError as exc:
            raise refusal(exc) from None
    elif x is not None:
        raise refusal(ConfigError("x", "wrong_type", value="x without a layer"))
    if input_size is not None:
        given["input_size"] = [input_size] if isinstance(input_size, int) else list(input_size)
    given.update(fields)
    request, flat = request_of(query, given)
    options = Options(view=view, step=step or 1, lang=lang or "en")
    try:
        return Diagram(offline_page(request, flat, options))
    except ConfigError as exc:
        raise refusal(exc) from None
