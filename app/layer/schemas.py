"""Pydantic schemas at the HTTP boundary, named by role.

Requests are strict: ``true`` is not a number and ``"3"`` is not a stride.
Ranges and the maths (kernel larger than the padded input…) are checked by
``app.arithmetic.config`` and ``app.limits``, which name the field.
"""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from app.layer.fields import FIELDS
from app.limits import LIMITS

IntOrList = int | list[int]
PaddingField = int | Literal["valid", "same", "full", "causal"] | list[int] | list[list[int]]


MAX_NUMBER = 1e15  # beyond any limit on values; stops a 400-digit integer before numpy


NUMBER_TYPES = {int, float}


def _check_numbers(value: Any, field: str) -> Any:
    """Nested lists of numbers only; a number too large to hold is refused here, by name.

    A body may hold half a million numbers, so each list is checked with C-speed
    built-ins (``map(type, …)``, ``min``, ``max``); ``type(x) is int`` leaves out
    ``True``, which JSON would otherwise let pass as 1.
    """
    lists = [value] if type(value) is list else []
    if not lists and type(value) not in NUMBER_TYPES:
        raise PydanticCustomError("not_numbers", "{field} must hold numbers only", {"field": field})
    numbers = [] if lists else [value]
    while lists:
        items = lists.pop()
        kinds = set(map(type, items))
        if not kinds <= NUMBER_TYPES | {list}:
            raise PydanticCustomError(
                "not_numbers", "{field} must hold numbers only", {"field": field}
            )
        if list in kinds:
            lists.extend(item for item in items if type(item) is list)
            numbers.extend(item for item in items if type(item) is not list)
        elif items:
            numbers.extend((min(items), max(items)))
    if numbers and not -MAX_NUMBER <= min(numbers) <= max(numbers) <= MAX_NUMBER:
        raise PydanticCustomError(
            "number_too_large", "{field} holds a number too large", {"field": field}
        )
    return value


def _subschemas(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """A schema and every schema inside it (union members, list items)."""
    found = [schema]
    for option in schema.get("anyOf", []):
        found += _subschemas(option)
    if isinstance(schema.get("items"), dict):
        found += _subschemas(schema["items"])
    return found


def _document_fields(schema: dict[str, Any]) -> None:
    """The field table's words and bounds in the OpenAPI schema (``/docs``): list lengths,
    and each whole number's minimum and its limit (the 1-D one, the larger)."""
    for name, prop in schema.get("properties", {}).items():
        param = FIELDS.get(name)
        if param is None:
            continue
        prop["description"] = param.valid
        for option in _subschemas(prop):
            if option.get("type") == "array" and param.max_items is not None:
                option.setdefault("maxItems", param.max_items)
            if option.get("type") == "integer":
                if param.minimum is not None:
                    option["minimum"] = param.minimum
                if param.limit is not None:
                    option["maximum"] = getattr(LIMITS, param.limit)


class TraceRequest(BaseModel):
    """A convolution to trace. Every field but ``input_size`` has a default."""

    model_config = ConfigDict(strict=True, extra="forbid", json_schema_extra=_document_fields)

    transposed: bool = False
    input_size: list[int] = Field(
        description="spatial size: [L] (1-D), [H, W] (2-D) or [D, H, W] (3-D)"
    )
    kernel_size: IntOrList = 3
    stride: IntOrList = 1
    padding: PaddingField = 0
    dilation: IntOrList = 1
    output_padding: IntOrList | None = None
    in_channels: int = 1
    out_channels: int = 1
    groups: int = 1
    padding_mode: Literal["zeros", "reflect", "replicate", "circular"] = "zeros"
    op: Literal["conv", "max_pool", "avg_pool"] = "conv"
    ceil_mode: bool = False
    count_include_pad: bool = True
    divisor_override: int | None = Field(
        default=None, description="avg_pool (2-D, 3-D): every window divides by this instead"
    )
    input: list[Any] | str | None = Field(
        default=None, description='[in_channels, *input_size], or "image:<name>" (/api/images)'
    )
    weight: list[Any] | None = Field(
        default=None,
        description="[out_channels, in_channels/groups, *kernel_size] direct, "
        "[in_channels, out_channels/groups, *kernel_size] transposed",
    )
    bias: list[float] | None = None
    grad_output: list[Any] | Literal["random", "ones", "mse"] | None = Field(
        default=None,
        description="dL/dY, [out_channels, *output_size], or random/ones, or mse: "
        "2·(y − target)/N, the gradient of F.mse_loss(y, target)",
    )
    target: list[Any] | Literal["random", "ones", "zeros"] | None = Field(
        default=None,
        description="with grad_output=mse: the loss's target, [out_channels, *output_size], "
        "or random/ones/zeros",
    )
    seed: int = 0
    fill: Literal["random", "ones", "arange"] = "random"
    steps: bool = True
    include: list[Literal["formulas", "code"]] | None = None  # parts built only when asked

    @field_validator("input", "weight", "bias", "grad_output", "target", mode="before")
    @classmethod
    def _numbers(cls, value: Any, info: Any) -> Any:
        if value is not None and not isinstance(value, str):
            _check_numbers(value, info.field_name)
        return value


class Canvas(BaseModel):
    size: list[int]
    origin: list[int]
    step: list[int]
    source: list[list[int | None]] = Field(
        description="per dimension: the input index each canvas coordinate shows (a padding "
        "cell copies one under padding_mode), or null for a zero"
    )


class Formula(BaseModel):
    name: str
    general: str
    substituted: str
    result: str


class Cost(BaseModel):
    params: int
    macs: int


class Step(BaseModel):
    output: list[int] = Field(description="[out_channel, *position]")
    anchor: list[int] = Field(description="canvas coordinate of kernel cell 0")
    taps: list[list[list[int]]] = Field(description="[[input index], [weight index]] pairs")
    value: float


class AxisTapsModel(BaseModel):
    anchor: list[int] = Field(description="per output position: the window's canvas coordinate")
    taps: list[list[list[int]]] = Field(
        description="per output position: [kernel index, input index] of each real input cell"
    )


class GradientsModel(BaseModel):
    output: list[Any] = Field(description="dL/dY, the upstream gradient (output layout)")
    input: list[Any] = Field(description="dL/dX (input layout)")
    weight: list[Any] | None = Field(description="dL/dW (weight layout); null for a pool")
    bias: list[float] | None = Field(description="dL/db; null without bias")
    twin: str | None = Field(
        description="direct convolution: the twin's share query with g as its input (= dL/dX)"
    )
    target: list[Any] | None = Field(
        default=None, description="grad_output=mse: the target t (output layout); else null"
    )
    loss: float | None = Field(
        default=None, description="grad_output=mse: F.mse_loss(y, t) = Σ(y − t)²/N; else null"
    )


class TraceConfig(BaseModel):
    transposed: bool
    input_size: list[int]
    kernel_size: list[int]
    stride: list[int]
    padding: list[list[int]]
    dilation: list[int]
    output_padding: list[int]
    in_channels: int
    out_channels: int
    groups: int
    padding_mode: str
    op: str
    ceil_mode: bool
    count_include_pad: bool
    divisor_override: int | None
    seed: int
    fill: str


class TraceResponse(BaseModel):
    config: TraceConfig
    query: str = Field(description="this configuration as a share-link query string")
    output_size: list[int]
    input: list[Any]
    weight: list[Any]
    bias: list[float] | None
    output: list[Any]
    padding: list[list[int]]
    canvas: Canvas
    kernel_flipped: bool
    steps: list[Step] | None = Field(default=None, description="left out when steps=false")
    axes: list[AxisTapsModel] = Field(description="per spatial dimension")
    channel_taps: list[list[list[int]]] = Field(
        description="per output channel: [c, w0, w1] for each input channel it reads"
    )
    overlap: list[Any] = Field(description="real input cells under each output cell's window")
    divisor: list[Any] | None = Field(
        default=None,
        description="avg_pool: what each output cell divides its sum by (PyTorch's rule: "
        "count_include_pad, ceil_mode, or divisor_override), shaped like output_size",
    )
    unused_input: list[list[int]]
    twin: str = Field(description="share query of the twin (transposed ↔ direct)")
    formulas: list[Formula] | None = Field(default=None, description="only with include=formulas")
    cost: Cost
    code: dict[str, str] | None = Field(default=None, description="only with include=code")
    grad: GradientsModel | None = Field(default=None, description="when grad_output is given")


class MatrixResponse(BaseModel):
    query: str
    matrix: list[list[float]] = Field(description="output.flatten() = matrix @ input.flatten()")
    rows: list[list[int]] = Field(description="each row's output index, channel first")
    columns: list[list[int]] = Field(description="each column's input index, channel first")
    input: list[Any]
    bias: list[float] | None
    output: list[Any]


class Im2colMemory(BaseModel):
    input_cells: int
    matrix_cells: int = Field(description="cells of the patch matrix (transposed: the product)")


class Im2colResponse(BaseModel):
    query: str
    transposed: bool
    weight_matrix: list[list[float]] = Field(
        description="direct: out × (in·Πk), zero outside a group's block; transposed: (out·Πk) × in"
    )
    input_matrix: list[list[float]] = Field(
        description="direct: F.unfold(x), rows (c, *k), columns the windows in output order; "
        "transposed: x flattened, in × Πi"
    )
    product: list[list[float]] = Field(description="weight_matrix @ input_matrix")
    rows: list[list[int]] = Field(description="the product's rows: [o] or, transposed, [o, *k]")
    columns: list[list[int]] = Field(
        description="the product's columns: output positions or, transposed, input positions"
    )
    inner: list[list[int]] = Field(description="the shared dimension: [c, *k] or, transposed, [c]")
    input: list[Any]
    bias: list[float] | None
    output: list[Any] = Field(
        description="the product plus bias, reshaped; transposed: F.fold of the product over "
        "full_size, cropped by padding, output_padding added, plus bias"
    )
    output_size: list[int]
    full_size: list[int] | None
    padding: list[list[int]]
    memory: Im2colMemory


class ErrorItem(BaseModel):
    loc: list[str | int] = Field(description="where: body or query, then the field")
    msg: str = Field(description="the English sentence, rendered from the catalogue")
    msg_local: str | None = Field(
        default=None, description="the same sentence in the request's ?lang= (only then)"
    )
    type: str = Field(description="a stable code per kind of mistake (docs/api.md)")
    ctx: dict[str, Any] = Field(default_factory=dict, description="the numbers of the message")


class ErrorResponse(BaseModel):
    detail: list[ErrorItem]
