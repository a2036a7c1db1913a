"""``grad_output=mse`` with ``target``, and ``divisor_override``, on /api/trace: the answer
against PyTorch, GET = POST, the share query round-trips, and every refusal is a 422 naming
its field with a stable type and ctx."""

from urllib.parse import quote

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from fastapi.testclient import TestClient


def test_mse_answer_is_pytorchs(client: TestClient) -> None:
    body = client.get(
        "/api/trace?input_size=4,4&stride=2&kernel_size=2&bias=1&grad_output=mse&target=random"
        "&seed=3&steps=0"
    ).json()
    grad = body["grad"]
    x = torch.tensor(body["input"], dtype=torch.float64, requires_grad=True)
    w = torch.tensor(body["weight"], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(body["bias"], dtype=torch.float64, requires_grad=True)
    y = F.conv2d(x[None], w, b, stride=2)[0]
    loss = F.mse_loss(y, torch.tensor(grad["target"], dtype=torch.float64))
    loss.backward()
    assert grad["loss"] == pytest.approx(float(loss))
    np.testing.assert_allclose(grad["input"], x.grad)
    np.testing.assert_allclose(grad["weight"], w.grad)
    np.testing.assert_allclose(grad["bias"], b.grad)
    np.testing.assert_allclose(grad["output"], 2 * (np.array(body["output"]) - grad["target"]) / 4)
    assert "grad_output=mse&target=random" in body["query"]


def test_without_mse_target_and_loss_are_null(client: TestClient) -> None:
    grad = client.get("/api/trace?input_size=5&grad_output=ones&steps=0").json()["grad"]
    assert grad["target"] is None and grad["loss"] is None


def test_get_and_post_agree_and_the_query_round_trips(client: TestClient) -> None:
    target = [[[1, -2], [0.5, 3]]]
    post = client.post(
        "/api/trace", json={"input_size": [4, 4], "stride": 2, "kernel_size": 2,
                            "grad_output": "mse", "target": target, "steps": False},
    ).json()  # fmt: skip
    assert post["grad"]["target"] == target
    assert "grad_output=mse&target=1,-2;0.5,3" in post["query"]
    get = client.get(f"/api/trace?{post['query']}&steps=0").json()
    assert get["grad"] == post["grad"]


@pytest.mark.parametrize(
    ("query", "type", "ctx"),
    [
        ("grad_output=mse&target=1,2", "values_shape", {"need": 3, "count": 2}),
        ("grad_output=mse&target=nans", "not_a_choice", {"value": "nans"}),
        ("grad_output=mse&target=1,x,3", "not_a_number", {"value": "x"}),
        ("target=zeros", "target_without_mse", {}),
        ("grad_output=ones&target=zeros", "target_without_mse", {}),
        ("grad_output=mse", "target_missing", {}),
    ],
)
def test_bad_target_is_a_422_naming_it(
    client: TestClient, query: str, type: str, ctx: dict
) -> None:
    response = client.get(f"/api/trace?input_size=5&{query.replace(';', quote(';'))}")
    assert response.status_code == 422, response.text
    error = response.json()["detail"][0]
    assert error["loc"] == ["query", "target"] and error["type"] == type
    assert error["ctx"]["field"] == "target"
    assert ctx.items() <= error["ctx"].items()


@pytest.mark.parametrize(
    ("body", "type"),
    [
        ({"target": [[1, 2]]}, "values_wrong_shape"),
        ({"target": [[1, 2, 1e9]]}, "values_too_large"),
        ({"target": [[1, True, 2]]}, "not_numbers"),
        ({"target": "twos"}, "not_a_choice"),
    ],
)
def test_bad_target_in_a_body(client: TestClient, body: dict, type: str) -> None:
    response = client.post("/api/trace", json={"input_size": [5], "grad_output": "mse", **body})
    assert response.status_code == 422, response.text
    error = response.json()["detail"][0]
    assert error["loc"][:2] == ["body", "target"] and error["type"] == type, error


def test_wrong_shaped_target_names_the_shapes(client: TestClient) -> None:
    response = client.post(
        "/api/trace", json={"input_size": [5], "grad_output": "mse", "target": [[1, 2]]}
    )
    assert response.json()["detail"][0]["ctx"] == {
        "field": "target", "shape": "1×2", "needed": "1×3 or 3",
        "layout": "[out_channels, *output_size]",
    }  # fmt: skip


def test_divisor_override_answer_is_pytorchs(client: TestClient) -> None:
    body = client.get(
        "/api/trace?input_size=5,5&kernel_size=3&stride=2&padding=1&op=avg_pool"
        "&divisor_override=2&grad_output=random&steps=0&include=formulas"
    ).json()
    x = torch.tensor(body["input"], dtype=torch.float64, requires_grad=True)
    y = F.avg_pool2d(x[None], 3, 2, 1, divisor_override=2)[0]
    np.testing.assert_allclose(body["output"], y.detach())
    y.backward(torch.tensor(body["grad"]["output"], dtype=torch.float64))
    np.testing.assert_allclose(body["grad"]["input"], x.grad)
    assert body["divisor"] == [[2, 2, 2]] * 3
    assert body["config"]["divisor_override"] == 2
    assert "divisor_override=2" in body["query"]
    assert {"name": "divisor", "general": "y = Σ window / divisor_override",
            "substituted": "Σ / 2", "result": "2"} in body["formulas"]  # fmt: skip
    matrix = client.get(f"/api/matrix?{body['query']}").json()["matrix"]
    assert {v for row in matrix for v in row} == {0, 0.5}


@pytest.mark.parametrize(
    ("query", "type", "ctx"),
    [
        ("input_size=6&op=avg_pool&divisor_override=2", "divisor_override_1d", {}),
        ("input_size=6,6&op=avg_pool&divisor_override=0", "divisor_override_zero", {}),
        ("input_size=6,6&op=max_pool&divisor_override=2", "divisor_override_not_avg",
         {"op": "max_pool"}),
        ("input_size=6,6&divisor_override=2", "divisor_override_not_avg", {"op": "conv"}),
        ("input_size=6,6&op=avg_pool&divisor_override=1.5", "not_a_whole_number", {}),
        ("input_size=6,6&op=avg_pool&divisor_override=-2000000", "above_limit",
         {"limit_name": "max_divisor_override"}),
    ],
)  # fmt: skip
def test_bad_divisor_override_is_a_422_naming_it(
    client: TestClient, query: str, type: str, ctx: dict
) -> None:
    response = client.get(f"/api/trace?{query}")
    assert response.status_code == 422, response.text
    error = response.json()["detail"][0]
    assert error["loc"] == ["query", "divisor_override"] and error["type"] == type
    assert ctx.items() <= error["ctx"].items()


def test_divisor_override_in_a_body_is_strict(client: TestClient) -> None:
    for value, type in ((2.0, "wrong_type"), (True, "wrong_type"), (10**400, "above_limit")):
        response = client.post(
            "/api/trace", json={"input_size": [4, 4], "op": "avg_pool", "divisor_override": value}
        )
        assert response.status_code == 422
        error = response.json()["detail"][0]
        assert error["loc"][:2] == ["body", "divisor_override"] and error["type"] == type


@pytest.mark.parametrize(
    ("query", "divisor"),
    [
        ("input_size=4,4&kernel_size=2&stride=2&op=avg_pool&divisor_override=3&step=1", "3"),
        # ceil_mode's last window holds one cell: PyTorch divides by 1, not by k = 2
        ("input_size=5&kernel_size=2&stride=2&op=avg_pool&ceil_mode=1&input=1,2,3,4,9&step=3",
         "1"),
    ],
)  # fmt: skip
def test_pictures_write_pytorchs_divisor(client: TestClient, query: str, divisor: str) -> None:
    svg = client.get(f"/api/render.svg?{query}").text
    assert f") / {divisor} = " in svg


@pytest.mark.parametrize("path", ["/api/trace", "/api/matrix", "/api/im2col"])
@pytest.mark.parametrize(
    ("body", "field"),
    [({"grad_output": "mse", "target": []}, "target"), ({"grad_output": []}, "grad_output")],
)
def test_an_empty_gradient_field_is_refused_by_every_route(
    client: TestClient, path: str, body: dict, field: str
) -> None:
    """The matrix and im2col compute no gradient but echo the share query: an empty target
    (found by test_never_500) was a 500 there; it is refused by name like everywhere."""
    response = client.post(path, json={"input_size": [3], "kernel_size": 2, **body})
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"][-1] == field and error["type"] == "values_wrong_shape"
