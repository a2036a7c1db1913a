"""The fourth tour, ``static/tours/training.json`` (SPEC.md "Tours and compare"): its shape,
its words in every language, and every number it states checked against the API.

The numbers in the file come from torch.autograd and torch.optim.SGD (and SPEC's FCN worked
example), not from ConvScope: here they are compared with what the API answers for each stop.
"""

import json
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.learning.service import learn_request
from app.web.paths import STATIC_DIR

TOUR = json.loads((STATIC_DIR / "tours" / "training.json").read_text("utf-8"))
PART = re.compile(r"([a-z_]+)|\[([\d,]+)\]")


def lookup(answer: Any, key: str) -> Any:
    """``output[0,1,2]`` → ``answer["output"][0][1][2]``; ``cost.macs`` → nested names."""
    value = answer
    for name, index in PART.findall(key):
        if name:
            value = value[name]
        else:
            for position in index.split(","):
                value = value[int(position)]
    return value


def answer_of(client: TestClient, stop: dict[str, Any]) -> dict[str, Any]:
    if "query" in stop:
        response = client.get(f"/api/trace?{stop['query']}&steps=0")
    else:
        path, _, query = stop["page"].partition("?")
        assert path == "/learn"
        assert client.get(stop["page"]).status_code == 200
        fields = learn_request(query).model_dump(exclude_none=True)
        response = client.post("/api/learn", json=fields)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_tour_has_the_spec_shape() -> None:
    assert TOUR["slug"] == "training"
    allowed = {"query", "page", "compare", "view", "step", "highlight", "title", "text", "expect"}
    for stop in TOUR["stops"]:
        assert set(stop) <= allowed and ("query" in stop) != ("page" in stop)
        assert stop["expect"]


@pytest.mark.parametrize("n", range(len(TOUR["stops"])))
def test_every_stated_number_is_the_apis(client: TestClient, n: int) -> None:
    stop = TOUR["stops"][n]
    answer = answer_of(client, stop)
    for key, expected in stop["expect"].items():
        assert lookup(answer, key) == pytest.approx(expected, rel=1e-9), key
    if stop.get("view") == "gradients":  # the step the stop opens at is one the view has
        cells = len(answer["input"][0]) * len(answer["input"][0][0])
        assert stop.get("step", 1) <= cells + 9


@pytest.mark.parametrize("language", ["en", "bn", "vi", "hi"])
def test_every_word_of_the_tour_is_in_each_language(language: str) -> None:
    words = json.loads((STATIC_DIR / "i18n" / language / "tours-training.json").read_text("utf-8"))
    keys = {TOUR["title"], TOUR["question"]}
    keys |= {stop[k] for stop in TOUR["stops"] for k in ("title", "text")}
    assert keys == set(words)
    english = json.loads((STATIC_DIR / "i18n" / "en" / "tours-training.json").read_text("utf-8"))
    for key in keys:
        assert re.findall(r"\{\w+\}", words[key]) == re.findall(r"\{\w+\}", english[key])
