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


VOLUME = "input_size=3,4,4&kernel_size=2&stride=2&padding=1&fill=arange"


def focused(page: Page) -> tuple[str, str]:
    grid, index = page.evaluate(
        "() => [document.activeElement.dataset.grid, document.activeElement.dataset.index]"
    )
    return grid, index


def test_a_3d_trace_is_explored_by_keyboard_across_depth(page: Page, live_server: str) -> None:
    trace = api(page, live_server, VOLUME)
    (d, h, w), (od, oh, ow) = trace["config"]["input_size"], trace["output_size"]
    expect(page.locator('[data-grid="output"]')).to_have_count(0)  # nothing before the page
    page.goto(f"{live_server}/?{VOLUME}")
    # depth as a row of slices: one slice per canvas depth, one per output depth
    expect(page.locator(".in-stage .slice")).to_have_count(trace["canvas"]["size"][0])
    expect(page.locator(".out-stage .slice")).to_have_count(od)
    expect(page.locator('[data-grid="input"]')).to_have_count(d * h * w)
    expect(page.locator('[data-grid="output"]')).to_have_count(od * oh * ow)
    # step 0: the 2×2×2 window at canvas (0, 0, 0) covers canvas slices 0 and 1
    expect(page.locator(".in-stage .slice.reached")).to_have_count(2)
    page.locator('[data-grid="output"][data-index="0,0,0"]').focus()
    assert focused(page) == ("output", "0,0,0")
    page.keyboard.press("PageDown")  # one slice deeper
    assert focused(page) == ("output", "1,0,0")
    page.keyboard.press("ArrowRight")
    assert focused(page) == ("output", "1,0,1")
    # focus shows what the output cell reads: its taps from the API's axes, lit
    taps = trace["axes"]
    cells = {
        f"{iz},{iy},{ix}"
        for _, iz in taps[0]["taps"][1] for _, iy in taps[1]["taps"][0]
        for _, ix in taps[2]["taps"][1]
    }  # fmt: skip
    lit = page.eval_on_selector_all(
        '[data-grid="input"].hl', "els => els.map(e => e.dataset.index)"
    )
    assert set(lit) == cells
    page.keyboard.press("PageUp")
    assert focused(page) == ("output", "0,0,1")
    shoot(page, "layers-volume")


IM2COL = "input_size=4,4&kernel_size=3&fill=arange"


def test_im2col_column_lights_its_window(page: Page, live_server: str) -> None:
    gemm = page.request.get(f"{live_server}/api/im2col?{IM2COL}").json()
    page.goto(f"{live_server}/?{IM2COL}&view=im2col")
    expect(page.locator('[data-grid="patch"]')).to_have_count(9 * 4)
    # column 3 is the window of output (1, 1): input rows 1–3, columns 1–3
    assert gemm["columns"][3] == [1, 1]
    page.locator('[data-grid="patch"][data-index="4,3"]').hover()
    lit = page.eval_on_selector_all(
        '[data-grid="input"].hl', "els => els.map(e => e.dataset.index)"
    )
    assert set(lit) == {f"{y},{x}" for y in (1, 2, 3) for x in (1, 2, 3)}
    expect(page.locator('[data-grid="output"][data-index="1,1"]')).to_have_class(
        re.compile(r"\bhl\b")
    )
    # the hovered entry is the centre of that window: input (2, 2)
    assert gemm["input_matrix"][4][3] == 10
    # a row: one kernel position (ky, kx) = (0, 0) in every window
    page.locator('[data-grid="patch"][data-index="0,1"]').hover()
    lit = page.eval_on_selector_all(
        '[data-grid="input"].hl', "els => els.map(e => e.dataset.index)"
    )
    assert {"0,0", "0,1", "1,0", "1,1"} <= set(lit)
    link = page.locator("a.im2col-matrix-link")
    expect(link).to_have_attribute("href", re.compile(r"view=matrix"))
    shoot(page, "layers-im2col")
