"""SPEC.md "Padding modes": what each canvas cell shows, against numpy.pad (an independent
implementation: reflect, edge = replicate, wrap = circular), and PyTorch's refusals."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.arithmetic.config import build_config
from app.arithmetic.errors import ConfigError
from app.arithmetic.formulas import formulas

NUMPY = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


@given(st.integers(1, 12), st.integers(0, 12), st.integers(0, 12), st.sampled_from(list(NUMPY)))
def test_canvas_sources_are_numpy_pad(n: int, before: int, after: int, mode: str) -> None:
    limit = n - 1 if mode == "reflect" else n  # PyTorch: reflect < n, circular ≤ n
    if mode != "replicate" and max(before, after) > limit:
        with pytest.raises(ConfigError) as refused:
            build_config([n], kernel_size=1, padding=[[before, after]], padding_mode=mode)
        assert refused.value.field == "padding"
        return
    config = build_config([n], kernel_size=1, padding=[[before, after]], padding_mode=mode)
    expected = np.pad(np.arange(n), (before, after), mode=NUMPY[mode]).tolist()
    assert config.axes[0].sources == expected


def test_zeros_padding_shows_nothing_and_transposed_refuses_a_mode() -> None:
    assert build_config([3], padding=1).axes[0].sources == [None, 0, 1, 2, None]
    with pytest.raises(ConfigError) as refused:
        build_config([3], padding=1, padding_mode="reflect", transposed=True)
    assert (refused.value.field, refused.value.type) == ("padding_mode", "padding_mode_transposed")


def test_the_formulas_name_the_copied_cells() -> None:
    found = formulas(build_config([4, 4], padding=1, padding_mode="reflect"))
    named = [f for f in found if f["name"].startswith('padding_mode "reflect"')]
    assert [f["result"] for f in named] == ["before: 1; after: 2"] * 2
