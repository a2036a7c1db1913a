"""/stack's receptive field on a big layer (issue 21, item 12): a 112×112 layer used to be
drawn 3 px a cell. Now a map of the whole grid and a magnifier whose cells a learner reads
and taps (≥ 12 px), with the same data-grid/data-index hooks as the small grids."""

import re

import torch
from playwright.sync_api import Locator, Page, expect

from tests.browser.test_stack import watch_errors

MIN_CELL = 12  # px: what a learner reads and taps
LENS_OUTPUT = "Output of layer 1: arrow keys move the probed cell"


def field_of(row: int, col: int) -> tuple[set[int], set[int]]:
    """The input rows and columns output (row, col) of ResNet's stem conv reads, by autograd."""
    x = torch.zeros(1, 1, 224, 224, requires_grad=True)
    conv = torch.nn.Conv2d(1, 1, kernel_size=7, stride=2, padding=3, bias=False)
    torch.nn.init.ones_(conv.weight)
    conv(x)[0, 0, row, col].backward()
    assert x.grad is not None
    read = x.grad[0, 0].nonzero()
    return set(read[:, 0].tolist()), set(read[:, 1].tolist())


def smallest_side(cells: Locator) -> float:
    sides: list[float] = cells.evaluate_all(
        "cells => cells.map(c => c.getBoundingClientRect()).map(r => Math.min(r.width, r.height))"
    )
    assert sides, "no cells"
    return min(sides)


def window(page: Page) -> tuple[int, int, int, int]:
    """The output magnifier's first row, first column, last row and last column."""
    first, last = page.locator("[data-grid=output]").evaluate_all(
        "cells => [cells[0].dataset.index, cells[cells.length - 1].dataset.index]"
    )
    (top, left), (bottom, right) = (map(int, i.split(",")) for i in (first, last))
    return top, left, bottom, right


def open_stem_layer_1(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/stack")  # the default: ResNet's stem, 224×224 → 112×112 → 56×56
    expect(page.locator("#flow .shape")).to_have_text(
        ["(3, 224, 224)", "(64, 112, 112)", "(64, 56, 56)"]
    )
    page.get_by_label("Output of layer", exact=True).select_option("0")
    expect(page).to_have_url(re.compile(r"probe=1:56,56"))


def test_a_112x112_layer_is_read_and_probed_through_a_magnifier(
    page: Page, live_server: str
) -> None:
    problems = watch_errors(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    open_stem_layer_1(page, live_server)
    output = page.locator("[data-grid=output]")
    expect(output.locator("xpath=self::*[contains(@class, 'chosen')]")).to_have_count(1)
    assert 100 <= output.count() <= 1024  # a magnified window, not 12,544 cells
    assert smallest_side(output) >= MIN_CELL
    # the whole grid is on the map, the magnified part framed on it
    expect(page.locator("#probe-output .field-map canvas")).to_be_visible()
    expect(page.locator("#probe-output .field-window")).to_be_visible()

    # A click on a cell picks that probe; its field (7×7, from autograd) lights in the input's
    # magnifier, every cell of it at least 12 px, its first and last rows and columns numbered.
    target = page.locator('[data-grid=output][data-index="50,60"]')
    where = (
        "e => [e.getBoundingClientRect().left + scrollX, e.getBoundingClientRect().top + scrollY]"
    )
    before = target.evaluate(where)
    target.click()
    expect(page).to_have_url(re.compile(r"probe=1:50,60"))
    assert target.evaluate(where) == before  # the cells stay under the pointer
    expect(page.locator('[data-grid=output][data-index="50,60"]')).to_have_class(
        re.compile("chosen")
    )
    rows, cols = field_of(50, 60)
    lit = page.locator("[data-grid=input].rf")
    expect(lit).to_have_count(len(rows) * len(cols))
    indices = {tuple(map(int, i.split(","))) for i in lit.evaluate_all(
        "cells => cells.map(c => c.dataset.index)")}  # fmt: skip
    assert indices == {(r, c) for r in rows for c in cols}
    assert smallest_side(lit) >= MIN_CELL
    for ruler, edges in ((".lens-rows", rows), (".lens-columns", cols)):
        marked = page.locator(f"#field-input {ruler} .marked")
        expect(marked).to_have_text([str(min(edges)), str(max(edges))])
        size = marked.first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 11
    expect(page.locator("#field-status")).to_contain_text(
        f"rows {min(rows)}–{max(rows)}, columns {min(cols)}–{max(cols)}"
    )
    page.screenshot(path=".tmp/stack-field-1280.png", full_page=True)

    # Keyboard: the magnifier holds focus, visibly, and the arrow keys move the probe.
    lens = page.get_by_label(LENS_OUTPUT)
    lens.focus()
    page.keyboard.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"probe=1:50,61"))
    expect(lens).to_be_focused()
    # polled: the key redraws the magnifier, so a one-off read may meet the element it replaces
    expect(lens).not_to_have_css("outline-style", "none")
    expect(lens).to_have_css("outline-width", re.compile(r"^([2-9]|\d{2,})(\.\d+)?px$"))

    # Stepping out of the magnifier by keyboard moves it one cell, not a jump.
    top, left, _, right = window(page)
    for col in range(62, right + 2):
        page.keyboard.press("ArrowRight")
        expect(page).to_have_url(re.compile(rf"probe=1:50,{col}"))
    assert window(page)[:2] == (top, left + 1)
    expect(lens).to_be_focused()

    # The map picks a cell anywhere; the magnifier follows it there.
    box = page.locator("#probe-output .field-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * 10.5 / 112, box["y"] + box["height"] * 100.5 / 112)
    expect(page).to_have_url(re.compile(r"probe=1:100,10"))
    expect(page.locator('[data-grid=output][data-index="100,10"]')).to_have_class(
        re.compile("chosen")
    )
    # The input's map moves the input's magnifier (the field stays lit where it is).
    box = page.locator("#field-input .field-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 2, box["y"] + 2)
    expect(page.locator('[data-grid=input][data-index="0,0"]')).to_have_count(1)
    assert problems == []


def test_on_a_phone_the_magnifier_still_reads_and_taps(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    open_stem_layer_1(page, live_server)
    output = page.locator("[data-grid=output]")
    assert smallest_side(output) >= MIN_CELL
    page.locator('[data-grid=output][data-index="58,52"]').click()
    expect(page).to_have_url(re.compile(r"probe=1:58,52"))
    rows, cols = field_of(58, 52)
    expect(page.locator("[data-grid=input].rf")).to_have_count(len(rows) * len(cols))
    assert smallest_side(page.locator("[data-grid=input].rf")) >= MIN_CELL
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing sticks out sideways
    page.locator(".stack-field").screenshot(path=".tmp/stack-field-375.png")
