"""The gradients and picture views in Chromium: stepped by keyboard, read against the API."""

from pathlib import Path

from playwright.sync_api import Page, expect

SHOTS = Path(__file__).resolve().parents[2] / ".tmp"
# A direct convolution whose input gradient is its twin on g; a small upstream gradient.
DIRECT = "input_size=4,4&kernel_size=3&stride=2&padding=1&grad_output=1,-1;2,1"
TRANSPOSED = (
    "input_size=2,2&kernel_size=3&stride=2&padding=same&transposed=1&input=1,2;3,4&fill=ones"
)


def shown(value: float) -> str:
    """A number as the page writes it (static/js/trace.js fmt): 4 decimals, a true minus."""
    return f"{round(value, 4):g}".replace("-", "−")


def test_gradient_view_steps_by_keyboard(page: Page, live_server: str) -> None:
    api = page.request.get(f"{live_server}/api/trace?{DIRECT}&steps=0").json()
    grad = api["grad"]
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/?{DIRECT}&view=gradients")
    expect(page.locator("[data-grid=grad-input]")).to_have_count(16)
    expect(page.locator("[data-grid=grad-weight]")).to_have_count(9)
    expect(page.locator(".grad-twin")).to_have_attribute("href", f"/?{grad['twin']}")
    # step 0: dL/dX[0,0]; its terms are g·w over the output cells it fed
    current = page.locator("[data-grid=grad-input].current")
    expect(current).to_have_attribute("data-index", "0,0")
    expect(current).to_have_text(shown(grad["input"][0][0][0]))
    page.locator("body").press("ArrowRight")
    expect(page.locator("[data-grid=grad-input].current")).to_have_attribute("data-index", "0,1")
    expect(page.locator(".arithmetic")).to_contain_text(f"= {shown(grad['input'][0][0][1])}")
    page.screenshot(path=SHOTS / "gradients-1280.png")
    # the last step collects the last weight cell: g·x over every window position
    for _ in range(16):
        page.keyboard.press("ArrowRight")
    weight_cell = page.locator("[data-grid=grad-weight].current")
    expect(weight_cell).to_have_attribute("data-index", "0,0,0,1")
    expect(weight_cell).to_have_text(shown(grad["weight"][0][0][0][1]))
    taps = page.locator("[data-grid=grad-output].tap")
    # kernel row 0 lies on the padding for the first window row: w[0,1] meets 2 of the 4 g cells
    expect(taps).to_have_count(2)
    page.keyboard.press("Home")
    expect(page.locator("[data-grid=grad-input].current")).to_have_attribute("data-index", "0,0")
    expect(page.locator(".grad-learn")).to_have_attribute("href", "/learn?task=upsample2x")
    page.set_viewport_size({"width": 375, "height": 800})
    page.locator(".gradients-view").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / "gradients-375.png")


def test_gradient_view_without_grad_output_asks_for_ones(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?{TRANSPOSED}&view=gradients")
    expect(page.locator("[data-grid=grad-output]")).to_have_count(16)
    expect(page.locator("[data-grid=grad-output]").first).to_have_text("1")
    expect(page.locator("[data-grid=grad-input].current")).to_have_text("9")  # torch.autograd
    expect(page.locator(".grad-twin")).to_have_count(0)


def test_picture_view_draws_the_photograph(page: Page, live_server: str) -> None:
    query = "input_size=64,64&input=image:chelsea&weight=-1,0,1;-2,0,2;-1,0,1&padding=1"
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/?{query}&view=picture")
    expect(page.locator(".picture-canvas")).to_have_count(2)
    expect(page.locator(".picture-figure figcaption").nth(1)).to_contain_text("output channel 0")
    expect(page.locator(".picture-mark.current")).to_have_count(1)
    page.locator("body").press("ArrowRight")
    expect(page.locator(".arithmetic")).to_contain_text("output[0,1]")
    page.screenshot(path=SHOTS / "picture-1280.png")


def test_picture_demonstrations_show_the_checkerboard(page: Page, live_server: str) -> None:
    """A 64×64 photograph through a kernel-3 stride-2 transposed convolution of ones: the
    output at 128×128 (above the cell limit, allowed for a picture with steps=0)."""
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/?input_size=64,64&input=image:astronaut&view=picture")
    link = page.locator(".picture-demos a").nth(2)
    expect(link).to_contain_text("checkerboard")
    link.click()
    expect(page.locator(".picture-canvas")).to_have_count(2)
    expect(page.locator(".picture-figure figcaption").nth(1)).to_contain_text("output channel 0")
    size = page.eval_on_selector_all(".picture-canvas", "cs => cs.map(c => [c.width, c.height])")
    assert size == [[64, 64], [128, 128]]
    page.screenshot(path=SHOTS / "picture-checkerboard-1280.png")
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=SHOTS / "picture-375.png")


def test_gradient_view_reads_every_kind_of_layer(page: Page, live_server: str) -> None:
    """1-D, groups and dilation, a max pool, an average pool: each gradient cell the view
    writes is the API's, and the last step's terms are lit."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for query, weights in [
        ("input_size=7&kernel_size=3&dilation=2&in_channels=2&out_channels=4&groups=2"
         "&padding=same", 12),
        ("input_size=4,4&kernel_size=2&stride=2&op=max_pool&in_channels=2", 0),
        ("input_size=3,3&kernel_size=3&padding=1&op=avg_pool", 0),
        ("input_size=3&kernel_size=4&stride=2&transposed=1&output_padding=1", 4),
    ]:  # fmt: skip
        api = page.request.get(f"{live_server}/api/trace?{query}&grad_output=random").json()
        page.goto(f"{live_server}/?{query}&grad_output=random&view=gradients")
        cells = page.locator("[data-grid=grad-input]")
        total = sum(1 for _ in _flat(api["grad"]["input"]))
        expect(cells).to_have_count(total)
        expect(page.locator("[data-grid=grad-weight]")).to_have_count(weights)
        page.locator("#player-slider, [data-part=step]").first.fill(str(total + weights - 1))
        written = page.eval_on_selector_all(
            "[data-grid=grad-input]", "cs => cs.map(c => c.textContent)"
        )
        assert written == [shown(v) for v in _flat(api["grad"]["input"])]
    assert errors == []


def _flat(values: object) -> list[float]:
    if isinstance(values, list):
        return [v for item in values for v in _flat(item)]
    return [float(values)]  # type: ignore[arg-type]


def test_own_picture_is_scaled_here_and_sent_only_as_the_trace_input(
    page: Page, live_server: str
) -> None:
    query = "input_size=16,16&input=image:coffee&weight=-1,0,1;-2,0,2;-1,0,1&padding=1"
    page.goto(f"{live_server}/?{query}&view=picture")
    expect(page.locator(".picture-own .hint")).to_contain_text("sent only as the input")
    sent: list[tuple[str, str]] = []
    page.on("request", lambda r: sent.append((r.method, r.url)))
    picture = Path(__file__).resolve().parents[2] / "static" / "images" / "chelsea.png"
    with page.expect_response("**/api/trace") as answer:
        page.locator(".picture-file").set_input_files(picture)
    body = answer.value.request.post_data_json
    assert len(body["input"]) == 1 and len(body["input"][0]) == 16  # luma, scaled to 16×16
    assert all(0 <= v <= 255 for row in body["input"][0] for v in row)
    expect(page.locator(".picture-own-result .picture-canvas")).to_have_count(2)
    # the browser may fetch a static file of the page meanwhile (the favicon): none carries data
    sent = [(method, url) for method, url in sent if "/static/" not in url]
    assert sent == [("POST", f"{live_server}/api/trace")]


def test_a_picture_above_the_cell_size_opens_as_a_picture(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?input_size=256,256&input=image:astronaut&padding=1")
    expect(page.locator(".picture-canvas")).to_have_count(2)
    expect(page.locator("input[name=view][value=picture]")).to_be_checked()


def test_average_pool_terms_divide_by_pytorchs_divisor(page: Page, live_server: str) -> None:
    """count_include_pad=0: the corner window holds one real cell, so its g comes back whole
    (g/1), the middle windows' by 4; the sum of the terms is the API's total."""
    query = "input_size=4,4&kernel_size=2&stride=2&padding=1&op=avg_pool&count_include_pad=0"
    api = page.request.get(f"{live_server}/api/trace?{query}&grad_output=ones&steps=0").json()
    page.goto(f"{live_server}/?{query}&grad_output=ones&view=gradients")
    expect(page.locator(".arithmetic")).to_contain_text(
        f"dL/dX[0,0] = 1/1 = {shown(api['grad']['input'][0][0][0])}"
    )
    for _ in range(5):
        page.locator("body").press("ArrowRight")
    expect(page.locator(".arithmetic")).to_contain_text(
        f"dL/dX[1,1] = 1/4 = {shown(api['grad']['input'][0][1][1])}"
    )
