"""The gradients view with g from a target (grad_output=mse), and the form's fields that belong
to one choice (target with grad_output=mse, divisor_override with op=avg_pool), in Chromium."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

SHOTS = Path(__file__).resolve().parents[2] / ".tmp"
# 4×4 input, 3×3 kernel, stride 2, padding 1 → 2×2 output: N = 4, so g = (y − t)/2.
MSE = "input_size=4,4&kernel_size=3&stride=2&padding=1&grad_output=mse&target=1,-1;2,0"


def shown(value: float) -> str:
    """A number as the page writes it (static/js/trace.js fmt): 4 decimals, a true minus."""
    return f"{round(value, 4):g}".replace("-", "−")


def test_gradient_view_shows_where_g_came_from(page: Page, live_server: str) -> None:
    api = page.request.get(f"{live_server}/api/trace?{MSE}&steps=0").json()
    grad, y = api["grad"], api["output"]
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/?{MSE}&view=gradients")
    expect(page.locator("[data-grid=output]")).to_have_count(4)
    expect(page.locator("[data-grid=target]")).to_have_count(4)
    expect(page.locator("[data-grid=target]").nth(1)).to_have_text("−1")
    expect(page.locator(".grad-loss-note")).to_contain_text("N = 4")
    expect(page.locator(".grad-loss-note")).to_contain_text(f"= {shown(grad['loss'])}")
    # step 1: dL/dX[0,0] collects from g[0,0] alone; its line writes g[0,0] out
    line = page.locator(".grad-loss-step")
    g00 = f"g[0,0] = 2·({shown(y[0][0][0])} − 1)/4 = {shown(grad['output'][0][0][0])}"
    expect(line).to_contain_text(g00)
    expect(page.locator("[data-grid=output].tap")).to_have_count(1)
    # by keyboard: dL/dX[0,1] is fed by g[0,0] and g[0,1]
    page.locator("body").press("ArrowRight")
    expect(page.locator("[data-grid=grad-input].current")).to_have_attribute("data-index", "0,1")
    g01 = f"g[0,1] = 2·({shown(y[0][0][1])} − (−1))/4 = {shown(grad['output'][0][0][1])}"
    expect(line).to_contain_text(g01)
    expect(page.locator("[data-grid=target].tap")).to_have_count(2)
    expect(page.locator(".arithmetic")).to_contain_text(f"= {shown(grad['input'][0][0][1])}")
    page.screenshot(path=SHOTS / "gradients-mse-1280.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.locator(".grad-loss").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "gradients-mse-375.png")


def test_form_shows_a_field_only_with_its_choice(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?input_size=4,4&kernel_size=2&op=avg_pool&divisor_override=3")
    divisor = page.locator("#f-divisor_override")
    expect(divisor).to_be_visible()
    expect(divisor).to_have_value("3")
    expect(page.locator("#f-target")).to_be_hidden()
    page.locator("#f-grad_output").fill("mse")
    expect(page.locator("#f-target")).to_be_visible()
    page.locator("#f-target").fill("zeros")
    expect(page).to_have_url(re.compile(r"grad_output=mse&target=zeros"))
    page.locator("#f-op").select_option("max_pool")
    expect(divisor).to_be_hidden()
    expect(page.locator("#form-status")).to_have_text("")
    expect(page).not_to_have_url(re.compile("divisor_override"))


def test_average_pool_gradients_divide_by_divisor_override(page: Page, live_server: str) -> None:
    query = "input_size=4,4&kernel_size=2&op=avg_pool&divisor_override=3&grad_output=ones"
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/?{query}&view=gradients")
    expect(page.locator(".gradients-view .view-note").first).to_contain_text("g / 3")
    page.locator("body").press("ArrowRight")  # dL/dX[0,1]: two windows, each sends 1/3
    expect(page.locator(".arithmetic")).to_have_text("dL/dX[0,1] = 1/3 + 1/3 = 0.6667")
    page.goto(f"{live_server}/?{query}")
    page.locator("body").press("ArrowRight")
    expect(page.locator(".arithmetic")).to_contain_text("/ 3 = ")
    expect(page.locator(".arithmetic")).to_contain_text("divisor_override")
    page.locator("#f-divisor_override").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "divisor-override-1280.png")
