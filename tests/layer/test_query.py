"""app/layer/query.py: the share-link query, read strictly (ASCII numbers, lower-case, once)."""

from typing import Any

import pytest

from app.arithmetic.errors import ConfigError
from app.layer.fields import FIELDS
from app.layer.query import parse_query, request_from_query, single


def refused(params: Any) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_query(params)
    return info.value


@pytest.mark.parametrize(
    ("field", "text", "type"),
    [
        ("input_size", "５", "not_a_whole_number"),  # a full-width digit
        ("input_size", "٥", "not_a_whole_number"),  # an Arabic-Indic digit
        ("stride", "1_0", "not_a_whole_number"),  # Python's int() would read 10
        ("stride", "1e1", "not_a_whole_number"),
        ("stride", "2.0", "not_a_whole_number"),
        ("stride", "\u30002", "not_a_whole_number"),  # an ideographic space is not ASCII
        ("stride", "", "empty"),
        ("seed", "9" * 5000, "number_too_large"),  # Python's int() refuses > 4300 digits
        ("seed", "1" + "0" * 12, "number_too_large"),
        ("padding", "SAME", "not_a_choice"),
        ("padding", "Same", "not_a_choice"),
        ("padding", "half", "not_a_choice"),
        ("fill", "ONES", "not_a_choice"),
        ("op", "Conv", "not_a_choice"),
        ("transposed", "yes", "not_a_bool"),
        ("transposed", "True", "not_a_bool"),
        ("steps", "2", "not_a_bool"),
        ("input", "1,２", "not_a_number"),
        ("input", "1,1_0", "not_a_number"),
        ("input", "1,inf", "not_a_number"),
        ("input", "1,nan", "not_a_number"),
        ("input", "1,1e400", "number_too_large"),
        ("bias", "1,0x1", "not_a_number"),
        ("padding", "1:2:3", "padding_pair"),
    ],
)
def test_refused_with_a_stable_type(field: str, text: str, type: str) -> None:
    error = refused({"input_size": "5", field: text} if field != "input_size" else {field: text})
    assert (error.field, error.type) == (field, type)


@pytest.mark.parametrize(
    ("text", "value"),
    [("5", [5]), (" 5 , 5 ", [5, 5]), ("+5", [5]), ("007", [7])],
)
def test_ascii_spaces_around_a_number_are_allowed(text: str, value: list[int]) -> None:
    assert parse_query({"input_size": text})[0]["input_size"] == value


def test_names_and_switches() -> None:
    fields, _ = parse_query(
        {"input_size": "5", "padding": "same", "op": "max_pool", "steps": "0", "transposed": "true"}
    )
    assert fields == {"input_size": [5], "padding": "same", "op": "max_pool", "steps": False,
                      "transposed": True}  # fmt: skip


def test_values_are_read_flat() -> None:
    _, flat = parse_query({"input_size": "2,2", "input": "1,-2.5;3e2,.5"})
    assert flat["input"].numbers == [1.0, -2.5, 300.0, 0.5] and flat["input"].row_length == 2


def test_a_parameter_given_twice_is_refused() -> None:
    error = refused([("input_size", "5"), ("stride", "1"), ("stride", "1")])
    assert (error.field, error.type, error.ctx["count"]) == ("stride", "given_twice", 2)
    with pytest.raises(ConfigError) as info:
        single([("url", "a"), ("url", "a"), ("url", "b")], ["url"])
    assert info.value.ctx["count"] == 3


def test_an_unknown_parameter_is_refused_naming_the_fields() -> None:
    error = refused({"input_size": "5", "strides": "2"})
    assert (error.field, error.type) == ("strides", "not_a_field")
    assert error.ctx["fields"] == ", ".join(FIELDS)


def test_output_padding_not_given_stays_none() -> None:
    request, _ = request_from_query({"input_size": "5", "transposed": "1"})
    assert request.output_padding is None
    request, _ = request_from_query({"input_size": "5", "transposed": "1", "output_padding": "0"})
    assert request.output_padding == 0
