"""Inside one layer, in Chromium: the diagram as a component, the kernel as its own grid,
channels and groups, 1×1 convolutions, never-read cells; checked against the API."""

import re

from playwright.sync_api import Page, expect

from tests.browser.reading import api, texts

SHARE = "input_size=5,5&kernel_size=3&stride=2&padding=1"
GROUPED = "input_size=4,4&kernel_size=3&padding=1&in_channels=4&out_channels=4&groups=2"
POINTWISE = "input_size=4,4&kernel_size=1&in_channels=4&out_channels=2"


def fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def test_two_diagrams_on_one_page_step_apart(page: Page, live_server: str) -> None:
    """A Viewer owns its root: a second one mounted beside the first steps on its own."""
    page.goto(f"{live_server}/?{SHARE}")
    page.evaluate(
        """async () => {
            // the page's own module instances (content-hashed URLs)
            const main = document.querySelector('script[type=module]').src;
            const { Viewer } = await import(main.replace('main.js', 'viewer.js'));
            const { initialState } = await import(main.replace('main.js', 'state.js'));
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
    expect(page.locator(".rotated")).to_have_text("rotated 180° on the canvas")
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
    expect(png).to_have_attribute("href", f"/api/render.png?{trace['query']}&view=scatter&step=2")
    assert png.get_attribute("download") == ""


def test_the_twin_is_one_click_away(page: Page, live_server: str) -> None:
    trace = api(page, live_server, SHARE)
    page.goto(f"{live_server}/?{SHARE}")
    expect(page.locator("#twin-line")).to_contain_text("backward pass")
    page.locator("[data-twin]").click()
    expect(page).to_have_url(re.compile("transposed=1"))
    twin = api(page, live_server, trace["twin"])
    expect(page.locator("[data-grid=output]")).to_have_count(25)  # back to 5×5
    assert twin["output_size"] == [5, 5]
    expect(page.locator("#twin-line")).to_contain_text("computes the backward pass")


def test_causal_outputs_sit_under_their_time_step(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?input_size=16&kernel_size=2&dilation=4&padding=causal")
    expect(page.locator("[data-grid=canvas].pad")).to_have_count(4)  # left only
    for x in (0, 7, 15):
        cell_in = page.locator(f'[data-grid=input][data-index="{x}"]').bounding_box()
        cell_out = page.locator(f'[data-grid=output][data-index="{x}"]').bounding_box()
        assert cell_in and cell_out
        assert abs(cell_in["x"] - cell_out["x"]) < 1


def test_max_pooling_picks_the_max_and_average_divides_by_k_squared(
    page: Page, live_server: str
) -> None:
    query = "input_size=6,6&kernel_size=2&stride=2&op=max_pool"
    trace = api(page, live_server, query)
    page.goto(f"{live_server}/?{query}")
    expect(page.locator("#title")).to_contain_text("Max pooling: 6×6 → 3×3")
    expect(page.locator(".kernel-figure")).to_have_count(0)  # no weights
    page.get_by_label("Step", exact=True).fill("4")  # output (1, 1): input rows 2-3, cols 2-3
    window = [trace["input"][0][y][x] for y in (2, 3) for x in (2, 3)]
    best = page.locator("[data-grid=input].max")
    expect(best).to_have_count(1)
    expect(best).to_have_text(fmt(max(window)))
    shown = ", ".join(fmt(v) for v in window)
    expect(page.locator(".arithmetic")).to_have_text(
        f"output[1,1] = max({shown}) = {fmt(trace['output'][0][1][1])}"
    )
    page.goto(f"{live_server}/?input_size=5,5&kernel_size=3&padding=1&op=avg_pool")
    expect(page.locator(".arithmetic")).to_contain_text(") / 9 = ")


def test_wavenet_presets_are_linked_layer_to_layer(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/")
    page.get_by_label("Example").select_option(
        label="WaveNet layer 1: causal, kernel 2, dilation 1"
    )
    expect(page.get_by_label("dilation", exact=True)).to_have_value("1")
    for d in (2, 4, 8):
        page.get_by_role("button", name=re.compile("Next layer")).click()
        expect(page.get_by_label("dilation", exact=True)).to_have_value(str(d))
        expect(page).to_have_url(re.compile(f"dilation={d}"))
    expect(page.get_by_role("button", name=re.compile("Next layer"))).to_be_hidden()
    expect(page.locator("[data-grid=canvas].pad")).to_have_count(8)  # d·(k−1) on the left
