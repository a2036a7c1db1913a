"""Turn a ``TraceRequest`` into the JSON of ``TraceResponse``: check, compute, describe.

The one place the web layer meets the arithmetic; routes stay thin.
"""

from math import prod
from typing import Any

import numpy as np

from app import codegen, limits
from app.api.query import FlatValues, to_query
from app.arithmetic.config import ConvConfig, build_config, per_dimension
from app.arithmetic.errors import ConfigError
from app.arithmetic.formulas import formulas
from app.arithmetic.matrix import conv_matrix
from app.arithmetic.trace import Trace, json_numbers, trace
from app.arithmetic.values import resolve_values
from app.schemas import TraceRequest

DEFAULTS = {name: field.default for name, field in TraceRequest.model_fields.items()}


def config_of(request: TraceRequest) -> ConvConfig:
    """Check limits first (cheap), then the maths; raise ``ConfigError`` naming the field."""
    ndim = len(request.input_size)
    limits.check_dimensions(ndim)
    if not 0 <= request.seed <= limits.LIMITS.max_seed:
        raise ConfigError("seed", f"seed must be between 0 and {limits.LIMITS.max_seed}")
    limits.check_request(
        per_dimension("input_size", request.input_size, ndim, 1),
        per_dimension("kernel_size", request.kernel_size, ndim, 1),
        per_dimension("stride", request.stride, ndim, 1),
        per_dimension("dilation", request.dilation, ndim, 1),
        {
            "in_channels": request.in_channels,
            "out_channels": request.out_channels,
            "groups": request.groups,
        },
    )
    config = build_config(
        input_size=request.input_size,
        kernel_size=request.kernel_size,
        stride=request.stride,
        padding=request.padding,
        dilation=request.dilation,
        output_padding=request.output_padding,
        transposed=request.transposed,
        in_channels=request.in_channels,
        out_channels=request.out_channels,
        groups=request.groups,
    )
    limits.check_trace(config)
    return config


def _shape_flat(field: str, flat: FlatValues, shape: tuple[int, ...]) -> list[Any]:
    """Query numbers → nested lists of ``shape``, or a ConfigError saying how many are needed."""
    need = prod(shape)
    dims = "×".join(map(str, shape))
    if len(flat.numbers) != need or flat.row_length != shape[-1]:
        raise ConfigError(
            field,
            f"{field} needs {dims} = {need} numbers in rows of {shape[-1]} (',' between numbers, "
            f"';' between rows, '|' between channels); got {len(flat.numbers)} in rows of "
            f"{flat.row_length}",
        )
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
    fields = request.model_dump()
    fields.update({k: v for k, v in given.items() if v is not None})
    return trace(config, x, w, b), fields


def run_trace(request: TraceRequest, flat: dict[str, FlatValues] | None = None) -> dict[str, Any]:
    """The whole trace response as plain JSON-ready data."""
    result, fields = compute(config_of(request), request, flat)
    query = to_query(fields, DEFAULTS, result.config.ndim)
    return describe(result, query, request)


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


def describe(result: Trace, query: str, request: TraceRequest) -> dict[str, Any]:
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
        "formulas": formulas(config),
        "cost": {
            "params": config.params + (config.out_channels if result.bias is not None else 0),
            "macs": config.macs,
        },
        "code": codegen.snippets(config, result),
    }
