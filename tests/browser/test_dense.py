"""Big grids painted on a canvas from the start (static/js/dense.js), explored as the DOM
grids are: hovering the canvas hit-tests a cell, which becomes an element with its
data-grid/data-index and name; what it touches lights up (as elements); click pins; the
arrow keys move a visible focus cell; the status line says what the cell is. Checked
against the API."""

import re

from playwright.sync_api import Page, expect

from tests.browser.reading import api, indices, key, point_at

PAGE_64 = "input_size=64,64&kernel_size=3&padding=1"
MATRIX_16 = "input_size=16,16&kernel_size=3&weight=1,2,3;4,-5,6;7,8,9"  # no zero weight


def test_a_64_by_64_layer_is_painted_and_explored_like_a_small_one(
    page: Page, live_server: str
) -> None:
    trace = api(page, live_server, PAGE_64)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/?{PAGE_64}")
    expect(page.locator(".diagram .input-figure .grid-canvas")).to_have_count(1)
    expect(page.locator(".diagram .output-figure .grid-canvas")).to_have_count(1)
    # a handful of elements, not 12,054: the grids' tab stops and this step's cells
    assert page.locator(".diagram [data-grid]").count() < 60
    # the step's taps are elements, with the contract's data-index
    page.get_by_role("button", name="Step forward").click()
    first = trace["steps"][1]
    expect(page.locator("[data-grid=input].tap")).to_have_count(len(first["taps"]))
    assert indices(page, "[data-grid=input].tap") == {key(t[0]) for t in first["taps"]}
    expect(page.locator("[data-grid=output].current")).to_have_attribute(
        "data-index", key(first["output"])
    )
    # hover an output cell on the canvas: it is hit-tested, and its window lights up
    step = next(s for s in trace["steps"] if s["output"] == [0, 20, 30])
    point_at(page, ".output-figure", 64, 64, 20, 30)
    hovered = page.locator('[data-grid=output][data-index="20,30"]')
    expect(hovered).to_have_class(re.compile(r"\bhl\b"))
    expect(hovered).to_have_attribute("aria-label", re.compile("output row 20, column 30"))
    assert indices(page, "[data-grid=input].hl") == {key(t[0]) for t in step["taps"]}
    status = page.locator(".status").first
    expect(status).to_contain_text(f"output[20,30] = {step['value']:g}".replace("-", "−"))
    # hover an input cell: every output cell it feeds lights up
    point_at(page, ".input-figure", 66, 66, 1 + 40, 1 + 7)  # padding 1: canvas = input + 1
    expect(page.locator('[data-grid=input][data-index="40,7"]')).to_have_class(
        re.compile(r"\bhl\b")
    )
    fed = {key(s["output"]) for s in trace["steps"] if any(t[0] == [0, 40, 7] for t in s["taps"])}
    assert indices(page, "[data-grid=output].hl") == fed and len(fed) == 9
    # click pins; the arrow keys move a visible focus cell; Escape unpins
    page.mouse.click(*center(page, '[data-grid=input][data-index="40,7"]'))
    pinned = page.locator("[data-grid=input].pinned")
    expect(pinned).to_have_attribute("data-index", "40,7")
    expect(status).to_contain_text("Pinned input[40,7]")
    page.keyboard.press("ArrowDown")
    focus = page.locator('[data-grid=input][data-index="41,7"]')
    expect(focus).to_be_focused()
    outline = focus.evaluate(
        "el => getComputedStyle(el).outlineStyle + getComputedStyle(el).boxShadow"
    )
    assert outline != "none" + "none", "the focus cell is visible"
    expect(status).to_contain_text("input[41,7]")
    page.keyboard.press("End")
    expect(page.locator('[data-grid=input][data-index="41,63"]')).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("[data-grid=input].pinned")).to_have_count(0)
    expect(status).to_contain_text("Unpinned input[40,7]")
    # elements come and go: still a handful after all that
    assert page.locator(".diagram [data-grid]").count() < 80


def center(page: Page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_the_16_by_16_matrix_is_painted_and_its_rows_explored(page: Page, live_server: str) -> None:
    matrix = page.request.get(f"{live_server}/api/matrix?{MATRIX_16}").json()
    rows, columns = len(matrix["rows"]), len(matrix["columns"])
    assert (rows, columns) == (196, 256)
    page.goto(f"{live_server}/?{MATRIX_16}&view=matrix")
    expect(page.locator(".matrix-figure .grid-canvas")).to_have_count(1)
    expect(page.locator(".matrix-figure figcaption")).to_have_text("C: 196 × 256")
    assert page.locator("[data-grid=matrix]").count() < 10  # not 50,176 cells
    # hover row 20, column 37 of C: the row's output cell and window light up
    r = 20
    j = next(j for j, w in enumerate(matrix["matrix"][r]) if w != 0)
    point_at(page, ".matrix-figure", rows, columns, r, j)
    cell = page.locator(f'[data-grid=matrix][data-index="{r},{j}"]')
    expect(cell).to_have_class(re.compile(r"\bhl\b"))
    out = ",".join(map(str, matrix["rows"][r][1:]))
    assert indices(page, "[data-grid=output].hl") == {out}
    window = {
        ",".join(map(str, matrix["columns"][k][1:])) for k, w in enumerate(matrix["matrix"][r]) if w
    }
    assert indices(page, "[data-grid=input].hl") == window
    expect(page.locator(".status").first).to_contain_text(f"Row {r} of the matrix is output[{out}]")
    # by keyboard: ArrowDown moves to the next row of C
    cell.click()
    page.keyboard.press("ArrowDown")
    expect(page.locator(f'[data-grid=matrix][data-index="{r + 1},{j}"]')).to_be_focused()
