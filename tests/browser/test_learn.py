"""/learn in Chromium: the player steps by keyboard, shows the API's numbers, keeps the
share link, and says when a learning rate diverges."""

from pathlib import Path

from playwright.sync_api import Page, expect

SHOTS = Path(__file__).resolve().parents[2] / ".tmp"


def shown(value: float) -> str:
    return f"{round(value, 4):g}".replace("-", "−")


def test_learning_player_steps_by_keyboard(page: Page, live_server: str) -> None:
    api = page.request.post(f"{live_server}/api/learn", data={"task": "upsample2x"}).json()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/learn?task=upsample2x")
    cells = page.locator("#weight-grid .learn-cell")
    expect(cells).to_have_count(16)
    expect(page.locator("#step-text")).to_contain_text("step 0 of 200")
    first = api["trajectory"][0]["weight"][0][0]
    expect(cells.first).to_have_attribute("aria-label", f"w [0,0] = {shown(first)}")
    page.locator("body").press("ArrowRight")
    expect(page.locator("#step-text")).to_contain_text("step 1 of 200")
    step1 = api["trajectory"][1]
    expect(page.locator("#update")).to_contain_text(f"= {shown(step1['weight'][0][0])}")
    expect(page).to_have_url(f"{live_server}/learn?task=upsample2x&step=1")
    page.keyboard.press(" ")  # play to the end
    expect(page.locator("#step-text")).to_contain_text("step 200 of 200", timeout=30_000)
    last = api["trajectory"][-1]["weight"]
    expect(cells.nth(5)).to_have_attribute("aria-label", f"w [1,1] = {shown(last[1][1])}")
    assert abs(last[1][1] - 0.5625) < 0.02  # the bilinear kernel's centre
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SHOTS / "learn-1280.png")
    page.keyboard.press("Home")
    expect(page.locator("#step-text")).to_contain_text("step 0 of 200")
    page.set_viewport_size({"width": 375, "height": 900})
    page.screenshot(path=SHOTS / "learn-375.png")


def test_a_share_link_opens_at_its_step_and_divergence_is_said(
    page: Page, live_server: str
) -> None:
    page.goto(f"{live_server}/learn?task=edges&lr=5&steps=50&step=3")
    expect(page.locator("#step-text")).to_contain_text("step 3 of 50")
    expect(page.locator("#diverged")).to_be_visible()
    expect(page.locator("#diverged")).to_contain_text("lr = 5")
    page.locator("#f-steps").fill("5000")
    page.locator("#learn-form button[type=submit]").click()
    expect(page.locator("#messages")).to_contain_text("2000")
    expect(page.locator("#f-steps")).to_have_attribute("aria-invalid", "true")


def test_a_link_follows_the_cell_the_tour_talks_about(page: Page, live_server: str) -> None:
    """The training tour's stop 5: the centre weight's first update, with PyTorch's numbers."""
    page.goto(f"{live_server}/learn?task=upsample2x&cell=1,1")
    expect(page.locator("#update")).to_contain_text("w[1,1] ← w − lr·dL/dW = 0.1121 − 1·(−0.083)")
    expect(page.locator("#update")).to_contain_text("= 0.195")
    expect(page.locator("#weight-grid .learn-cell.selected")).to_have_attribute("data-index", "1,1")
