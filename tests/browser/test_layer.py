"""Inside one layer, in Chromium: the diagram as a component, the kernel as its own grid,
channels and groups, 1×1 convolutions, never-read cells; checked against the API."""

import re
from typing import Any

from playwright.sync_api import Page, expect

SHARE = "input_size=5,5&kernel_size=3&stride=2&padding=1"
GROUPED = "input_size=4,4&kernel_size=3&padding=1&in_channels=4&out_channels=4&groups=2"
POINTWISE = "input_size=4,4&kernel_size=1&in_channels=4&out_channels=2"


def api(page: Page, base: str, query: str) -> dict[str, Any]:
    body: dict[str, Any] = page.request.get(f"{base}/api/trace?{query}").json()
    return body


def texts(page: Page, selector: str) -> list[str]:
    found: list[str] = page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)")
    return found


def fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def test_two_diagrams_on_one_page_step_apart(page: Page, live_server: str) -> None:
    """A Viewer owns its root: a second one mounted beside the first steps on its own."""
    page.goto(f"{live_server}/?{SHARE}")
    page.evaluate(
        """async () => {
            // the page's own module instances (static files are served under a hashed URL)
            const entry = document.querySelector('script[type=module]').src;
            const { Viewer } = await import(new URL('viewer.js', entry));
            const { initialState } = await import(new URL('state.js', entry));
            const copy = document.getElementById('viewer').cloneNode(true);
            copy.id = 'second';
            copy.querySelectorAll('[id]').forEach((el) => el.removeAttribute('id'));
            copy.querySelector('.diagram').replaceChildren();
            document.querySelector('main').append(copy);
            const viewer = new Viewer(copy);
            await viewer.load(initialState().trace);
        }"""
    )
    first, second = page.locator("#viewer"), page.locator("#second")
    expect(second.locator("[data-grid=output]")).to_have_count(9)
    second.get_by_role("button", name="Step forward").click()
    second.get_by_role("button", name="Step forward").click()
    expect(second.get_by_label("Step", exact=True)).to_have_value("2")
    expect(first.get_by_label("Step", exact=True)).to_have_value("0")
    expect(second.locator("[data-grid=output].written")).to_have_count(3)
    expect(first.locator("[data-grid=output].written")).to_have_count(1)
    # the player's keys go to the diagram last used
    second.locator(".arithmetic").click()
    page.keyboard.press("ArrowRight")
    expect(second.get_by_label("Step", exact=True)).to_have_value("3")
    expect(first.get_by_label("Step", exact=True)).to_have_value("0")


def test_kernel_grid_is_readable_and_the_sum_reads_like_the_picture(
    page: Page, live_server: str
) -> None:
    query = "input_size=3,3&kernel_size=3&stride=2&padding=1&transposed=1"
    trace = api(page, live_server, query)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/?{query}")
    kernel = page.locator(".kernel-figure [data-grid=kernel]")
    expect(kernel).to_have_count(9)
    weights = [fmt(w).replace("-", "−") for row in trace["weight"][0][0] for w in row]
    assert texts(page, ".kernel-figure [data-grid=kernel]") == weights
    size = kernel.first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 14  # readable from the back of a room at 1280×720
    expect(page.get_by_text("rotated 180°")).to_be_visible()
    # the sum lists input cells in reading order: row, then column, of the window
    page.get_by_label("Step", exact=True).fill("12")
    line = page.locator(".arithmetic").inner_text()
    step = trace["steps"][12]
    expect_terms = sorted(step["taps"], key=lambda tap: tap[0])
    values = [trace["input"][c][y][x] for (c, y, x), _ in expect_terms]
    shown = [int(a) for a in re.findall(r"\(?(−?\d+)\)?·", line.replace("−", "-"))]
    assert shown == values


def test_hovering_an_output_cell_shows_its_arithmetic(page: Page, live_server: str) -> None:
    trace = api(page, live_server, SHARE)
    page.goto(f"{live_server}/?{SHARE}")
    page.hover('[data-grid=output][data-index="2,2"]')
    value = fmt(trace["output"][0][2][2]).replace("-", "−")
    expect(page.locator(".arithmetic")).to_contain_text("output[2,2] = ")
    expect(page.locator(".arithmetic")).to_contain_text(f"= {value}")
    page.mouse.move(0, 0)
    expect(page.locator(".arithmetic")).to_contain_text("output[0,0] = ")


def test_groups_are_bracketed_and_the_filter_bank_has_one_filter_per_output(
    page: Page, live_server: str
) -> None:
    page.goto(f"{live_server}/?{GROUPED}")
    expect(page.locator("#title")).to_contain_text("4×4×4 → 4×4×4")
    expect(page.locator(".in-stage .group-box.bracketed")).to_have_count(2)
    expect(page.locator(".out-stage .group-box.bracketed")).to_have_count(2)
    expect(page.locator(".bank-filter")).to_have_count(4)
    expect(page.locator(".bank-filter .bank-slice")).to_have_count(8)  # in/groups = 2 each
    # output channel 2 (group 1) reads input channels 2 and 3 only
    steps_per_channel = 16
    page.get_by_label("Step", exact=True).fill(str(2 * steps_per_channel))
    expect(page.locator(".bank-filter.current")).to_have_text("2")
    expect(page.locator(".input-figure.current figcaption")).to_have_text(
        ["input channel 2", "input channel 3"]
    )
    expect(page.locator(".window:not([hidden])")).to_have_count(2)


def test_one_by_one_is_a_matrix_at_every_pixel(page: Page, live_server: str) -> None:
    trace = api(page, live_server, POINTWISE)
    page.goto(f"{live_server}/?{POINTWISE}")
    expect(page.get_by_text("a fully connected layer across channels")).to_be_visible()
    # step: output channel 1, pixel (2, 3)
    page.get_by_label("Step", exact=True).fill(str(16 + 2 * 4 + 3))
    pixel = [fmt(trace["input"][c][2][3]) for c in range(4)]
    assert texts(page, "[data-grid=input-vector]") == pixel
    outs = [fmt(trace["output"][o][2][3]) for o in range(2)]
    assert texts(page, "[data-grid=output-vector]") == outs
    row = [fmt(trace["weight"][1][c][0][0]).replace("-", "−") for c in range(4)]
    assert texts(page, ".pointwise-matrix [data-grid=kernel].tap") == row


def test_never_read_cells_say_why(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?input_size=6,6&kernel_size=3&stride=2")
    expect(page.locator("[data-grid=input].unused")).to_have_count(11)  # row 5 and column 5
    expect(page.locator("#legend-unused")).to_contain_text("the last window stops before them")
    page.goto(f"{live_server}/?input_size=9,9&kernel_size=3&dilation=4")
    expect(page.locator("#span-note")).to_contain_text("One window spans the whole 9×9")
    expect(page.locator("#legend-unused")).to_contain_text("the dilated kernel skips them")
    expect(page.locator("[data-grid=canvas].zero")).to_have_count(0)  # not inserted zeros


def test_downloads_export_what_is_on_screen(page: Page, live_server: str) -> None:
    query = "input_size=2,2&kernel_size=3&stride=2&transposed=1"
    trace = api(page, live_server, query)
    page.goto(f"{live_server}/?{query}&view=scatter")
    page.get_by_role("button", name="Step forward").click()
    png = page.get_by_role("link", name="PNG of this step")
    expect(png).to_have_attribute("href", f"/api/render.png?{trace['query']}&view=scatter&step=1")
    assert png.get_attribute("download") == ""
