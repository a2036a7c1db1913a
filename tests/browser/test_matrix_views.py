"""The matrix view fits the screen (issue 21 item 8) and works in 3-D (issue 20 item 2).

Every matrix preset's view lies inside 1280×800 with the page at its top and inside a
375×800 phone's width and height; the current row stays in view as the player steps; a
3-D layer's matrix is explored by keyboard and click, its rows and columns lighting cells
in the volume's slices. Expected values come from the API's /api/matrix and /api/trace.
Screenshots land in .tmp/ to look at (not compared)."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.reading import api, indices

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / ".tmp" / "matrix"
PRESETS = [
    preset
    for group in json.loads((ROOT / "static/presets/layer.json").read_text())["groups"]
    for preset in group["items"]
    if preset.get("view") == "matrix"
]
VIEW_BOX = "e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom] }"


def settled(page: Page) -> None:
    """The matrix is drawn and the diagram done resizing."""
    expect(page.locator(".mcell").first).to_be_attached()
    page.wait_for_function("() => !document.querySelector('.diagram').getAnimations().length")


def legible(page: Page) -> list[float]:
    """Font sizes below 10 px of the view's drawn numbers (none expected)."""
    small: list[float] = page.eval_on_selector_all(
        ".matrix-view .cell, .matrix-view .mcell",
        "els => els.filter(e => e.textContent.trim() && e.offsetParent)"
        ".map(e => parseFloat(getComputedStyle(e).fontSize)).filter(s => s < 10)",
    )
    return small


def test_there_are_matrix_presets() -> None:
    assert len(PRESETS) >= 6  # 1-D, the guide's, the strided one, each with its twin


@pytest.mark.parametrize("preset", PRESETS, ids=[p["id"] for p in PRESETS])
def test_every_matrix_preset_fits_1280_by_800(
    page: Page, live_server: str, preset: dict[str, Any]
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/?{preset['query']}&view=matrix")
    settled(page)
    left, top, right, bottom = page.eval_on_selector(".matrix-view", VIEW_BOX)
    assert left >= 0 and right <= 1280 and bottom <= 800, (top, bottom)
    assert not legible(page)
    page.screenshot(path=str(SHOTS / f"{preset['id']}-1280.png"))
    # the last step: its row of the matrix shows inside the equation's box
    rows = len(page.request.get(f"{live_server}/api/matrix?{preset['query']}").json()["rows"])
    page.get_by_label("Step", exact=True).focus()
    page.keyboard.press("End")
    expect(page.locator(".status")).to_contain_text(f"Step {rows} of {rows}")
    box = page.eval_on_selector(".matrix-equation", VIEW_BOX)
    row = page.eval_on_selector(f'.mcell[data-index="{rows - 1},0"]', VIEW_BOX)
    assert box[1] <= row[1] and row[3] <= box[3] + 1, (box, row)
    caption = page.eval_on_selector(".matrix-figure figcaption", VIEW_BOX)
    assert box[1] - 1 <= caption[1] <= box[3]  # the caption stays on top of the box


@pytest.mark.parametrize("preset", PRESETS, ids=[p["id"] for p in PRESETS])
def test_every_matrix_preset_fits_a_phone(
    page: Page, live_server: str, preset: dict[str, Any]
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/?{preset['query']}&view=matrix")
    settled(page)
    view = page.locator(".matrix-view")
    view.scroll_into_view_if_needed()
    left, top, right, bottom = page.eval_on_selector(".matrix-view", VIEW_BOX)
    assert left >= 0 and right <= 375 and bottom - top <= 800, (top, bottom)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not legible(page)
    view.screenshot(path=str(SHOTS / f"{preset['id']}-375.png"))


VOLUME = "input_size=2,3,3&kernel_size=2&fill=arange&weight=1,2;3,4|5,6;7,8"


def focused(page: Page) -> tuple[str, str]:
    grid, index = page.evaluate(
        "() => [document.activeElement.dataset.grid, document.activeElement.dataset.index]"
    )
    return grid, index


def test_a_3d_matrix_is_explored_by_keyboard_and_click(page: Page, live_server: str) -> None:
    body = page.request.get(f"{live_server}/api/matrix?{VOLUME}").json()
    trace = api(page, live_server, VOLUME)
    matrix, rows, columns = body["matrix"], body["rows"], body["columns"]
    assert len(columns) == 2 * 3 * 3 and len(rows) == 1 * 2 * 2
    where = lambda cell: ",".join(map(str, cell[1:]))  # noqa: E731 (one channel: "z,y,x")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/?{VOLUME}&view=matrix")
    settled(page)
    # input and output drawn as rows of depth slices, as the volume view draws them
    expect(page.locator(".in-stage .slice")).to_have_count(2)
    expect(page.locator(".out-stage .slice")).to_have_count(1)
    expect(page.locator('[data-grid="matrix"]')).to_have_count(len(rows) * len(columns))
    # the matrix's entries are the API's, flattened z, y, x
    expect(page.locator('[data-grid="matrix"][data-index="3,17"]')).to_have_text(
        str(matrix[3][17]) if matrix[3][17] else ""
    )
    # a click on entry (2, j) lights row 2's output cell and its window in the slices
    j = next(j for j, w in enumerate(matrix[2]) if w)
    page.locator(f'[data-grid="matrix"][data-index="2,{j}"]').click()
    read = {where(columns[k]) for k, w in enumerate(matrix[2]) if w}
    assert indices(page, '[data-grid="input"].hl') == read
    assert indices(page, '[data-grid="output"].hl') == {where(rows[2])}
    lit_slices = page.eval_on_selector_all(
        ".in-stage .slice:has(.hl)", "els => els.map(e => e.dataset.z)"
    )
    depths = {where(columns[k])[0] for k, w in enumerate(matrix[2]) if w}
    assert sorted(lit_slices) == sorted(depths)
    page.keyboard.press("Escape")  # unpin
    # keys: along the matrix, then over to a column's input cell and across depth
    page.keyboard.press("Control+Home")
    assert focused(page) == ("matrix", "0,0")
    page.keyboard.press("ArrowRight")
    assert focused(page) == ("matrix", "0,1")
    page.keyboard.press("ArrowDown")
    assert focused(page) == ("matrix", "1,1")
    # an entry stands for its row: row 1's output cell and the input cells it reads
    assert indices(page, '[data-grid="output"].hl') == {where(rows[1])}
    read = {where(columns[k]) for k, w in enumerate(matrix[1]) if w}
    assert indices(page, '[data-grid="input"].hl') == read
    page.locator('[data-grid="input"][data-index="0,1,1"]').click()
    page.keyboard.press("Escape")  # unpinned, focus stays
    assert focused(page) == ("input", "0,1,1")
    page.keyboard.press("PageDown")  # one slice deeper
    assert focused(page) == ("input", "1,1,1")
    column = columns.index([0, 1, 1, 1])
    assert indices(page, '[data-grid="input-vector"].hl') == {f"{column},0"}
    fed = {where(rows[r]) for r in range(len(rows)) if matrix[r][column]}
    assert indices(page, '[data-grid="output"].hl') == fed
    # the player: step 3 writes row 2 (the output's third cell), its value the API's
    page.get_by_label("Step", exact=True).focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator(".status")).to_contain_text("Step 3 of 4")
    z, y, x = rows[2][1:]
    expect(page.locator(f'[data-grid="output"][data-index="{z},{y},{x}"]')).to_have_text(
        str(trace["output"][0][z][y][x])
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "matrix-3d-1280.png"))
    page.set_viewport_size({"width": 375, "height": 800})
    page.locator(".matrix-view").screenshot(path=str(SHOTS / "matrix-3d-375.png"))


def test_a_3d_overlap_map_is_the_apis_per_slice(page: Page, live_server: str) -> None:
    query = "input_size=3,4,4&kernel_size=3&stride=2&transposed=1"
    counts = api(page, live_server, query)["overlap"]
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/?{query}&view=overlap")
    expect(page.locator(".out-stage .slice")).to_have_count(len(counts))
    shown = page.eval_on_selector_all(
        '[data-grid="output"]', "els => els.map(e => [e.dataset.index, Number(e.dataset.count)])"
    )
    expected = {
        f"{z},{y},{x}": count
        for z, plane in enumerate(counts)
        for y, row in enumerate(plane)
        for x, count in enumerate(row)
    }
    assert dict(shown) == expected
    page.locator('[data-grid="output"][data-index="2,2,2"]').click()
    page.keyboard.press("PageUp")
    assert focused(page) == ("output", "1,2,2")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "overlap-3d-1280.png"))


def test_a_3d_transposed_layer_scatters_slice_by_slice(page: Page, live_server: str) -> None:
    query = "input_size=2,2,2&kernel_size=3&stride=2&transposed=1&fill=arange"
    trace = api(page, live_server, query)
    axes, output = trace["axes"], trace["output"][0]
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/?{query}&view=scatter")
    expect(page.locator(".kernel-stage .slice")).to_have_count(3)
    expect(page.locator(".out-stage .slice")).to_have_count(len(output))
    # step 1: input (0, 0, 0) adds its copy of the kernel onto the cells it feeds (the axes)
    reach = [{o for o, taps in enumerate(axis["taps"]) if any(i == 0 for _, i in taps)}
             for axis in axes]  # fmt: skip
    fed = {f"{z},{y},{x}" for z in reach[0] for y in reach[1] for x in reach[2]}
    expect(page.locator('[data-grid="output"].tap')).to_have_count(len(fed))
    assert indices(page, '[data-grid="output"].tap') == fed
    # the last step: every output cell holds PyTorch's sum (the API's output)
    page.get_by_label("Step", exact=True).focus()
    page.keyboard.press("End")
    expect(page.locator(".status")).to_contain_text("Step 8 of 8")
    shown = page.eval_on_selector_all(
        '[data-grid="output"]', "els => els.map(e => [e.dataset.index, e.textContent])"
    )
    expected = {
        f"{z},{y},{x}": str(value)
        for z, plane in enumerate(output)
        for y, row in enumerate(plane)
        for x, value in enumerate(row)
    }
    assert dict(shown) == expected
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "scatter-3d-1280.png"))
    page.set_viewport_size({"width": 375, "height": 800})
    page.locator(".diagram").screenshot(path=str(SHOTS / "scatter-3d-375.png"))


def test_a_3d_matrix_above_the_limit_is_refused_in_words(page: Page, live_server: str) -> None:
    query = "input_size=8,8,8&kernel_size=2"
    response = page.request.get(f"{live_server}/api/matrix?{query}")
    assert response.status == 422
    (error,) = response.json()["detail"]
    assert error["ctx"]["limit_name"] == "max_matrix_entries"
    page.goto(f"{live_server}/?{query}&view=matrix")
    expect(page.locator(".diagram").get_by_role("alert")).to_have_text(error["msg"])
    expect(page.locator(".matrix-equation")).to_contain_text("for small layers")
    expect(page.locator(".out-stage .slice")).to_have_count(7)  # the volumes still step
    page.get_by_role("button", name="Step forward").click()
    expect(page.locator('[data-grid=output][data-index="0,0,1"]')).to_have_class(
        re.compile(r"\bcurrent\b")
    )
