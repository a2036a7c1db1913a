"""``POST /api/learn`` against ``torch.optim.SGD`` step by step, the tasks' known answers,
and its limits (SPEC.md, "Learning")."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from fastapi.testclient import TestClient

from app.arithmetic.learning import BILINEAR, SOBEL_X

LAPLACE = [[0, 1, 0], [1, -4, 1], [0, 1, 0]]


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def torch_trajectory(body: dict) -> list[tuple[float, np.ndarray, np.ndarray]]:
    """The same layer, data, initial weight and learning rate through torch.optim.SGD:
    (loss, weight, grad) before each step, as the API's entries."""
    config = body["config"]
    x = torch.tensor(body["data"]["inputs"], dtype=torch.float64)[:, None]
    target = torch.tensor(body["target_kernel"], dtype=torch.float64)[None, None]
    k = target.shape[-1]
    if config["task"] == "upsample2x":
        layer = lambda w: F.conv_transpose2d(x, w, stride=2, padding=1)  # noqa: E731
    else:
        layer = lambda w: F.conv2d(x, w, padding=k // 2)  # noqa: E731
    t = layer(target)
    np.testing.assert_allclose(t[:, 0].numpy(), body["data"]["targets"], rtol=1e-12, atol=1e-12)
    w = torch.tensor(body["init"], dtype=torch.float64)[None, None].requires_grad_()
    optimiser = torch.optim.SGD([w], lr=config["lr"])
    found = []
    for step in range(config["steps"] + 1):
        optimiser.zero_grad()
        loss = F.mse_loss(layer(w), t)
        loss.backward()
        found.append((loss.item(), w.detach()[0, 0].numpy().copy(), w.grad[0, 0].numpy().copy()))
        if step < config["steps"]:
            optimiser.step()
    return found


@pytest.mark.parametrize(
    "request_body",
    [
        {"task": "upsample2x", "steps": 60},
        {"task": "edges", "steps": 60, "lr": 0.3, "seed": 7},
        {"task": "kernel", "target_kernel": LAPLACE, "data": "image:coffee", "steps": 40,
         "samples": 3, "size": 12, "lr": 0.05},
        {"task": "kernel", "target_kernel": [[1]], "steps": 10},
    ],
)  # fmt: skip
def test_trajectory_equals_torch_sgd(client: TestClient, request_body: dict) -> None:
    body = client.post("/api/learn", json=request_body).json()
    reference = torch_trajectory(body)
    assert len(body["trajectory"]) == len(reference) == body["config"]["steps"] + 1
    for entry, (loss, weight, grad) in zip(body["trajectory"], reference, strict=True):
        np.testing.assert_allclose(entry["loss"], loss, rtol=1e-5)
        np.testing.assert_allclose(entry["weight"], weight, rtol=1e-5, atol=1e-12)
        np.testing.assert_allclose(entry["grad_weight"], grad, rtol=1e-5, atol=1e-12)


@pytest.mark.parametrize(("task", "answer"), [("upsample2x", BILINEAR), ("edges", SOBEL_X)])
def test_defaults_end_at_the_known_kernel(
    client: TestClient, task: str, answer: np.ndarray
) -> None:
    body = client.post("/api/learn", json={"task": task}).json()
    last = np.array(body["trajectory"][-1]["weight"])
    assert np.max(np.abs(last - answer)) < 0.02
    assert body["trajectory"][-1]["loss"] < body["trajectory"][0]["loss"] / 1000
    assert not body["diverged"]
    assert body["query"] == f"task={task}"


def test_a_learning_rate_too_large_diverges_and_says_so(client: TestClient) -> None:
    body = client.post("/api/learn", json={"task": "edges", "lr": 5.0, "steps": 2000}).json()
    assert body["diverged"]
    losses = [entry["loss"] for entry in body["trajectory"]]
    assert len(losses) < 2001 and all(np.isfinite(losses))  # ends at the last finite entry
    assert losses[-1] > losses[0]


@pytest.mark.parametrize(
    ("request_body", "field", "type"),
    [
        ({"task": "edges", "steps": 2001}, "steps", "above_limit"),
        ({"task": "edges", "samples": 17}, "samples", "above_limit"),
        ({"task": "edges", "size": 33}, "size", "above_limit"),
        ({"task": "edges", "size": 3}, "size", "too_small"),
        ({"task": "edges", "lr": 0.0}, "lr", "learn_rate_positive"),
        ({"task": "edges", "lr": 1000.0}, "lr", "above_limit"),
        ({"task": "kernel"}, "target_kernel", "learn_target_missing"),
        ({"task": "kernel", "target_kernel": [[1, 2], [3, 4]]}, "target_kernel",
         "learn_target_shape"),
        ({"task": "edges", "target_kernel": [[1]]}, "target_kernel", "learn_target_not_kernel"),
        ({"task": "edges", "data": "image:moon"}, "data", "image_unknown"),
        ({"task": "blur"}, "task", "not_a_choice"),
    ],
)  # fmt: skip
def test_refusals_name_the_field(
    client: TestClient, request_body: dict, field: str, type: str
) -> None:
    response = client.post("/api/learn", json=request_body)
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert error["loc"][-1] == field and error["type"] == type
    assert error["msg"] and not error["msg"].startswith("learn_")
