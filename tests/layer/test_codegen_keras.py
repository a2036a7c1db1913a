"""The Keras snippets, run for real: Keras 3 on its PyTorch backend (TensorFlow is too heavy
for CI), for every preset, must print the output shape and compute the trace's values."""

import os
import re
from typing import Any

os.environ["KERAS_BACKEND"] = "torch"  # before keras is imported: no TensorFlow here

import keras  # noqa: F401  (the snippets import it; fail early if it is missing)
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from app.layer.schemas import TraceRequest
from app.layer.tracing import run_trace
from tests.layer.test_codegen import PRESETS, _trace_of, configs, run_snippet


def run_keras(code: str) -> tuple[str, np.ndarray]:
    printed, y = run_snippet(code, "keras")
    # The torch backend hands back a tensor that tracks gradients.
    return printed, y.detach().numpy() if hasattr(y, "detach") else np.asarray(y)


@pytest.mark.parametrize("name", PRESETS)
def test_keras_snippet_computes_the_trace(name: str) -> None:
    fields, output_size = PRESETS[name]
    result = run_trace(TraceRequest(**fields, include=["code"]))
    printed, y = run_keras(result["code"]["keras"])
    out_channels = result["config"]["out_channels"]
    assert y.shape == (1, *output_size, out_channels)
    # TensorFlow prints (1, 4, 4, 1), the torch backend torch.Size([1, 4, 4, 1]).
    assert re.findall(r"\d+", printed.splitlines()[-1]) == [str(n) for n in y.shape]
    # Keras is channels-last and batched; the trace is PyTorch's [out_channels, *output_size].
    expected = np.moveaxis(np.asarray(result["output"], dtype=float), 0, -1)[None]
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-4)


@settings(max_examples=80, suppress_health_check=[HealthCheck.filter_too_much])
@given(configs())
def test_keras_snippet_of_any_configuration_matches_the_trace(fields: dict[str, Any]) -> None:
    result = _trace_of(fields)
    _, y = run_keras(result["code"]["keras"])
    expected = np.moveaxis(np.asarray(result["output"], dtype=float), 0, -1)[None]
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-4)
