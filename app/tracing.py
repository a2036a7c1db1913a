"""Turn a ``TraceRequest`` into the JSON of ``TraceResponse``: check, compute, describe.

The one place the web layer meets the arithmetic; routes stay thin.
"""

from math import prod
from typing import Any

import numpy as np

from app import codegen, limits
from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.errors import ConfigError
from app.arithmetic.formulas import formulas
from app.arithmetic.matrix import conv_matrix
from app.arithmetic.trace import Trace, json_numbers, trace
from app.arithmetic.values import resolve_values
from app.query import FlatValues, to_query
from app.schemas import TraceRequest

DEFAULTS = {name: field.default for name, field in TraceRequest.model_fields.items()}


def config_of(request: TraceRequest) -> ConvConfig:
    """Check once, cheapest first: every number against its limit, then the maths, then
    the canvas, output and taps the configuration would make; ``ConfigError`` names the field.
    """
    limits.check_request(request)
    if request.op != "conv":
        raise ConfigError("op", "op_not_available", value=request.op)
    config = build_config(
        input_size=request.input_size,
        kernel_size=request.kernel_size,
        stride=request.stride,
        padding=request.padding,
        dilation=request.dilation,
        output_padding=0 if request.output_padding is None else request.output_padding,
        transposed=request.transposed,
        in_channels=request.in_channels,
        out_channels=request.out_channels,
        groups=request.groups,
    )
    limits.check_config(config)
    return config


def _shape_flat(field: str, flat: FlatValues, shape: tuple[int, ...]) -> list[Any]:
    """Query numbers → nested lists of ``shape``, or a ConfigError saying how many are needed."""
    need = prod(shape)
    dims = "×".join(map(str, shape))
    if len(flat.numbers) != need or flat.row_length != shape[-1]:
        raise ConfigError(
            field, "values_shape", dims=dims, need=need, row=shape[-1],
            count=len(flat.numbers), got_row=flat.row_length,
        )  # fmt: skip
    nested: list[Any] = np.asarray(flat.numbers).reshape(shape).tolist()
    return nested


def compute(
    config: ConvConfig, request: TraceRequest, flat: dict[str, FlatValues] | None = None
) -> tuple[Trace, dict[str, Any]]:
    """The trace of a checked request, and the request's fields with the values it used."""
    given = {"input": request.input, "weight": request.weight}
    shapes = {"input": config.input_shape, "weight": config.weight_shape}
    for field, values in (flat or {}).items():
        given[field] = _shape_flat(field, values, shapes[field])
    x, w, b = resolve_values(
        config,
        input=given["input"],
        weight=given["weight"],
        bias=request.bias,
        fill=request.fill,
        seed=request.seed,
        max_abs=limits.LIMITS.max_abs_value,
    )
    fields = request.model_dump(exclude={"steps"})  # how to answer, not what to trace
    fields.update({k: v for k, v in given.items() if v is not None})
    return trace(config, x, w, b), fields


def run_trace(request: TraceRequest, flat: dict[str, FlatValues] | None = None) -> dict[str, Any]:
    """The whole trace response as plain JSON-ready data."""
    result, fields = compute(config_of(request), request, flat)
    padding_name = request.padding if isinstance(request.padding, str) else None
    query = to_query(fields, DEFAULTS, result.config.ndim)
    body = describe(result, padding_name, query, request)
    if not request.steps:
        del body["steps"]  # axes and channel_taps carry the same taps, factorised
    return body


def run_matrix(request: TraceRequest, flat: dict[str, FlatValues] | None = None) -> dict[str, Any]:
    """The convolution as a matrix (small sizes only)."""
    config = config_of(request)
    limits.check_matrix(config)
    result, fields = compute(config, request, flat)
    matrix, rows, columns = conv_matrix(result)
    return {
        "query": to_query(fields, DEFAULTS, result.config.ndim),
        "matrix": json_numbers(matrix),
        "rows": rows,
        "columns": columns,
        "input": json_numbers(result.input),
        "bias": None if result.bias is None else json_numbers(result.bias),
        "output": json_numbers(result.output),
    }


def describe(
    result: Trace, padding_name: str | None, query: str, request: TraceRequest
) -> dict[str, Any]:
    config = result.config
    padding = [list(p) for p in config.padding]
    return {
        "config": {
            "transposed": config.transposed,
            "input_size": list(config.input_size),
            "kernel_size": list(config.kernel_size),
            "stride": list(config.stride),
            "padding": padding,
            "dilation": list(config.dilation),
            "output_padding": list(config.output_padding),
            "in_channels": config.in_channels,
            "out_channels": config.out_channels,
            "groups": config.groups,
            "seed": request.seed,
            "fill": request.fill,
        },
        "query": query,
        "output_size": list(config.output_size),
        "input": json_numbers(result.input),
        "weight": json_numbers(result.weight),
        "bias": None if result.bias is None else json_numbers(result.bias),
        "output": json_numbers(result.output),
        "padding": padding,
        "canvas": {
            "size": [a.canvas_size for a in config.axes],
            "origin": [a.canvas_origin for a in config.axes],
            "step": [a.canvas_step for a in config.axes],
        },
        "kernel_flipped": config.transposed,
        "steps": result.steps,
        "unused_input": result.unused_input,
        "formulas": formulas(config, padding_name),
        "cost": {
            "params": config.params + (config.out_channels if result.bias is not None else 0),
            "macs": config.macs,
        },
        "code": codegen.snippets(config, result),
    }
