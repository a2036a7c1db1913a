"""Every view of every configuration the maths accepts draws, at its first and last steps,
with the picture's own promises: the size the layout says, one cell per canvas/output cell."""

from typing import Any

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.arithmetic.errors import ConfigError
from app.arithmetic.gradients import backward
from app.arithmetic.trace import trace
from app.arithmetic.values import resolve_values
from app.render import VIEWS, check_view, make_view, render_png, render_svg
from app.render.scene import diagram_for
from tests.strategies import configs


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(config=configs(dims=(1, 2, 3)), view=st.sampled_from(VIEWS), seed=st.integers(0, 5))
def test_every_view_draws_first_and_last_step(config: Any, view: str, seed: int) -> None:
    try:
        check_view(view, config.ndim)
    except ConfigError:
        assume(False)  # a view the layer's dimensions have no picture of: refused by name
    x, w, b = resolve_values(config, seed=seed, bias=None, max_abs=1e6)
    t = trace(config, x, w, b)
    v = make_view(t, view, grads=backward(t, np.ones(config.output_shape)))
    try:
        d = diagram_for(v)
    except ConfigError as error:  # too large to draw is a named refusal, never a crash
        assert error.type in ("picture_too_large", "picture_too_large_pixels")
        return
    for step in {0, v.count - 1}:
        cells = v.cells(step)
        assert len(cells) == sum(g.rows * g.cols for g in v.grids)
        for g, row, col in cells:
            assert 0 <= row < v.grids[g].rows and 0 <= col < v.grids[g].cols
        assert render_svg(v, step).startswith(b"<svg")
        assert render_png(v, step)[:4] == b"\x89PNG"
    assert d.width > 0 and d.height > 0
