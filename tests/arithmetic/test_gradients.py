"""The backward pass (app/arithmetic/gradients.py) against torch.autograd, and its per-cell
contributions against the whole gradient (SPEC.md, "Gradients")."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.arithmetic.config import ConvConfig
from app.arithmetic.gradients import backward, grad_terms
from app.arithmetic.trace import trace
from app.arithmetic.twin import twin
from app.arithmetic.values import resolve_values
from tests.reference import torch_gradients, torch_output
from tests.strategies import configs, pools

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _values(config: ConvConfig, seed: int, bias: bool):
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, size=config.input_shape).astype(float)
    x, w, _ = resolve_values(config, input=x, fill="random", seed=seed)
    b = rng.integers(-3, 4, size=config.out_channels).astype(float) if bias else None
    g = rng.integers(-3, 4, size=config.output_shape).astype(float)
    return x, w, b, g


@SETTINGS
@given(configs(), st.integers(0, 2**16), st.booleans())
def test_convolution_gradients_match_autograd(config: ConvConfig, seed: int, bias: bool) -> None:
    x, w, b, g = _values(config, seed, bias)
    grads = backward(trace(config, x, w, b), g)
    dx, dw, db = torch_gradients(config, x, w, b, g)
    np.testing.assert_allclose(grads.input, dx, atol=1e-9)
    np.testing.assert_allclose(grads.weight, dw, atol=1e-9)
    if bias:
        np.testing.assert_allclose(grads.bias, db, atol=1e-9)
    else:
        assert grads.bias is None


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(pools(), st.integers(0, 2**16))
def test_pool_gradients_match_autograd(config: ConvConfig, seed: int) -> None:
    """Small integers make ties common: the first maximum is PyTorch's choice too."""
    x, w, _, g = _values(config, seed, False)
    grads = backward(trace(config, x, w), g)
    dx, _, _ = torch_gradients(config, x, w, None, g)
    np.testing.assert_allclose(grads.input, dx, atol=1e-12)
    assert grads.weight is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(configs() | pools(), st.integers(0, 2**16))
def test_per_cell_terms_sum_to_the_gradient(config: ConvConfig, seed: int) -> None:
    x, w, _, g = _values(config, seed, False)
    result = trace(config, x, w)
    grads = backward(result, g)
    for index in np.ndindex(*config.input_shape):
        terms = grad_terms(result, g, "input", index)
        assert all(term["input"] == list(index) for term in terms)
        assert sum(term["value"] for term in terms) == grads.input[index]
    if not config.pooling:
        for index in np.ndindex(*config.weight_shape):
            terms = grad_terms(result, g, "weight", index)
            assert all(t["value"] == t["g"] * x[tuple(t["input"])] for t in terms)
            assert np.isclose(sum(term["value"] for term in terms), grads.weight[index])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
# Only zero padding: a padding_mode's copied cells send their gradient to the cell they copy,
# which no transposed convolution does (the trace has no twin then; test_padding_modes.py).
@given(configs(transposed=False, modes=("zeros",)), st.integers(0, 2**16))
def test_input_gradient_of_a_direct_convolution_is_its_twin(config: ConvConfig, seed: int) -> None:
    x, w, _, g = _values(config, seed, False)
    grads = backward(trace(config, x, w), g)
    np.testing.assert_allclose(grads.input, torch_output(twin(config), g, w, None), atol=1e-9)
