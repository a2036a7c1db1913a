"""Turn a ``TraceRequest`` into the JSON of ``TraceResponse``: check, compute, describe.

The one place the web layer meets the arithmetic; routes stay thin.
"""

from math import prod
from typing import Any

import numpy as np
import orjson

from app import limits
from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.errors import ConfigError
from app.arithmetic.formulas import formulas
from app.arithmetic.gradients import Gradients, MseLoss, backward, mse_loss
from app.arithmetic.im2col import full_size, im2col, patch_cost
from app.arithmetic.matrix import conv_matrix
from app.arithmetic.pictures import picture_input
from app.arithmetic.trace import Trace, pool_divisor, trace, whole_or_float
from app.arithmetic.values import (
    INPUT_RANGE,
    WEIGHT_RANGE,
    resolve_gradient,
    resolve_target,
    resolve_values,
)
from app.i18n.formulas import localized
from app.layer import codegen
from app.layer.fields import ANSWER_FIELDS
from app.layer.query import FlatValues, to_query
from app.layer.schemas import TraceRequest
from app.layer.steps_json import steps_json
from app.pictures import catalogue

DEFAULTS = {name: field.default for name, field in TraceRequest.model_fields.items()}


def config_of(request: TraceRequest) -> ConvConfig:
    """Check once, cheapest first: every number against its limit, then the maths, then
    the canvas, output and taps the configuration would make; ``ConfigError`` names the field.
    """
    bound = limits.LIMITS
    if isinstance(request.input, str) and not request.steps:
        bound = limits.for_picture(bound)  # a picture drawn as an image, not cell by cell
    limits.check_request(request, bound)
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
        op=request.op,
        padding_mode=request.padding_mode,
        ceil_mode=request.ceil_mode,
        count_include_pad=request.count_include_pad,
        divisor_override=request.divisor_override,
    )
    limits.check_config(config, bound)
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
    given = {
        "input": request.input,
        "weight": request.weight,
        "grad_output": request.grad_output,
        "target": request.target,
    }
    shapes = {
        "input": config.input_shape,
        "weight": config.weight_shape,
        "grad_output": config.output_shape,
        "target": config.output_shape,
    }
    if (request.grad_output == "mse") != (request.target is not None or "target" in (flat or {})):
        # a target is what grad_output=mse computes g from, and nothing else uses one
        raise ConfigError(
            "target", "target_missing" if request.grad_output == "mse" else "target_without_mse"
        )
    for field, values in (flat or {}).items():
        given[field] = _shape_flat(field, values, shapes[field])
    x_given: Any = given["input"]
    if isinstance(x_given, str):  # image:<name>, resized to input_size (SPEC.md, "Pictures")
        pixels = catalogue.pixels(catalogue.image_name("input", x_given))
        x_given = picture_input(pixels, config.input_size, config.in_channels)
    x, w, b = resolve_values(
        config,
        input=x_given,
        weight=given["weight"],
        bias=request.bias,
        fill=request.fill,
        seed=request.seed,
        max_abs=limits.LIMITS.max_abs_value,
    )
    _check_gradient_fields(config, given, request.seed)
    fields = request.model_dump(exclude=set(ANSWER_FIELDS))  # how to answer, not what to trace
    fields.update({k: v for k, v in given.items() if v is not None})
    return trace(config, x, w, b), fields


def _check_gradient_fields(config: ConvConfig, given: dict[str, Any], seed: int) -> None:
    """Refuse a bad ``grad_output`` or ``target`` in every answer that carries the share query
    (the matrix and im2col too, which compute no gradient), not only where g is used."""
    bound = limits.LIMITS.max_abs_value
    if given["grad_output"] == "mse":
        resolve_target(config, given["target"], seed, bound)
    elif given["grad_output"] is not None:
        resolve_gradient(config, given["grad_output"], seed, bound)


def gradients_of(
    result: Trace, request: TraceRequest, fields: dict[str, Any]
) -> tuple[Gradients, MseLoss | None] | None:
    """The backward pass for the request's ``grad_output`` (the shaped values in ``fields``),
    with the squared-error loss it came from (``grad_output=mse``), or None when not given."""
    given = fields.get("grad_output")
    if given is None:
        return None
    bound = limits.LIMITS.max_abs_value
    if given == "mse":
        target = resolve_target(result.config, fields["target"], request.seed, bound)
        mse = mse_loss(result.output, target)
        return backward(result, mse.grad), mse
    g = resolve_gradient(result.config, given, request.seed, bound)
    return backward(result, g), None


def trace_body(request: TraceRequest, flat: dict[str, FlatValues] | None = None) -> dict[str, Any]:
    """The trace response, ready for orjson: numpy arrays as they are, and the per-step
    list (when asked for) already written as JSON (``app/layer/steps_json.py``)."""
    result, fields = compute(config_of(request), request, flat)
    ndim = result.config.ndim
    query = to_query(fields, DEFAULTS, ndim)
    code = "code" in (request.include or ())
    generated = _generated(result, fields) if code else None
    body = describe(result, query, _twin_query(result, fields), request, generated)
    found = gradients_of(result, request, fields)
    if found is not None:
        grads, mse = found
        body["grad"] = {
            "output": whole_or_float(grads.output),
            "input": whole_or_float(grads.input),
            "weight": None if grads.weight is None else whole_or_float(grads.weight),
            "bias": None if grads.bias is None else whole_or_float(grads.bias),
            # A direct convolution's input gradient is its twin run on g (same weight).
            "twin": None
            if result.config.transposed or result.config.pooling
            else _twin_query(result, fields, grads.output.tolist()),
            "target": None if mse is None else whole_or_float(mse.target),
            "loss": None if mse is None else mse.loss,
        }
    return body


def _generated(result: Trace, fields: dict[str, Any]) -> codegen.Generated:
    """The code that generates each tensor the request did not give (for the snippets)."""
    config = result.config
    made = {"input": (0, INPUT_RANGE, config.input_shape)}
    if not config.pooling:
        made["weight"] = (1, WEIGHT_RANGE, config.weight_shape)
    return {
        name: codegen.generator(fields["fill"], fields["seed"], stream, *bounds, shape)
        for name, (stream, bounds, shape) in made.items()
        if fields.get(name) is None
    }


def trace_json(request: TraceRequest, flat: dict[str, FlatValues] | None = None) -> bytes:
    """The trace response as JSON bytes (what ``/api/trace`` sends)."""
    return encode(trace_body(request, flat))


def encode(body: Any) -> bytes:
    """JSON bytes of a response body that may hold numpy arrays and orjson fragments."""
    return orjson.dumps(body, option=orjson.OPT_SERIALIZE_NUMPY)


def run_trace(request: TraceRequest, flat: dict[str, FlatValues] | None = None) -> dict[str, Any]:
    """The whole trace response as plain data: exactly what the API sends, decoded."""
    body: dict[str, Any] = orjson.loads(trace_json(request, flat))
    return body


def run_matrix(request: TraceRequest, flat: dict[str, FlatValues] | None = None) -> dict[str, Any]:
    """The convolution as a matrix (small sizes only). Max pooling has none: the maximum of
    a window is not a weighted sum of it, so no matrix C gives ``y = C·x`` (refused by name);
    average pooling's matrix holds ``1/divisor`` where a window reads."""
    config = config_of(request)
    if config.op == "max_pool":
        raise ConfigError("op", "matrix_not_linear", value=config.op)
    limits.check_matrix(config)
    result, fields = compute(config, request, flat)
    matrix, rows, columns = conv_matrix(result)
    return {
        "query": to_query(fields, DEFAULTS, result.config.ndim),
        "matrix": whole_or_float(matrix),
        "rows": rows,
        "columns": columns,
        "input": whole_or_float(result.input),
        "bias": None if result.bias is None else whole_or_float(result.bias),
        "output": whole_or_float(result.output),
    }


def run_im2col(request: TraceRequest, flat: dict[str, FlatValues] | None = None) -> dict[str, Any]:
    """The convolution as one dense matrix product (im2col, small sizes only; not a pool)."""
    config = config_of(request)
    if config.pooling:
        raise ConfigError("op", "im2col_pool", op=config.op)
    limits.check_im2col(config)
    result, fields = compute(config, request, flat)
    fields.pop("steps", None)
    gemm = im2col(result)
    return {
        "query": to_query(fields, DEFAULTS, config.ndim),
        "transposed": config.transposed,
        "weight_matrix": whole_or_float(gemm.weight_matrix),
        "input_matrix": whole_or_float(gemm.input_matrix),
        "product": whole_or_float(gemm.product),
        "rows": gemm.rows,
        "columns": gemm.columns,
        "inner": gemm.inner,
        "input": whole_or_float(result.input),
        "bias": None if result.bias is None else whole_or_float(result.bias),
        "output": whole_or_float(gemm.output),
        "output_size": list(config.output_size),
        "full_size": list(full_size(config)) if config.transposed else None,
        "padding": [list(p) for p in config.padding],
        "memory": patch_cost(config),
    }


def _compact(values: tuple[int, ...]) -> int | list[int]:
    """One number when every dimension has the same, as a person would write it."""
    return values[0] if len(set(values)) == 1 else list(values)


def _twin_query(result: Trace, fields: dict[str, Any], twin_input: Any = None) -> str | None:
    """The share query of the twin (``app/arithmetic/twin.py``): same seed and fill, so a
    generated weight is the same tensor; a given weight is passed on, a given input and
    bias are not (the twin's input is another shape, and the backward pass has no bias)."""
    twin = result.twin
    if twin is None:
        return None
    pairs = twin.padding
    padding: Any = (
        _compact(tuple(b for b, _ in pairs))
        if all(b == a for b, a in pairs)
        else [list(p) for p in pairs]
    )
    twin_fields = {
        "transposed": twin.transposed,
        "input_size": list(twin.input_size),
        "kernel_size": _compact(twin.kernel_size),
        "stride": _compact(twin.stride),
        "padding": padding,
        "dilation": _compact(twin.dilation),
        "output_padding": _compact(twin.output_padding) if twin.transposed else None,
        "in_channels": twin.in_channels,
        "out_channels": twin.out_channels,
        "groups": twin.groups,
        "input": twin_input,
        "weight": fields.get("weight"),
        "seed": fields.get("seed"),
        "fill": fields.get("fill"),
    }
    if twin.transposed and not any(twin.output_padding):
        twin_fields["output_padding"] = None
    return to_query(twin_fields, DEFAULTS, twin.ndim)


def _axes_json(result: Trace) -> list[dict[str, Any]]:
    """SPEC.md's ``axes``: per dimension, each output position's anchor and (k, i) taps."""
    found = []
    for taps in result.axes:
        pairs = np.stack([taps.kernel, taps.input], axis=1).tolist()
        bounds = taps.start.tolist()
        found.append(
            {
                "anchor": taps.anchor,
                "taps": [pairs[bounds[o] : bounds[o + 1]] for o in range(len(bounds) - 1)],
            }
        )
    return found


def describe(
    result: Trace,
    query: str,
    twin_query: str | None,
    request: TraceRequest,
    generated: codegen.Generated | None = None,
) -> dict[str, Any]:
    """The response body of a computed trace: serialisation only, no geometry. What is not
    drawn is built only when asked for (``include``): the formulas and the code snippets
    (a fifth of an uncached small trace's time), and the per-step list (``steps``)."""
    config = result.config
    padding = [list(p) for p in config.padding]
    body: dict[str, Any] = {
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
            "padding_mode": config.padding_mode,
            "op": config.op,
            "ceil_mode": config.ceil_mode,
            "count_include_pad": config.count_include_pad,
            "divisor_override": config.divisor_override,
            "seed": request.seed,
            "fill": request.fill,
        },
        "query": query,
        "output_size": list(config.output_size),
        "input": whole_or_float(result.input),
        "weight": None if config.pooling else whole_or_float(result.weight),
        "bias": None if result.bias is None else whole_or_float(result.bias),
        "output": whole_or_float(result.output),
        "padding": padding,
        "canvas": {
            "size": [a.canvas_size for a in config.axes],
            "origin": [a.canvas_origin for a in config.axes],
            "step": [a.canvas_step for a in config.axes],
            "source": [a.sources for a in config.axes],
        },
        "kernel_flipped": config.transposed,
        "steps": orjson.Fragment(steps_json(result)) if request.steps else None,
        "axes": _axes_json(result),
        "channel_taps": result.channel_taps,
        "overlap": result.overlap,
        "divisor": pool_divisor(config) if config.op == "avg_pool" else None,
        "unused_input": result.unused_input,
        "twin": twin_query,
        "cost": {
            "params": config.params + (config.out_channels if result.bias is not None else 0),
            "macs": config.macs,
        },
    }
    if not request.steps:
        del body["steps"]
    include = request.include or ()
    if "formulas" in include:
        body["formulas"] = localized(formulas(config))  # their words in the request's language
    if "code" in include:
        body["code"] = codegen.snippets(config, result, generated)
    return body
