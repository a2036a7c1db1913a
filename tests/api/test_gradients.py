"""``grad_output`` on /api/trace: the response's ``grad`` against torch.autograd, GET = POST,
the share query keeps it, and a direct convolution's twin run on g is dL/dX."""

from urllib.parse import quote

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.arithmetic.config import ConvConfig, build_config
from tests.reference import torch_gradients

CASES = [
    ("input_size=5,5&stride=2&padding=1&bias=1", "conv"),
    ("input_size=2,2&kernel_size=3&stride=2&padding=same&transposed=1&input=1,2;3,4", "conv"),
    ("input_size=7&kernel_size=3&dilation=2&in_channels=4&out_channels=2&groups=2", "conv"),
    ("input_size=4,4&kernel_size=2&stride=2&op=max_pool", "max_pool"),
    ("input_size=5,5&kernel_size=3&padding=1&op=avg_pool", "avg_pool"),
]


def _config(body: dict, op: str) -> ConvConfig:
    c = body["config"]
    return build_config(
        input_size=c["input_size"], kernel_size=c["kernel_size"], stride=c["stride"],
        padding=c["padding"], dilation=c["dilation"],
        output_padding=c["output_padding"] if c["transposed"] else None,
        transposed=c["transposed"], in_channels=c["in_channels"], out_channels=c["out_channels"],
        groups=c["groups"], op=op,
    )  # fmt: skip


@pytest.mark.parametrize(("query", "op"), CASES)
@pytest.mark.parametrize("grad_output", ["random", "ones"])
def test_grad_matches_autograd(client: TestClient, query: str, op: str, grad_output: str) -> None:
    body = client.get(f"/api/trace?{query}&grad_output={grad_output}&steps=0").json()
    grad = body["grad"]
    config = _config(body, op)
    g = np.array(grad["output"], float)
    assert g.shape == config.output_shape
    if grad_output == "ones":
        assert np.all(g == 1)
    weight = None if body["weight"] is None else np.array(body["weight"], float)
    bias = None if body["bias"] is None else np.array(body["bias"], float)
    dx, dw, db = torch_gradients(config, np.array(body["input"], float), weight, bias, g)
    np.testing.assert_allclose(grad["input"], dx)
    assert (grad["weight"] is None) == (dw is None)
    if dw is not None:
        np.testing.assert_allclose(grad["weight"], dw)
    assert (grad["bias"] is None) == (db is None)
    if db is not None:
        np.testing.assert_allclose(grad["bias"], db)
    assert f"grad_output={grad_output}" in body["query"]


def test_get_and_post_agree_and_the_query_round_trips(client: TestClient) -> None:
    g = [[[1, -2], [0.5, 3]]]
    post = client.post(
        "/api/trace", json={"input_size": [4, 4], "stride": 2, "kernel_size": 2,
                            "grad_output": g, "steps": False},
    ).json()  # fmt: skip
    assert post["grad"]["output"] == g
    assert "grad_output=1,-2;0.5,3" in post["query"]
    get = client.get(f"/api/trace?{post['query']}&steps=0").json()
    assert get["grad"] == post["grad"]


def test_the_twin_run_on_g_is_the_input_gradient(client: TestClient) -> None:
    body = client.get("/api/trace?input_size=6,6&stride=2&padding=1&grad_output=random").json()
    twin = client.get(f"/api/trace?{body['grad']['twin']}&steps=0").json()
    assert twin["config"]["transposed"] is True
    assert twin["output"] == body["grad"]["input"]
    transposed = client.get(f"/api/trace?{body['twin']}&grad_output=ones&steps=0").json()
    assert transposed["grad"]["twin"] is None


@pytest.mark.parametrize(
    ("grad_output", "type"),
    [("1,2", "values_shape"), ("zeros", "not_a_choice"), ("1,x,3", "not_a_number")],
)
def test_bad_grad_output_is_a_422_naming_it(
    client: TestClient, grad_output: str, type: str
) -> None:
    response = client.get(f"/api/trace?input_size=5&grad_output={quote(grad_output)}")
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"][-1] == "grad_output" and error["type"] == type


def test_grad_output_too_large_is_refused(client: TestClient) -> None:
    response = client.post("/api/trace", json={"input_size": [3], "grad_output": [[1e9]]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "values_too_large"
