"""Pasting models as published into /stack: what it read, the input size, the head left out.

Screenshots go to ``.tmp/`` (1280×720 and 375 px wide) to be looked at.
"""

from pathlib import Path

from playwright.sync_api import Page, expect

DATA = Path(__file__).resolve().parent.parent / "stack" / "data"
SHOTS = Path(__file__).resolve().parent.parent.parent / ".tmp"


def paste(page: Page, code: str) -> None:
    box = page.locator("#paste-box")
    if box.get_attribute("open") is None:
        page.locator("#paste-box summary").click()
    page.get_by_label("Code to paste").fill(code)
    page.get_by_role("button", name="Use this code").click()


def test_paste_the_tutorial_lenet_then_printed_resnet(page: Page, live_server: str) -> None:
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/stack")
    paste(page, (DATA / "lenet_tutorial.txt").read_text(encoding="utf-8"))
    result = page.locator("#paste-result")
    expect(result).to_contain_text("Read as PyTorch code: 4 layers")
    expect(result).to_contain_text("input size 32×32 from the code")
    expect(page.get_by_label("input_size")).to_have_value("32,32")
    expect(page.locator("#flow .shape")).to_have_text(
        ["(1, 32, 32)", "(6, 28, 28)", "(6, 14, 14)", "(16, 10, 10)", "(16, 5, 5)"]
    )
    left_out = page.locator("#left-out")
    expect(left_out).to_be_visible()
    expect(left_out).to_contain_text(
        "the classifier head from line 38 is not convolution arithmetic and is left out"
    )
    expect(left_out.locator("li")).to_have_text(
        ["line 38: flatten", "line 18: Linear", "line 19: Linear", "line 20: Linear"]
    )
    page.locator("#stack-results, .stack-results").first.evaluate("e => e.scrollIntoView()")
    page.screenshot(path=str(SHOTS / "stack-paste-lenet-1280.png"))

    paste(page, (DATA / "resnet18_print.txt").read_text(encoding="utf-8"))
    expect(result).to_contain_text("Read as print(model): 18 layers")
    expect(page.locator("#flow .shape").last).to_have_text("(512, 1, 1)")  # 32×32 kept
    expect(left_out).to_contain_text("side branches (residual shortcuts)")
    expect(left_out.locator("li", has_text="Conv2d")).to_have_count(3)
    page.set_viewport_size({"width": 375, "height": 800})
    page.locator("#left-out").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "stack-paste-resnet-375.png"), full_page=False)
    assert problems == []
