"""The vectorised JSON writer of the per-step list against the plain Python list it encodes."""

import json

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.trace import steps, trace
from app.arithmetic.values import resolve_values
from app.layer.steps_json import steps_json
from tests.strategies import configs


def _plain(config: ConvConfig, seed: int, with_bias: bool) -> tuple[bytes, str]:
    x, w, _ = resolve_values(config, seed=seed)
    b = np.linspace(-1.5, 2, config.out_channels) if with_bias else None
    result = trace(config, x, w, b)
    written = steps_json(result, small=0)  # the numpy writer, whatever the size
    assert written == steps_json(result)  # the default picks either way; same bytes
    return written, json.dumps(steps(result), separators=(",", ":"))


@settings(max_examples=150, suppress_health_check=[HealthCheck.filter_too_much])
@given(configs(), st.integers(0, 2**16), st.booleans())
def test_steps_json_is_the_step_list(config: ConvConfig, seed: int, with_bias: bool) -> None:
    written, expected = _plain(config, seed, with_bias)
    assert written.decode() == expected


def test_steps_without_taps_and_large_indices() -> None:
    """Windows that read only padding have no taps; indices of several digits stay whole."""
    config = build_config([300], kernel_size=2, padding=3, in_channels=12, out_channels=2)
    written, expected = _plain(config, 0, True)
    assert '"taps":[]' in written.decode()
    assert written.decode() == expected
