"""The matrix and overlap views in Chromium, checked against /api/matrix, /api/trace and PyTorch."""

import re
from typing import Any

import torch
from playwright.sync_api import Page, expect

from tests.browser.reading import indices

# The guide's "padding, strides" figure with a kernel of non-zero weights, so that the
# non-zero entries of a row of C are exactly its window's input cells.
MATRIX = "input_size=5,5&kernel_size=3&stride=2&padding=1&weight=1,2,3;4,-5,6;7,8,9"
CHECKERBOARD = "input_size=3,3&kernel_size=3&stride=2&transposed=1"  # Odena et al. 2016
EVEN = "input_size=3,3&kernel_size=4&stride=2&transposed=1"


def get(page: Page, base: str, route: str, query: str) -> dict[str, Any]:
    body: dict[str, Any] = page.request.get(f"{base}/api/{route}?{query}").json()
    return body


def shown(value: float) -> str:
    """A matrix entry as the page writes it: blank for 0, a true minus sign."""
    return "" if value == 0 else f"{value:g}".replace("-", "−")


def spatial(index: list[int]) -> str:
    """data-index of a one-channel cell: the API's [channel, y, x] without the channel."""
    return ",".join(map(str, index[1:]))


def test_matrix_row_lights_its_output_cell_and_window(page: Page, live_server: str) -> None:
    matrix = get(page, live_server, "matrix", MATRIX)
    trace = get(page, live_server, "trace", MATRIX)
    page.goto(f"{live_server}/?{MATRIX}&view=matrix")
    rows, columns = len(matrix["rows"]), len(matrix["columns"])
    assert (rows, columns) == (9, 25)
    expect(page.locator("[data-grid=matrix]")).to_have_count(rows * columns)
    drawn = page.eval_on_selector_all(
        "[data-grid=matrix]", "els => els.map(e => [e.dataset.index, e.textContent])"
    )
    for index, text in drawn:
        r, j = map(int, index.split(","))
        value = matrix["matrix"][r][j]
        assert text == shown(value)

    # hover a cell of row 4 (the centre output cell): its output cell and window light
    r = 4
    page.locator(f'[data-grid=matrix][data-index="{r},0"]').hover()
    step = trace["steps"][r]
    assert step["output"] == matrix["rows"][r]
    window = {spatial(tap[0]) for tap in step["taps"]}
    nonzero = {spatial(matrix["columns"][j]) for j, w in enumerate(matrix["matrix"][r]) if w != 0}
    assert window == nonzero and len(window) == 9
    expect(page.locator("[data-grid=output].hl")).to_have_count(1)
    assert indices(page, "[data-grid=output].hl") == {spatial(matrix["rows"][r])}
    assert indices(page, "[data-grid=input].hl") == window
    assert indices(page, "[data-grid=output-vector].hl") == {f"{r},0"}

    # hover input x[6] (input cell 1,1): every output cell it feeds lights
    j = 6
    page.locator(f'[data-grid=input-vector][data-index="{j},0"]').hover()
    fed = {spatial(matrix["rows"][r]) for r in range(rows) if matrix["matrix"][r][j] != 0}
    assert fed == {"0,0", "0,1", "1,0", "1,1"}
    expect(page.locator("[data-grid=output].hl")).to_have_count(len(fed))
    assert indices(page, "[data-grid=output].hl") == fed
    assert indices(page, "[data-grid=input].hl") == {spatial(matrix["columns"][j])}

    # by keyboard: the matrix is one tab stop; ArrowDown moves row by row and says the row
    page.locator('[data-grid=matrix][data-index="0,0"]').focus()
    for _ in range(5):
        page.keyboard.press("ArrowDown")
    expect(page.locator('[data-grid=matrix][data-index="5,0"]')).to_be_focused()
    expect(page.locator(".status")).to_contain_text(
        f"Row 5 of the matrix is output[{spatial(matrix['rows'][5])}]"
    )
    assert indices(page, "[data-grid=output].hl") == {spatial(matrix["rows"][5])}
    page.keyboard.press("Tab")  # leave the grids

    # the player steps through the rows: step 2 is row 2
    page.mouse.move(0, 0)
    page.get_by_role("button", name="Step forward").click()
    page.get_by_role("button", name="Step forward").click()
    expect(page.locator('[data-grid=matrix][data-index="2,0"]')).to_have_class(
        re.compile(r"\bnow\b")
    )
    assert indices(page, "[data-grid=output].current") == {spatial(matrix["rows"][2])}
    assert indices(page, "[data-grid=input].tap") == {
        spatial(tap[0]) for tap in trace["steps"][2]["taps"]
    }


def drawn_matrix(page: Page) -> list[list[str]]:
    cells = page.eval_on_selector_all(
        "[data-grid=matrix]", "els => els.map(e => [e.dataset.index, e.textContent])"
    )
    rows = 1 + max(int(index.split(",")[0]) for index, _ in cells)
    columns = 1 + max(int(index.split(",")[1]) for index, _ in cells)
    grid = [[""] * columns for _ in range(rows)]
    for index, text in cells:
        r, j = map(int, index.split(","))
        grid[r][j] = text
    return grid


def test_matrix_flips_to_its_twins_transpose(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?{MATRIX}&view=matrix")
    expect(page.locator("[data-grid=matrix]")).to_have_count(9 * 25)
    c = drawn_matrix(page)
    twin = get(page, live_server, "trace", MATRIX)["twin"]
    page.get_by_role("link", name="See Cᵀ").click()
    expect(page).to_have_url(re.compile("transposed=1.*view=matrix"))
    expect(page.locator("[data-grid=matrix]")).to_have_count(25 * 9)
    expect(page.locator(".matrix-figure figcaption")).to_have_text("Cᵀ: 25 × 9")
    transposed = drawn_matrix(page)
    assert transposed == [list(column) for column in zip(*c, strict=True)]
    assert transposed == [
        [shown(w) for w in row] for row in get(page, live_server, "matrix", twin)["matrix"]
    ]


def test_matrix_view_of_a_large_layer_shows_the_limit(page: Page, live_server: str) -> None:
    query = "input_size=32,32&kernel_size=3"
    response = page.request.get(f"{live_server}/api/matrix?{query}")
    assert response.status == 422
    page.goto(f"{live_server}/?{query}&view=matrix")
    expect(page.locator(".diagram").get_by_role("alert")).to_have_text(
        response.json()["detail"][0]["msg"]
    )
    expect(page.locator("[data-grid=output]")).to_have_count(30 * 30)  # the grids still step
    page.get_by_role("button", name="Step forward").click()
    expect(page.locator('[data-grid=output][data-index="0,1"]')).to_have_class(
        re.compile(r"\bcurrent\b")
    )


def overlap_counts(input_size: int, kernel_size: int, stride: int) -> list[list[int]]:
    """How many input cells scatter onto each output cell: a transposed convolution of ones."""
    ones = torch.ones(1, 1, input_size, input_size, dtype=torch.float64)
    kernel = torch.ones(1, 1, kernel_size, kernel_size, dtype=torch.float64)
    counts = torch.nn.functional.conv_transpose2d(ones, kernel, stride=stride)[0, 0]
    return [[int(v) for v in row] for row in counts.tolist()]


def shown_counts(page: Page) -> list[list[int]]:
    cells = page.eval_on_selector_all(
        ".overlap-view [data-grid=output]", "els => els.map(e => [e.dataset.index, e.textContent])"
    )
    size = max(int(index.split(",")[0]) for index, _ in cells) + 1
    grid = [[-1] * size for _ in range(size)]
    for index, text in cells:
        y, x = map(int, index.split(","))
        grid[y][x] = int(text)
    return grid


def test_overlap_view_shows_the_checkerboard(page: Page, live_server: str) -> None:
    trace = get(page, live_server, "trace", CHECKERBOARD)
    page.goto(f"{live_server}/?{CHECKERBOARD}&view=overlap")
    expect(page.locator(".overlap-view [data-grid=output]")).to_have_count(7 * 7)
    counts = shown_counts(page)
    assert counts == trace["overlap"] == overlap_counts(3, 3, 2)
    assert {c for row in counts[1:-1] for c in row[1:-1]} == {1, 2, 4}  # uneven: the checkerboard
    expect(page.locator(".overlap-legend li:has(.swatch)")).to_have_count(3)

    # hover output (2, 2): the four input cells scattering onto it light, as the API says
    page.locator('.overlap-view [data-grid=output][data-index="2,2"]').hover()
    step = next(s for s in trace["steps"] if s["output"] == [0, 2, 2])
    lit = {spatial(tap[0]) for tap in step["taps"]}
    assert lit == {"0,0", "0,1", "1,0", "1,1"}
    expect(page.locator(".overlap-view [data-grid=input].hl")).to_have_count(4)
    assert indices(page, ".overlap-view [data-grid=input].hl") == lit


def test_overlap_view_even_when_the_stride_divides_the_kernel(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?{EVEN}&view=overlap")
    expect(page.locator(".overlap-view [data-grid=output]")).to_have_count(8 * 8)
    counts = shown_counts(page)
    assert counts == overlap_counts(3, 4, 2)
    assert {c for row in counts[2:-2] for c in row[2:-2]} == {4}  # every inner cell alike


def test_switching_views_leaves_only_the_view_shown(page: Page, live_server: str) -> None:
    """Every view offered for a 3-D transposed layer (depth slices, scatter, matrix, overlap),
    chosen in turn and back: the diagram holds only the chosen view's drawing (the volume
    view used to draw below the view shown before it), and the chooser names "depth slices"."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/?input_size=2,2,2&kernel_size=2&stride=2&transposed=1")
    diagram = page.locator(".diagram")
    expect(diagram).to_have_attribute("data-view", "volume")
    expect(page.locator("#view-canvas-label")).to_have_text("depth slices")
    offered = page.locator("input[name=view]:visible")
    expect(offered).to_have_count(4)
    alone: dict[str, int] = {}
    for name in ["canvas", "scatter", "matrix", "overlap", "canvas", "overlap", "matrix"]:
        page.locator(f"input[name=view][value={name}]").check()
        drawn = "volume" if name == "canvas" else name
        expect(diagram).to_have_attribute("data-view", drawn)
        expect(diagram.locator("[data-grid=output]").first).to_be_visible()
        expect(diagram.locator("[aria-busy=true]")).to_have_count(0)  # the matrix has come
        figures = diagram.locator("figure").count()
        assert alone.setdefault(drawn, figures) == figures, (drawn, figures, alone)


def test_a_small_3d_layer_keeps_readable_cells(page: Page, live_server: str) -> None:
    """A 4×4×4 input with a 3×3×3 kernel at 1280×800: the input's cells used to be 5 px (the
    kernel's slices kept 40 px cells and took the row); every grid now shows its numbers at
    18 px or more, on one row."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/?input_size=4,4,4&kernel_size=3")
    diagram = page.locator(".diagram")
    expect(diagram).to_have_attribute("data-view", "volume")
    for grid in ("input", "output"):
        cells = diagram.locator(f"[data-grid={grid}]")
        expect(cells.first).to_be_visible()
        sides = cells.evaluate_all(
            "cs => cs.map(c => c.getBoundingClientRect()).map(r => Math.min(r.width, r.height))"
        )
        assert min(sides) >= 17.5, (grid, min(sides))
    first, last = (diagram.locator(f".{part}-stage").bounding_box() for part in ("in", "out"))
    assert first is not None and last is not None
    assert last["y"] < first["y"] + first["height"] and last["x"] > first["x"]  # one row
