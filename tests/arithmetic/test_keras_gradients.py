"""A second oracle for the backward pass: dL/dX, dL/dW and dL/db through Keras 3 layers
(Conv1D/2D/3D with "valid"/"same"/"causal", strides, dilation and groups; Conv1D/2D/3DTranspose
with output_padding; MaxPooling/AveragePooling "valid" and "same") on Keras's JAX backend,
``jax.grad`` of ``Σ y·g``, against ``app.arithmetic.gradients.backward``.

The test process has Keras on its PyTorch backend already (test_keras.py, the snippets), and
PyTorch's autograd is the first oracle (test_gradients.py); so the Keras layers run in one
worker process on JAX (``tests/keras_grad_worker.py``, started once for the module) and each
drawn layer is one line of JSON each way. Layouts: PyTorch's ``[C, *spatial]`` input is
Keras's channels-last ``[1, *spatial, C]``; a direct weight ``[out, in/groups, *k]`` is
Keras's kernel ``[*k, in/groups, out]``, a transposed one ``[in, out, *k]`` is ``[*k, out, in]``
(Keras's Conv*DTranspose kernel is not flipped relative to PyTorch's: test_keras.py).
"""

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.errors import ConfigError
from app.arithmetic.gradients import backward
from app.arithmetic.trace import trace
from app.arithmetic.values import resolve_values
from tests.arithmetic.test_keras import keras_layers, keras_pool

WORKER = Path(__file__).resolve().parents[1] / "keras_grad_worker.py"
XLA_FLAGS = (
    "--xla_backend_optimization_level=0 --xla_llvm_disable_expensive_passes=true "
    "--xla_cpu_multi_thread_eigen=false"
)
SETTINGS = settings(
    max_examples=18,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)


class KerasJax:
    """The worker process: ``ask(request)`` sends one layer and returns its gradients."""

    def __init__(self, stderr: IO[bytes]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            # tiny layers: XLA's cheapest compile (each new shape compiles) on one thread
            env={"PATH": "/usr/bin:/bin", "JAX_PLATFORMS": "cpu", "XLA_FLAGS": XLA_FLAGS},
        )  # fmt: skip

    def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        assert line, "the Keras/JAX worker stopped (see its stderr in the test's tmp folder)"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def keras_jax(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KerasJax]:
    # A witness that is missing fails the run: requirements-dev.txt pins jax for it.
    assert importlib.util.find_spec("jax") is not None, "jax is not installed (requirements-dev)"
    log = tmp_path_factory.mktemp("keras-jax") / "stderr.txt"
    with log.open("wb") as stderr:
        worker = KerasJax(stderr)
        ready = worker.ask({"layer": "Identity", "args": {}, "x": [[0.0]], "weights": [],
                            "g": [[0.0]]})  # fmt: skip
        assert "error" not in ready, ready
        yield worker
        worker.close()


def channels_last(a: np.ndarray) -> list[Any]:
    """``[C, *spatial]`` → ``[1, *spatial, C]``."""
    return np.moveaxis(a, 0, -1)[None].tolist()


def channels_first(a: list[Any]) -> np.ndarray:
    """``[1, *spatial, C]`` → ``[C, *spatial]``."""
    return np.moveaxis(np.asarray(a, dtype=float)[0], -1, 0)


def _kernel_axes(n: int) -> tuple[int, ...]:
    """PyTorch's ``[a, b, *k]`` → Keras's ``[*k, b, a]`` (its own inverse's argsort)."""
    return (*range(2, 2 + n), 1, 0)


def check(
    keras_jax: KerasJax,
    config: ConvConfig,
    layer: str,
    args: dict[str, Any],
    seed: int,
    with_bias: bool,
) -> None:
    rng = np.random.default_rng(seed)
    # distinct values (no ties: a max pool's gradient goes to one cell in either framework)
    x = rng.permutation(np.prod(config.input_shape)).reshape(config.input_shape) / 4.0 - 3
    x, w, _ = resolve_values(config, input=x, seed=seed)
    b = rng.integers(-3, 4, size=config.out_channels).astype(float) if with_bias else None
    g = rng.integers(-3, 4, size=config.output_shape).astype(float)
    weights = []
    if not config.pooling:
        weights.append(np.transpose(w, _kernel_axes(config.ndim)).tolist())
        if b is not None:
            weights.append(b.tolist())
    answer = keras_jax.ask(
        {"layer": layer, "args": args, "x": channels_last(x), "weights": weights,
         "g": channels_last(g)}
    )  # fmt: skip
    assert "error" not in answer, (layer, args, answer)
    result = trace(config, x, w, b)
    np.testing.assert_allclose(result.output, channels_first(answer["y"]), atol=1e-9)
    grads = backward(result, g)
    np.testing.assert_allclose(grads.input, channels_first(answer["dx"]), atol=1e-9)
    if config.pooling:
        assert grads.weight is None and answer["dweights"] == []
        return
    dkernel = np.asarray(answer["dweights"][0], dtype=float)
    inverse = np.argsort(_kernel_axes(config.ndim))
    assert grads.weight is not None
    np.testing.assert_allclose(grads.weight, np.transpose(dkernel, inverse), atol=1e-9)
    if b is not None:
        np.testing.assert_allclose(grads.bias, answer["dweights"][1], atol=1e-9)


def _conv(
    fields: dict[str, Any], args: dict[str, Any], with_bias: bool
) -> tuple[ConvConfig, str, dict[str, Any]]:
    try:
        config = build_config(**fields)
    except ConfigError:
        assume(False)
        raise
    n = config.ndim
    name = f"Conv{n}DTranspose" if config.transposed else f"Conv{n}D"
    return config, name, {**args, "filters": config.out_channels, "use_bias": with_bias}


@SETTINGS
@given(keras_layers(dims=(1, 2)), st.integers(0, 2**16), st.booleans())
def test_convolution_gradients_match_keras(
    keras_jax: KerasJax, layer: tuple[dict[str, Any], dict[str, Any]], seed: int, with_bias: bool
) -> None:
    config, name, args = _conv(*layer, with_bias)
    check(keras_jax, config, name, args, seed, with_bias)


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])  # fmt: skip
@given(keras_layers(dims=(3,)), st.integers(0, 2**16), st.booleans())
def test_3d_convolution_gradients_match_keras(
    keras_jax: KerasJax, layer: tuple[dict[str, Any], dict[str, Any]], seed: int, with_bias: bool
) -> None:
    config, name, args = _conv(*layer, with_bias)
    check(keras_jax, config, name, args, seed, with_bias)


POOLS = {"max_pool": "MaxPooling", "avg_pool": "AveragePooling"}


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])  # fmt: skip
@given(st.sampled_from([1, 2, 3]), st.sampled_from(list(POOLS)), st.sampled_from(["valid", "same"]),
       st.integers(0, 2**16), st.data())  # fmt: skip
def test_pool_gradients_match_keras(
    keras_jax: KerasJax, n: int, op: str, padding: str, seed: int, data: st.DataObject
) -> None:
    """Keras's pools against the same pools in ConvScope's fields (test_keras.keras_pool)."""
    config, args = keras_pool(data, n, op, padding)
    check(keras_jax, config, f"{POOLS[op]}{n}D", args, seed, False)
