"""Issue 20 in the browser: a reflect-padded canvas shows its sources on hover, a 3-D trace
is explored by keyboard across depth, and the im2col view links a column to its window.
Every expected value comes from the API's answer (canvas.source, axes, im2col)."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.reading import api

SHOTS = Path(__file__).resolve().parents[2] / ".tmp"
REFLECT = "input_size=4,4&kernel_size=3&padding=1&padding_mode=reflect&fill=arange"
LIT = re.compile(r"\bsource\b")


def shoot(page: Page, name: str) -> None:
    """Screenshots at 1280×720 and 375 px wide, to look at (not compared)."""
    SHOTS.mkdir(exist_ok=True)
    for width, height in ((1280, 720), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=width == 375)
    page.set_viewport_size({"width": 1280, "height": 720})


def test_a_reflect_padded_canvas_shows_its_sources_on_hover(page: Page, live_server: str) -> None:
    trace = api(page, live_server, REFLECT)
    sy, sx = trace["canvas"]["source"]
    page.goto(f"{live_server}/?{REFLECT}")
    corner = page.locator('[data-grid="canvas"][data-index="0,0"]')
    # canvas (0, 0) is input (−1, −1): reflect copies input (1, 1)
    assert (sy[0], sx[0]) == (1, 1)
    expect(corner).to_have_text(str(trace["input"][0][1][1]))
    expect(corner).to_have_class(re.compile(r"\bcopy\b"))
    corner.hover()
    source = page.locator('[data-grid="input"][data-index="1,1"]')
    expect(source).to_have_class(LIT)
    # the bottom edge's canvas (5, 2) is input (4, 1): reflect copies input (2, 1)
    assert (sy[5], sx[2]) == (2, 1)
    page.locator('[data-grid="canvas"][data-index="5,2"]').hover()
    expect(page.locator('[data-grid="input"][data-index="2,1"]')).to_have_class(LIT)
    expect(source).not_to_have_class(LIT)
    shoot(page, "layers-reflect")
