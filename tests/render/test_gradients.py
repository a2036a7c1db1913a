"""The gradients view as a picture (app/render/gradients.py): the numbers its SVG writes in
dL/dX and dL/dW are torch.autograd's, the sum of each step is the engine's terms, one GIF
frame per step."""

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from app.arithmetic.config import ConvConfig
from app.arithmetic.gradients import backward
from app.arithmetic.trace import trace
from app.arithmetic.values import resolve_values
from app.render import make_view, render_svg
from app.render.gradients import GradientsView
from tests.reference import torch_gradients
from tests.strategies import configs, pools

SVG = "{http://www.w3.org/2000/svg}"


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def drawn(svg: bytes, grid: str) -> dict[str, float]:
    """``data-index`` → the number drawn in each cell of ``grid`` that has one."""
    found = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("data-grid") != grid:
            continue
        texts = [t.text for t in group.iter(f"{SVG}text") if t.text]
        if texts:
            found[group.attrib["data-index"]] = float(texts[0].replace("−", "-"))
    return found


def _last_steps(view: GradientsView) -> dict[int, int]:
    """The last step of each phase: where that phase's gradient plane is complete."""
    last: dict[int, int] = {}
    for step in range(view.count):
        last[view.phase(step)] = step
    return last


def _values(config: ConvConfig, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, size=config.input_shape).astype(float)
    x, w, _ = resolve_values(config, input=x, fill="random", seed=seed)
    g = rng.integers(-3, 4, size=config.output_shape).astype(float)
    return x, w, g


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(configs() | pools(), st.integers(0, 2**16))
def test_the_svg_writes_autograds_gradients(config: ConvConfig, seed: int) -> None:
    """Each phase's last step shows its whole dL/dX (or dL/dW) plane: every number drawn
    there is torch.autograd's (the numbers are whole or short, so they are drawn exactly)."""
    x, w, g = _values(config, seed)
    result = trace(config, x, w)
    view = make_view(result, "gradients", grads=backward(result, g))
    assert isinstance(view, GradientsView)
    dx, dw, _ = torch_gradients(config, x, w, None, g)
    compared = 0
    for phase, step in _last_steps(view).items():
        svg = render_svg(view, step)
        if phase < config.in_channels:
            shown = drawn(svg, "grad-input")
            expected = {
                view.key("input", (phase, *((0, *i) if config.ndim == 1 else i))): dx[(phase, *i)]
                for i in np.ndindex(*config.input_size)
            }
        else:
            assert dw is not None
            w0, w1 = view.planes[phase - config.in_channels]
            shown = drawn(svg, "grad-weight")
            expected = {
                view.key("weight", (w0, w1, *((0, *k) if config.ndim == 1 else k))): dw[
                    (w0, w1, *k)
                ]
                for k in np.ndindex(*config.kernel_size)
            }
        assert set(shown) <= set(expected)
        for key, value in shown.items():
            assert value == pytest.approx(expected[key], rel=1e-3, abs=1e-9), key
        compared += len(shown)
    assert compared > 0


def test_a_step_sums_the_terms_it_collects(client: TestClient) -> None:
    """By hand: y0 = 10·x0 + 1·x1, y1 = 10·x2 + 1·x3; with g = (1, −1), dL/dw1 = g0·x1 + g1·x3
    = 2 − 4 = −2 (the 6th step: 4 input cells, then w0, w1), and dL/dx3 = g1·w1 = −1."""
    query = "input_size=4&kernel_size=2&stride=2&weight=10,1&input=1,2,3,4&grad_output=1,-1"
    svg = client.get(f"/api/render.svg?{query}&view=gradients&step=6")
    assert svg.status_code == 200, svg.text
    title = ET.fromstring(svg.content).find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert "dL/dW[0,0,1] = 1·2 + (−1)·4 = −2" in title.text
    assert drawn(svg.content, "grad-weight") == {"0,0,0": 1 * 1 + (-1) * 3, "0,0,1": -2}
    x3 = client.get(f"/api/render.svg?{query}&view=gradients&step=4").content
    assert "dL/dX[3] = (−1)·1 = −1" in x3.decode()
    lit = [
        group.attrib["data-index"]
        for group in ET.fromstring(x3).iter(f"{SVG}g")
        if group.get("data-lit") and group.get("data-grid") == "grad-output"
    ]
    assert lit == ["1"]  # x3 fed the second output cell only


def test_max_pool_sends_g_to_the_first_maximum(client: TestClient) -> None:
    query = "input_size=4&kernel_size=2&stride=2&op=max_pool&input=5,5,1,7&grad_output=2,3"
    first = client.get(f"/api/render.svg?{query}&view=gradients&step=1").content.decode()
    second = client.get(f"/api/render.svg?{query}&view=gradients&step=2").content.decode()
    assert "dL/dX[0] = 2 = 2" in first  # the first of the tied maxima takes g
    assert "dL/dX[1] = 0 = 0" in second


def test_the_gif_has_one_frame_per_input_and_weight_cell(client: TestClient) -> None:
    response = client.get("/api/render.gif?input_size=3,3&kernel_size=2&view=gradients")
    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.content)).n_frames == 9 + 4
    name = response.headers["content-disposition"]
    assert name == 'inline; filename="conv2d-3x3-k2-gradients.gif"'
    pool = client.get("/api/render.gif?input_size=4,4&kernel_size=2&stride=2&op=avg_pool"
                      "&view=gradients")  # fmt: skip
    assert Image.open(io.BytesIO(pool.content)).n_frames == 16  # no weights


def test_png_has_the_svg_size(client: TestClient) -> None:
    query = "input_size=5,5&in_channels=2&out_channels=2&padding=1&view=gradients&step=60"
    svg = ET.fromstring(client.get(f"/api/render.svg?{query}").content)
    png = Image.open(io.BytesIO(client.get(f"/api/render.png?{query}").content))
    assert png.format == "PNG"
    assert png.size == (int(svg.attrib["width"]), int(svg.attrib["height"]))
    refused = client.get(f"/api/render.png?{query.replace('step=60', 'step=87')}")
    assert refused.json()["detail"][0]["type"] == "step_out_of_range"  # 50 + 4·9 = 86 steps


def test_g_from_a_target_and_the_squared_error(client: TestClient) -> None:
    """By hand: y = (10·1 + 1·2, 10·3 + 1·4) = (12, 34), target (11, 30), N = 2, so
    g = 2·(y − t)/N = (1, 4); dL/dw1 = g0·x1 + g1·x3 = 2 + 16 = 18, dL/dx3 = g1·w1 = 4."""
    query = (
        "input_size=4&kernel_size=2&stride=2&weight=10,1&input=1,2,3,4"
        "&grad_output=mse&target=11,30&view=gradients"
    )
    svg = client.get(f"/api/render.svg?{query}&step=6")
    assert svg.status_code == 200, svg.text
    assert drawn(svg.content, "grad-output") == {"0": 1, "1": 4}
    assert drawn(svg.content, "grad-weight") == {"0,0,0": 1 * 1 + 4 * 3, "0,0,1": 18}
    assert "dL/dX[3] = 4·1 = 4" in client.get(f"/api/render.svg?{query}&step=4").text
