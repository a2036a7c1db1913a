"""Every tour file validates, every stop's configuration is accepted by the API, and every
number a stop's text states (``expect``) is the API's answer for that stop."""

import json
from math import prod
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from fastapi.testclient import TestClient

from app.stack.link import stack_request
from app.tours.expect import lookup
from app.tours.files import TOURS_DIR, TourFileError, load_tour, tours
from app.tours.schema import STACK_PAGE, Stop, Tour
from app.web.paths import STATIC_DIR

FILES = sorted(TOURS_DIR.glob("*.json"))
STOPS = [
    pytest.param(tour, number, stop, id=f"{tour.slug}-{number}")
    for tour in tours().values()
    for number, stop in enumerate(tour.stops, start=1)
]
SEED_TOURS = ("transposed", "dilated-vs-transposed", "1x1")


def answer(client: TestClient, link: str) -> dict[str, Any]:
    """What the API computes for a stop's configuration (a 200, or the test fails)."""
    if link.startswith(STACK_PAGE):
        body = stack_request(link.removeprefix(STACK_PAGE)).model_dump(exclude_none=True)
        response = client.post("/api/stack", json=body)
    else:
        response = client.get(f"/api/trace?{link}")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def configuration(stop: Stop) -> str:
    return stop.query if stop.query is not None else str(stop.page)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_tour_file_validates(path: Path) -> None:
    tour = load_tour(path)
    assert tour.slug == path.stem
    assert all(stop.expect for stop in tour.stops), "every stop states a number"


def test_the_seed_questions_have_their_tours() -> None:
    assert set(SEED_TOURS) <= set(tours())
    assert list(tours())[:3] == list(SEED_TOURS)


@pytest.mark.parametrize(("tour", "number", "stop"), STOPS)
def test_every_expected_number_is_the_apis(
    client: TestClient, tour: Tour, number: int, stop: Stop
) -> None:
    first = answer(client, configuration(stop))
    second = answer(client, stop.compare) if stop.compare else {}
    for key, expected in stop.expect.items():
        got = lookup(second if key.startswith("compare.") else first, key)
        assert got == expected, f"{tour.slug} stop {number}: {key} is {got}, text says {expected}"
    if stop.kind == "layer":
        # the step the stop opens at is one the page shows (counted from 1)
        count = len(first["output"]) * prod(first["output_size"])
        if stop.view == "scatter":
            count = prod(first["config"]["input_size"]) * first["config"]["in_channels"]
        assert 1 <= stop.step <= count
        for cell in stop.highlight:
            grid, index = cell.split(":")
            shape = {
                "output": [len(first["output"]), *first["output_size"]],
                "input": [first["config"]["in_channels"], *first["config"]["input_size"]],
                "canvas": first["canvas"]["size"],
            }[grid]
            numbers = [int(i) for i in index.split(",")]
            shape = shape[-len(numbers) :]
            assert all(0 <= i < n for i, n in zip(numbers, shape, strict=True)), cell


def test_compare_stops_share_their_kind() -> None:
    for tour in tours().values():
        for stop in tour.stops:
            if stop.compare and stop.query is not None:
                assert not stop.compare.startswith("/"), "a layer compares with a layer"
                parse_qsl(stop.compare, strict_parsing=True)


def test_the_seed_numbers_are_in_the_text() -> None:
    """The seeds' worked numbers (SPEC.md "Worked examples") are both stated and checked."""
    english = json.loads((STATIC_DIR / "i18n/en/tours.json").read_text(encoding="utf-8"))
    stated = {
        "tour.transposed.6.text": ["[[1, 1, 3, 2], [1, 1, 3, 2], [4, 4, 10, 6], [3, 3, 7, 4]]"],
        "tour.dilated-vs-transposed.2.text": ["9×9", "dilation 4"],
        "tour.dilated-vs-transposed.3.text": ["4×4"],
        "tour.dilated-vs-transposed.4.text": ["11×11"],
        "tour.dilated-vs-transposed.6.text": ["3, 7, 15, then 31", "3, 5, 7, 9"],
        "tour.1x1.3.text": ["3.76×", "16,777,216", "4,456,448"],
    }
    for key, numbers in stated.items():
        for number in numbers:
            assert number in english[key], (key, number)


def test_every_language_has_every_tour_key() -> None:
    english = json.loads((STATIC_DIR / "i18n/en/tours.json").read_text(encoding="utf-8"))
    for language in ("bn", "vi", "hi"):
        path = STATIC_DIR / "i18n" / language / "tours.json"
        other = json.loads(path.read_text(encoding="utf-8"))
        wanted = {k for k in english if language != "vi" or not k.endswith(".one")}
        assert set(other) == wanted, (language, sorted(wanted ^ set(other)))
        for key in wanted:
            base = key.removesuffix(".other").removesuffix(".one")
            source = english.get(key, english.get(f"{base}.other", ""))
            assert placeholders(other[key]) == placeholders(source), (language, key)
            assert other[key] != source or key in ("tour.page_title",), (language, key)


def placeholders(text: str) -> set[str]:
    import re

    return set(re.findall(r"\{(\w+)\}", text))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"slug": "Other"}, "slug"),
        ({"stops": []}, "stops"),
        (
            {
                "stops": [
                    {
                        "query": "input_size=5",
                        "page": "/stack?input_size=5",
                        "title": "a",
                        "text": "b",
                    }
                ]
            },
            "not both",
        ),
        (
            {
                "stops": [
                    {
                        "query": "input_size=5&stride=0",
                        "title": "tour.1x1.1.title",
                        "text": "tour.1x1.1.text",
                        "expect": {"output_size": [5]},
                    }
                ]
            },
            "refused",
        ),
        (
            {
                "stops": [
                    {
                        "query": "input_size=5",
                        "title": "tour.1x1.1.title",
                        "text": "tour.1x1.1.text",
                        "expect": {"compare.output_size": [5]},
                    }
                ]
            },
            "compare",
        ),
        ({"title": "tour.no.such.key"}, "no English text"),
    ],
)
def test_a_bad_tour_file_is_refused_with_its_reason(
    tmp_path: Path, change: dict[str, Any], reason: str
) -> None:
    good = json.loads((TOURS_DIR / "1x1.json").read_text(encoding="utf-8"))
    path = tmp_path / "1x1.json"
    path.write_text(json.dumps({**good, **change}), encoding="utf-8")
    with pytest.raises(TourFileError, match=reason):
        load_tour(path)
