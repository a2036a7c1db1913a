"""The share-link query string ⇄ trace fields.

``input_size=5,5&stride=2&padding=same`` is both ``GET /api/trace``'s query
and the page's share link (SPEC.md, "API contract"). Numbers for ``input`` and
``weight`` are written ``,`` within a row, ``;`` between rows, ``|`` between
2-D slices; they are parsed flat here and shaped once the configuration is known.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.arithmetic.errors import ConfigError
from app.schemas import TraceRequest

TRACE_FIELDS = (
    "transposed", "input_size", "kernel_size", "stride", "padding", "dilation", "output_padding",
    "in_channels", "out_channels", "groups", "input", "weight", "bias", "seed", "fill",
)  # fmt: skip
INT_FIELDS = ("in_channels", "out_channels", "groups", "seed")
PER_DIMENSION_FIELDS = ("kernel_size", "stride", "dilation", "output_padding")


@dataclass(frozen=True)
class FlatValues:
    """Numbers from a query, before they are shaped: ``row_length`` numbers per row."""

    numbers: list[float]
    row_length: int


def _int(field: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise ConfigError(field, f'{field} must be a whole number like 2, got "{text}"') from None


def _ints(field: str, text: str) -> list[int]:
    if not text.strip():
        raise ConfigError(
            field, f"{field} is empty; give a number like 3, or one per dimension like 3,3"
        )
    return [_int(field, part) for part in text.split(",")]


def _int_or_list(field: str, text: str) -> int | list[int]:
    values = _ints(field, text)
    return values[0] if len(values) == 1 else values


def _bool(field: str, text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true"):
        return True
    if lowered in ("0", "false"):
        return False
    raise ConfigError(field, f'{field} must be 1, 0, true or false, got "{text}"')


def _padding(text: str) -> Any:
    stripped = text.strip().lower()
    if stripped and stripped[0].isalpha():
        return stripped
    if ":" in stripped:
        pairs = []
        for part in stripped.split(","):
            sides = part.split(":")
            if len(sides) != 2:
                raise ConfigError(
                    "padding",
                    f'per-side padding is written before:after, like 0:1,1:2; got "{part}"',
                )
            pairs.append([_int("padding", s) for s in sides])
        return pairs
    return _int_or_list("padding", stripped)


def _number(field: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(field, f'{field} holds "{text}", which is not a number') from None
    return value


def parse_values(field: str, text: str) -> FlatValues:
    """``1,2;3,4|5,6;7,8`` → eight numbers in rows of two.

    >>> parse_values("input", "1,2;3,4")
    FlatValues(numbers=[1.0, 2.0, 3.0, 4.0], row_length=2)
    """
    numbers: list[float] = []
    row_length = -1
    for plane in text.split("|"):
        for row in plane.split(";"):
            cells = [_number(field, cell) for cell in row.split(",")]
            if row_length not in (-1, len(cells)):
                raise ConfigError(
                    field,
                    f"every row of {field} needs the same count of numbers ({row_length}); "
                    f'the row "{row}" has {len(cells)}',
                )
            row_length = len(cells)
            numbers.extend(cells)
    return FlatValues(numbers, row_length)


def parse_query(
    params: Mapping[str, str] | Iterable[tuple[str, str]], allowed: tuple[str, ...] = TRACE_FIELDS
) -> tuple[dict[str, Any], dict[str, FlatValues]]:
    """Query parameters → (fields for ``TraceRequest``, flat ``input``/``weight`` numbers).

    >>> parse_query({"input_size": "5,5", "padding": "0:1,1:2", "transposed": "1"})[0]
    {'input_size': [5, 5], 'padding': [[0, 1], [1, 2]], 'transposed': True}
    """
    fields: dict[str, Any] = {}
    flat: dict[str, FlatValues] = {}
    pairs = params.items() if isinstance(params, Mapping) else params
    for name, text in pairs:
        if name in fields or name in flat:
            raise ConfigError(name, f"{name} is given twice; give it once")
        if name not in allowed:
            raise ConfigError(name, f'"{name}" is not a field; the fields are {", ".join(allowed)}')
        if name == "transposed":
            fields[name] = _bool(name, text)
        elif name == "input_size":
            fields[name] = _ints(name, text)
        elif name in PER_DIMENSION_FIELDS:
            fields[name] = _int_or_list(name, text)
        elif name in INT_FIELDS:
            fields[name] = _int(name, text)
        elif name == "padding":
            fields[name] = _padding(text)
        elif name in ("input", "weight"):
            flat[name] = parse_values(name, text)
        elif name == "bias":
            fields[name] = [_number(name, part) for part in text.split(",")]
        else:
            fields[name] = text.strip()
    return fields, flat


def request_from_query(
    params: Mapping[str, str] | Iterable[tuple[str, str]],
) -> tuple[TraceRequest, dict[str, FlatValues]]:
    """A validated ``TraceRequest`` (and its flat values) from share-link query parameters.

    Raises ``ConfigError`` or ``RequestValidationError``; both become a 422 naming the field.
    """
    fields, flat = parse_query(params)
    try:
        return TraceRequest.model_validate(fields), flat
    except ValidationError as exc:
        errors = [{**error, "loc": ("query", *error["loc"])} for error in exc.errors()]
        raise RequestValidationError(errors) from None


def _join(values: list[Any], sep: str = ",") -> str:
    return sep.join(_num(v) for v in values)


def _num(value: Any) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def format_values(values: list[Any], ndim: int) -> str:
    """Nested values → the query notation: rows of the last dimension, 2-D slices by ``|``.

    >>> format_values([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], 2)
    '1,2;3,4|5,6;7,8'
    >>> format_values([[1, 2, 3], [4, 5, 6]], 1)
    '1,2,3;4,5,6'
    """
    array = np.asarray(values, dtype=np.float64)
    if ndim == 1 or array.ndim <= 2:
        return ";".join(_join(row) for row in array.reshape(-1, array.shape[-1]).tolist())
    planes = array.reshape(-1, *array.shape[-2:]).tolist()
    return "|".join(";".join(_join(row) for row in plane) for plane in planes)


def to_query(fields: Mapping[str, Any], defaults: Mapping[str, Any], ndim: int) -> str:
    """The share-link query of a request: only the fields that differ from their defaults.

    >>> to_query({"input_size": [5, 5], "stride": 2, "padding": [[0, 1], [1, 2]],
    ...           "transposed": True}, {"stride": 1, "transposed": False}, 2)
    'input_size=5,5&stride=2&padding=0:1,1:2&transposed=1'
    """
    parts = []
    for name, value in fields.items():
        if value is None or (name in defaults and defaults[name] == value):
            continue
        if isinstance(value, bool):
            text = "1" if value else "0"
        elif name in ("input", "weight"):
            text = format_values(value, ndim)
        elif name == "padding" and isinstance(value, list) and value and isinstance(value[0], list):
            text = ",".join(f"{a}:{b}" for a, b in value)
        elif isinstance(value, list):
            text = _join(value)
        else:
            text = str(value)
        parts.append(f"{name}={text}")
    return "&".join(parts)
