"""The matrix and overlap presets (static/presets/layer.json) teach what their names say.

Checked through the API and against PyTorch: a matrix preset and its "next" (the twin)
are C and Cᵀ of one kernel; kernel 3 / stride 2 overlaps unevenly and kernel 4 / stride 2
evenly inside; the seed's bilinear kernel upsamples a constant image to the same constant.
"""

import json
from typing import Any

import pytest
import torch
from fastapi.testclient import TestClient

from app.web.paths import STATIC_DIR

PRESETS = {
    item["id"]: item
    for group in json.loads((STATIC_DIR / "presets" / "layer.json").read_text())["groups"]
    for item in group["items"]
}


def get(client: TestClient, route: str, query: str) -> dict[str, Any]:
    response = client.get(f"/api/{route}?{query}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def inner(counts: list[list[int]], margin: int) -> set[int]:
    return {c for row in counts[margin:-margin] for c in row[margin:-margin]}


@pytest.mark.parametrize("first", ["matrix-1d", "matrix-guide", "matrix-strided"])
def test_a_matrix_preset_and_its_next_are_c_and_c_transposed(
    client: TestClient, first: str
) -> None:
    direct = PRESETS[first]
    twin = PRESETS[direct["next"]]
    assert direct["view"] == twin["view"] == "matrix"
    c = torch.tensor(get(client, "matrix", direct["query"])["matrix"])
    c_t = torch.tensor(get(client, "matrix", twin["query"])["matrix"])
    assert torch.equal(c_t, c.T)
    assert get(client, "trace", direct["query"])["twin"].startswith("transposed=1")


def test_checkerboard_against_even_overlap(client: TestClient) -> None:
    uneven = get(client, "trace", PRESETS["checkerboard-k3s2"]["query"])["overlap"]
    even = get(client, "trace", PRESETS["even-k4s2"]["query"])["overlap"]
    assert inner(uneven, 1) == {1, 2, 4}
    assert inner(even, 1) == {4}
    for counts, k, s, p in ((uneven, 3, 2, 0), (even, 4, 2, 1)):  # a transposed conv of ones
        ones = torch.ones(1, 1, 4, 4, dtype=torch.float64)
        kernel = torch.ones(1, 1, k, k, dtype=torch.float64)
        expected = torch.nn.functional.conv_transpose2d(ones, kernel, stride=s, padding=p)
        assert counts == expected[0, 0].int().tolist()


def test_bilinear_kernel_upsamples_a_constant_image_to_the_same_constant(
    client: TestClient,
) -> None:
    query = PRESETS["seed-bilinear"]["query"].replace("fill=arange", "fill=ones")
    trace = get(client, "trace", query)
    weight = torch.tensor(trace["weight"], dtype=torch.float64)
    quarter = torch.tensor([0.25, 0.75, 0.75, 0.25], dtype=torch.float64)
    assert torch.equal(weight[0, 0], torch.outer(quarter, quarter))
    assert {float(w) for w in weight.flatten()} == {0.5625, 0.1875, 0.0625}
    output = torch.tensor(trace["output"], dtype=torch.float64)[0]
    assert output.shape == (8, 8)  # 2× the 4×4 input
    assert torch.equal(output[1:-1, 1:-1], torch.ones(6, 6, dtype=torch.float64))
    assert inner(trace["overlap"], 1) == {4}
