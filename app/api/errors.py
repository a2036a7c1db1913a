"""Every refusal is a 422 that names the field, says what is wrong and what is valid.

Pydantic's own words ("Input should be a valid integer") are replaced by a
sentence about the field, one error per field, and ``ConfigError`` from the
arithmetic becomes the same shape. Unexpected exceptions still answer JSON.
"""

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from app.arithmetic.errors import ConfigError
from app.messages import catalogue, error_message

# What a valid value of each field looks like, in a student's words.
VALID = {
    "transposed": "true or false",
    "input_size": "one whole number per dimension, like [5, 5] (2-D) or [8] (1-D)",
    "kernel_size": "a whole number like 3, or one per dimension like [3, 3]",
    "stride": "a whole number like 2, or one per dimension like [2, 1]",
    "dilation": "a whole number like 2, or one per dimension like [2, 1]",
    "output_padding": "a whole number like 1, or one per dimension like [1, 0]",
    "padding": "a whole number like 1, one per dimension like [1, 2], [before, after] pairs "
    'like [[0, 1], [1, 2]], or "valid", "same", "full", "causal"',
    "in_channels": "a whole number like 3",
    "out_channels": "a whole number like 8",
    "groups": "a whole number that divides both channel counts, like 1",
    "input": "nested lists of numbers shaped [in_channels, *input_size]",
    "weight": "nested lists of numbers shaped [out_channels, in_channels/groups, *kernel_size] "
    "([in_channels, out_channels/groups, *kernel_size] when transposed)",
    "bias": "a list of numbers, one per output channel, like [1, 0]",
    "seed": "a whole number like 0",
    "fill": '"random", "ones" or "arange"',
}


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def friendly(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One clear error per field out of pydantic's (a union gives one per member)."""
    result: list[dict[str, Any]] = []
    seen: set[tuple[str | int, ...]] = set()
    for error in errors:
        loc = tuple(error.get("loc", ()))
        where, field = (loc[0], loc[1]) if len(loc) > 1 else (loc[0] if loc else "body", None)
        key = (where, field) if field is not None else (where,)
        if key in seen:
            continue
        seen.add(key)
        kind = error.get("type", "value_error")
        if kind == "json_invalid":
            msg = 'the request body is not valid JSON; send an object like {"input_size": [5, 5]}'
        elif field is None:
            msg = 'the request body must be a JSON object with fields, like {"input_size": [5, 5]}'
        elif kind == "missing":
            msg = f"{field} is required: {VALID.get(str(field), 'see /docs')}"
        elif kind == "extra_forbidden":
            msg = f'"{field}" is not a field; the fields are {", ".join(VALID)}'
        else:
            got = f" (got {_shown(error['input'])})" if "input" in error else ""
            reason = str(error.get("msg", "")).removeprefix("Value error, ")
            valid = VALID.get(str(field))
            if valid and not reason.startswith(str(field)):
                reason = f"{field} must be {valid}"
            msg = f"{reason}{got}"
        result.append({"loc": list(key), "msg": msg, "type": kind})
    return result


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": friendly(list(exc.errors()))})

    @app.exception_handler(HTTPException)
    async def unreadable_body(request: Request, exc: HTTPException) -> Response:
        # FastAPI answers 400 for a body it cannot even decode; to a client that is one
        # more invalid request, reported like the others.
        if exc.status_code != 400:
            return await http_exception_handler(request, exc)
        msg = 'the request body could not be read; send UTF-8 JSON like {"input_size": [5, 5]}'
        return JSONResponse(
            status_code=422, content={"detail": [{"loc": ["body"], "msg": msg, "type": "body"}]}
        )

    @app.exception_handler(ConfigError)
    async def config_error(request: Request, exc: ConfigError) -> JSONResponse:
        where = "body" if request.method == "POST" else "query"
        return JSONResponse(
            status_code=422,
            content={
                "detail": [
                    {
                        "loc": [where, exc.field],
                        "msg": error_message(exc.type, exc.ctx),
                        "type": exc.type if exc.type in catalogue() else "value_error",
                        "ctx": exc.ctx,
                    }
                ]
            },
        )
