"""The formulas panel's words follow the request's language; the formulas do not change."""

import re

import pytest
from fastapi.testclient import TestClient

QUERIES = [
    "input_size=6,6&stride=2&padding=same",
    "input_size=6&kernel_size=3&stride=2",
    "input_size=3,3&stride=2&padding=1&transposed=1&output_padding=1",
    "input_size=4,4&kernel_size=2&stride=3&padding=valid&transposed=1",
    "input_size=6,6&op=max_pool&kernel_size=2&stride=2",
]
LATIN_WORD = re.compile(r"\b(?!Keras\b|same\b|valid\b)[A-Za-z]{3,}")


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("language", ["bn", "vi", "hi"])
def test_formula_names_are_translated(client: TestClient, query: str, language: str) -> None:
    english = client.get(f"/api/trace?{query}&steps=0&include=formulas").json()["formulas"]
    local = client.get(f"/api/trace?{query}&steps=0&include=formulas&lang={language}").json()[
        "formulas"
    ]
    assert len(local) == len(english)
    for e, f in zip(english, local, strict=True):
        assert (f["general"], f["substituted"]) == (e["general"], e["substituted"])
        if language != "vi":  # Vietnamese is written in Latin letters too
            assert not LATIN_WORD.search(f["name"]), f["name"]
        assert f["name"] != e["name"]
