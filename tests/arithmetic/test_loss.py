"""``grad_output=mse``: the upstream gradient of PyTorch's ``F.mse_loss(y, target)`` (mean
reduction), and the layer's gradients it gives, against ``torch.autograd`` run on the loss
itself (not on a given g), over drawn convolutions and pools."""

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.gradients import backward, mse_loss
from app.arithmetic.trace import trace
from app.arithmetic.values import resolve_target, resolve_values
from tests.reference import torch_layer
from tests.strategies import configs, pools


def torch_loss_gradients(
    config: ConvConfig, x: np.ndarray, w: np.ndarray, b: np.ndarray | None, target: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """PyTorch's loss, dL/dY (retained), dL/dX, dL/dW and dL/db of ``F.mse_loss``."""
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    wt = None if config.pooling else torch.tensor(w, dtype=torch.float64, requires_grad=True)
    bt = None if b is None else torch.tensor(b, dtype=torch.float64, requires_grad=True)
    y = torch_layer(config, xt[None], wt, bt)[0]
    y.retain_grad()
    loss = F.mse_loss(y, torch.tensor(target, dtype=torch.float64))  # reduction="mean"
    loss.backward()
    assert y.grad is not None and xt.grad is not None
    dw = None if wt is None else wt.grad.numpy()  # type: ignore[union-attr]
    db = None if bt is None else bt.grad.numpy()  # type: ignore[union-attr]
    return float(loss), y.grad.numpy(), xt.grad.numpy(), dw, db


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(configs() | pools(), st.integers(0, 2**16), st.booleans(), st.sampled_from(
    ["given", "random", "ones", "zeros"]))  # fmt: skip
def test_mse_gradients_match_autograd(config: ConvConfig, seed: int, bias: bool, kind: str) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, size=config.input_shape).astype(float)
    x, w, _ = resolve_values(config, input=x, fill="random", seed=seed)
    b = None
    if bias and not config.pooling:
        b = rng.integers(-3, 4, size=config.out_channels).astype(float)
    given = rng.normal(size=config.output_shape).tolist() if kind == "given" else kind
    target = resolve_target(config, given, seed)
    result = trace(config, x, w, b)
    mse = mse_loss(result.output, target)
    grads = backward(result, mse.grad)
    loss, dy, dx, dw, db = torch_loss_gradients(config, x, w, b, target)
    np.testing.assert_allclose(mse.loss, loss, rtol=1e-12)
    np.testing.assert_allclose(mse.grad, dy, atol=1e-12)
    np.testing.assert_allclose(grads.input, dx, atol=1e-9)
    assert (grads.weight is None) == (dw is None)
    if dw is not None:
        np.testing.assert_allclose(grads.weight, dw, atol=1e-9)
    if db is not None:
        np.testing.assert_allclose(grads.bias, db, atol=1e-9)


def test_generated_targets() -> None:
    """``zeros`` and ``ones`` are what they say; ``random`` is small integers from ``seed``,
    its own stream (the input and weight of the same seed do not move)."""

    c = build_config([5, 5], kernel_size=3, out_channels=2)
    assert resolve_target(c, "zeros").tolist() == np.zeros((2, 3, 3)).tolist()
    assert resolve_target(c, "ones").sum() == 18
    first, again = resolve_target(c, "random", 7), resolve_target(c, "random", 7)
    assert np.array_equal(first, again) and first.min() >= 0 and first.max() <= 3
    assert not np.array_equal(first, resolve_target(c, "random", 8))
