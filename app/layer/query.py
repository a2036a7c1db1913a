"""The share-link query string ⇄ trace fields, read strictly.

``input_size=5,5&stride=2&padding=same`` is both ``GET /api/trace``'s query
and the page's share link (SPEC.md, "API contract"). Numbers for ``input`` and
``weight`` are written ``,`` within a row, ``;`` between rows, ``|`` between
2-D slices; they are parsed flat here and shaped once the configuration is known.

Strict and the same everywhere: numbers are ASCII digits (``５`` and ``1_0`` are
not numbers; ASCII spaces around a number are allowed, so ``5, 5`` is ``5,5``),
names are lower case (``SAME`` is refused, as in JSON), a parameter given twice
is refused, and a number of more than ``MAX_DIGITS`` digits is refused as far too
large before Python ever converts it. How each field is written comes from the
one field table, ``app.layer.fields``.
"""

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.arithmetic.errors import ConfigError
from app.layer.fields import FIELDS, Param
from app.layer.schemas import TraceRequest

Pairs = Mapping[str, str] | Iterable[tuple[str, str]]
MAX_DIGITS = 12  # any limit fits in 12 digits; a longer number is refused unread
MAX_NUMBER_TEXT = 40
VALUE_FIELDS = tuple(p.name for p in FIELDS.values() if p.kind == "values")
SPACES = " \t"
INTEGER = re.compile(r"[+-]?[0-9]+")
DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class FlatValues:
    """Numbers from a query, before they are shaped: ``row_length`` numbers per row."""

    numbers: list[float]
    row_length: int


def single(
    params: Pairs, allowed: Iterable[str], unknown: str = "not_a_parameter"
) -> dict[str, str]:
    """The parameters as a dict, refusing one given twice and one not in ``allowed``.

    >>> single([("step", "1"), ("step", "2")], ["step"])
    Traceback (most recent call last):
    ...
    app.arithmetic.errors.ConfigError: step: given_twice {'count': 2}
    """
    pairs = list(params.items() if isinstance(params, Mapping) else params)
    names = list(allowed)
    result: dict[str, str] = {}
    for name, text in pairs:
        if name in result:
            count = sum(1 for other, _ in pairs if other == name)
            raise ConfigError(name, "given_twice", count=count)
        if name not in names:
            raise ConfigError(name, unknown, fields=", ".join(names))
        result[name] = text
    return result


def parse_int(field: str, text: str) -> int:
    """An ASCII whole number; ``５``, ``1_0``, ``1e3`` and 13-digit numbers are refused.

    >>> parse_int("stride", " 2 ")
    2
    >>> parse_int("stride", "1_0")
    Traceback (most recent call last):
    ...
    app.arithmetic.errors.ConfigError: stride: not_a_whole_number {'value': '1_0'}
    """
    stripped = text.strip(SPACES)
    if not INTEGER.fullmatch(stripped):
        raise ConfigError(field, "not_a_whole_number", value=text)
    if len(stripped.lstrip("+-")) > MAX_DIGITS:
        raise ConfigError(field, "number_too_large", value=text)
    return int(stripped)


def parse_number(field: str, text: str) -> float:
    """An ASCII decimal number (``-1.5``, ``2e3``); not ``inf``, ``nan``, ``１`` or ``1_0``.

    >>> parse_number("input", "-1.5e1")
    -15.0
    """
    stripped = text.strip(SPACES)
    if not DECIMAL.fullmatch(stripped):
        raise ConfigError(field, "not_a_number", value=text)
    value = float(stripped)
    if len(stripped) > MAX_NUMBER_TEXT or not math.isfinite(value):
        raise ConfigError(field, "number_too_large", value=text)
    return value


def parse_bool(field: str, text: str) -> bool:
    """``1``/``true`` or ``0``/``false`` (lower case)."""
    stripped = text.strip(SPACES)
    if stripped in ("1", "true"):
        return True
    if stripped in ("0", "false"):
        return False
    raise ConfigError(field, "not_a_bool", value=text)


def parse_choice(param: Param, text: str) -> str:
    """One of the parameter's names, exactly, in lower case (``SAME`` is refused)."""
    stripped = text.strip(SPACES)
    if stripped not in param.choices:
        raise ConfigError(param.name, "not_a_choice", value=text, choices=", ".join(param.choices))
    return stripped


def _ints(field: str, text: str) -> list[int]:
    if not text.strip(SPACES):
        raise ConfigError(field, "empty")
    return [parse_int(field, part) for part in text.split(",")]


def _int_or_list(field: str, text: str) -> int | list[int]:
    values = _ints(field, text)
    return values[0] if len(values) == 1 else values


def _padding(param: Param, text: str) -> Any:
    stripped = text.strip(SPACES)
    if stripped[:1].isalpha():
        return parse_choice(param, stripped)
    if ":" in stripped:
        pairs = []
        for part in stripped.split(","):
            sides = part.split(":")
            if len(sides) != 2:
                raise ConfigError("padding", "padding_pair", value=part)
            pairs.append([parse_int("padding", s) for s in sides])
        return pairs
    return _int_or_list("padding", stripped)


def parse_values(field: str, text: str) -> FlatValues:
    """``1,2;3,4|5,6;7,8`` → eight numbers in rows of two.

    >>> parse_values("input", "1,2;3,4")
    FlatValues(numbers=[1.0, 2.0, 3.0, 4.0], row_length=2)
    """
    numbers: list[float] = []
    row_length = -1
    for plane in text.split("|"):
        for row in plane.split(";"):
            cells = [parse_number(field, cell) for cell in row.split(",")]
            if row_length not in (-1, len(cells)):
                raise ConfigError(
                    field, "values_row_length", expected=row_length, value=row, count=len(cells)
                )
            row_length = len(cells)
            numbers.extend(cells)
    return FlatValues(numbers, row_length)


def parse_param(param: Param, text: str) -> Any:
    """One parameter's text → its value, by the kind the field table gives it."""
    name, kind = param.name, param.kind
    if kind == "bool":
        return parse_bool(name, text)
    if kind == "sizes":
        return _ints(name, text)
    if kind == "ints":
        return _int_or_list(name, text)
    if kind == "int":
        return parse_int(name, text)
    if kind == "padding":
        return _padding(param, text)
    if kind == "values":
        stripped = text.strip(SPACES)
        if stripped.startswith(param.prefixes):
            return stripped  # a named source (``image:coffee``), resolved with the values
        if param.choices and stripped[:1].isalpha():
            return parse_choice(param, stripped)  # a name (``random``)
        return parse_values(name, text)
    if kind == "number":
        return parse_number(name, text)
    if kind == "numbers":
        if not text.strip(SPACES):
            raise ConfigError(name, "empty")
        return [parse_number(name, part) for part in text.split(",")]
    if kind == "choice":
        return parse_choice(param, text)
    if kind == "names":
        if not text.strip(SPACES):
            raise ConfigError(name, "empty")
        return list(dict.fromkeys(parse_choice(param, part) for part in text.split(",")))
    return text


def parse_query(params: Pairs) -> tuple[dict[str, Any], dict[str, FlatValues]]:
    """Query parameters → (fields for ``TraceRequest``, flat ``input``/``weight`` numbers).

    >>> parse_query({"input_size": "5,5", "padding": "0:1,1:2", "transposed": "1"})[0]
    {'input_size': [5, 5], 'padding': [[0, 1], [1, 2]], 'transposed': True}
    """
    fields: dict[str, Any] = {}
    flat: dict[str, FlatValues] = {}
    for name, text in single(params, FIELDS, "not_a_field").items():
        value = parse_param(FIELDS[name], text)
        if isinstance(value, FlatValues):
            flat[name] = value
        else:
            fields[name] = value
    return fields, flat


def request_from_query(params: Pairs) -> tuple[TraceRequest, dict[str, FlatValues]]:
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
        elif name in VALUE_FIELDS and not isinstance(value, str):
            text = format_values(value, ndim)
        elif name == "padding" and isinstance(value, list) and value and isinstance(value[0], list):
            text = ",".join(f"{a}:{b}" for a, b in value)
        elif isinstance(value, list):
            text = _join(value)
        else:
            text = str(value)
        parts.append(f"{name}={text}")
    return "&".join(parts)
