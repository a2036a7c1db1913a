"""What a learner and a teacher trip on (issue 21), in Chromium: links that keep the step,
honest pooling, a diagram that fits, readable numbers, words a student understands."""

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.reading import api

TRANSPOSED = "transposed=1&input_size=3,3&stride=2&padding=1"
SHARE = "input_size=5,5&kernel_size=3&stride=2&padding=1"


@pytest.fixture
def clip_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A page whose clipboard the test may read (Copy link, Copy code)."""
    context: BrowserContext = browser.new_context(viewport={"width": 1280, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    yield context.new_page()
    context.close()


def step_label(page: Page) -> Any:
    return page.get_by_label("Step", exact=True)


def test_copy_link_after_stepping_keeps_view_and_step(clip_page: Page, live_server: str) -> None:
    page = clip_page
    trace = api(page, live_server, TRANSPOSED)
    page.goto(f"{live_server}/?{TRANSPOSED}&view=scatter")
    for _ in range(4):
        page.get_by_role("button", name="Step forward").click()
    expect(page.locator(".status")).to_contain_text("Step 5 of 9")
    shared = f"{live_server}/?{trace['query']}&view=scatter&step=5"
    expect(page).to_have_url(shared)  # the address bar holds it too
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == shared
    page.get_by_role("button", name="Embed").click()
    iframe = page.get_by_label("HTML (iframe)").input_value()
    embedded = f"/embed?{trace['query']}&view=scatter&step=5".replace("&", "&amp;")
    assert embedded in iframe
    assert "width:100%" in iframe  # responsive: never wider than the page it sits in
    expect(page.get_by_label("Share link")).to_have_value(shared)
    markdown = page.get_by_label("Markdown image link").input_value()
    assert f"/api/render.png?{trace['query']}&view=scatter&step=5" in markdown
    page.get_by_role("button", name="Close").click()
    png = page.get_by_role("link", name="PNG of this step")
    expect(png).to_have_attribute("href", f"/api/render.png?{trace['query']}&view=scatter&step=5")
    response = page.request.get(f"{live_server}{png.get_attribute('href')}")
    assert response.headers["content-disposition"].endswith('-scatter-step5.png"')


def test_a_step_number_round_trips(page: Page, live_server: str) -> None:
    trace = api(page, live_server, SHARE)
    for where in ("/", "/embed"):
        page.goto(f"{live_server}{where}?{SHARE}&step=5")
        expect(page.locator(".status")).to_contain_text("Step 5 of 9")
        expect(step_label(page)).to_have_value("4")
        step = trace["steps"][4]
        expect(page.locator("[data-grid=output].current")).to_have_attribute(
            "data-index", ",".join(map(str, step["output"][1:]))
        )
    page.goto(f"{live_server}/?{SHARE}&step=5")
    expect(page).to_have_url(f"{live_server}/?{trace['query']}&step=5")  # not dropped


def test_the_op_select_never_goes_blank(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?{SHARE}")
    page.get_by_label("Example").select_option(label="Max pooling 2×2, stride 2")
    expect(page.get_by_label("op", exact=True)).to_have_value("max_pool")
    page.get_by_label("Example").select_option(label="Dilation")
    expect(page.get_by_label("op", exact=True)).to_have_value("conv")


def test_max_pooling_has_no_matrix_view(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?op=max_pool&view=matrix&input_size=4,4&kernel_size=2&stride=2")
    expect(page.locator("#diagram-section")).to_have_attribute("data-view", "canvas")
    expect(page.locator("#page-note")).to_contain_text("Max pooling has no matrix")
    expect(page.get_by_label("matrix", exact=True)).to_be_hidden()
    assert "C · x" not in (page.locator(".arithmetic").text_content() or "")
    page.goto(f"{live_server}/?op=avg_pool&view=matrix&input_size=4,4&kernel_size=3")
    expect(page.locator("[data-grid=matrix]").first).to_have_text(".111")  # 1/divisor, fitted
    expect(page.locator("[data-grid=matrix]").first).to_have_attribute("title", "0.1111")


def test_a_gif_over_the_limits_says_why_and_offers_what_fits(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?input_size=512&out_channels=3&padding=1")  # 1536 steps
    page.get_by_role("link", name="Animated GIF").click()
    status = page.locator("#dl-status")
    expect(status).to_contain_text("A GIF holds at most 1024 frames", timeout=20_000)
    offer = page.locator("#dl-gif-range")
    expect(offer).to_have_attribute("href", re.compile(r"&first=1&last=1024$"))
    offer.click()  # 1024 frames this wide are still too many pixels: a smaller offer
    expect(status).to_contain_text("too large to send", timeout=20_000)
    expect(page.locator("#dl-gif-range")).to_have_attribute(
        "href", re.compile(r"&first=1&last=\d{1,3}$")
    )
    # what fits downloads, named after its steps' range or the whole layer
    page.goto(f"{live_server}/?{SHARE}")
    with page.expect_download(timeout=20_000) as download:
        page.get_by_role("link", name="Animated GIF").click()
    assert download.value.suggested_filename == "conv2d-5x5-k3-s2-p1.gif"
    expect(status).to_have_text("GIF downloaded.")


def test_arrow_keys_work_after_clicking_a_player_button(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?{SHARE}")
    page.get_by_role("button", name="Step forward").click()
    expect(step_label(page)).to_have_value("1")
    page.keyboard.press("ArrowRight")
    expect(step_label(page)).to_have_value("2")
    page.get_by_role("button", name="Step back").click()
    page.keyboard.press("ArrowLeft")
    expect(step_label(page)).to_have_value("0")


def test_back_returns_through_presets_and_views(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?{SHARE}")
    start = page.url
    page.get_by_label("Example").select_option(label="Dilation")
    expect(page).to_have_url(re.compile("dilation=2"))
    page.get_by_label("Example").select_option(label="Padding, strides, transposed")
    expect(page).to_have_url(re.compile("transposed=1"))
    page.get_by_label("overlap", exact=True).check()
    expect(page).to_have_url(re.compile("view=overlap"))
    page.go_back()
    expect(page).not_to_have_url(re.compile("view=overlap"))
    expect(page.locator("#diagram-section")).to_have_attribute("data-view", "canvas")
    page.go_back()
    expect(page).to_have_url(re.compile("dilation=2"))
    expect(page.get_by_label("dilation", exact=True)).to_have_value("2")
    expect(page.get_by_role("checkbox", name="transposed")).not_to_be_checked()
    page.go_back()
    expect(page).to_have_url(start)
    # typing replaces the entry instead of pushing one
    entries = page.evaluate("history.length")
    page.get_by_label("stride", exact=True).fill("1")
    expect(page).to_have_url(re.compile("input_size=5,5&padding=1"))
    assert page.evaluate("history.length") == entries


@pytest.mark.parametrize(
    "query",
    [
        TRANSPOSED,
        "input_size=4,4&kernel_size=4&stride=2&padding=1&transposed=1&fill=arange"
        "&weight=0.0625,0.1875,0.1875,0.0625;0.1875,0.5625,0.5625,0.1875;"
        "0.1875,0.5625,0.5625,0.1875;0.0625,0.1875,0.1875,0.0625",
        "input_size=64,64&kernel_size=3&padding=1",
        "input_size=5,5&kernel_size=3&padding=1&in_channels=3&out_channels=3&groups=3",
    ],
    ids=["transposed-3-to-5", "bilinear", "64x64", "depthwise"],
)
def test_the_diagram_fits_1280_by_800(browser: Browser, live_server: str, query: str) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{live_server}/?{query}")
    expect(page.locator("[data-grid=output]").first).to_be_visible()
    page.wait_for_function("() => !document.querySelector('.diagram').getAnimations().length")
    boxes = page.eval_on_selector_all(
        "[data-grid=output], [data-grid=canvas], [data-grid=input]",
        "els => els.map(e => e.getBoundingClientRect()).map(r => [r.right, r.bottom])",
    )
    assert max(r for r, _ in boxes) <= 1280 and max(b for _, b in boxes) <= 800
    if "groups" not in query:  # input, kernel and output in one row
        tops = page.eval_on_selector_all(
            ".diagram > *", "els => els.map(e => e.getBoundingClientRect()).map(r => r.top)"
        )
        bottoms = page.eval_on_selector_all(
            ".diagram > *", "els => els.map(e => e.getBoundingClientRect()).map(r => r.bottom)"
        )
        assert max(tops) < min(bottoms)  # every part shares one horizontal band
    page.close()


CONTRAST = """
els => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const over = (top, under) => {
    const a = top.length > 3 ? top[3] : 1;
    return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a));
  };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length && !(c.length > 3 && c[3] === 0)) layers.push(c);
      if (c.length === 3 || (c.length > 3 && c[3] === 1)) break;
    }
    return layers.reverse().reduce((under, top) => over(top, under), [255, 255, 255]);
  };
  const windows = [...document.querySelectorAll('.window:not([hidden]) .wcell')]
    .map((w) => [w.getBoundingClientRect(), rgb(getComputedStyle(w).backgroundColor)]);
  return els.filter((el) => el.textContent.trim() && el.offsetParent
      && parseFloat(getComputedStyle(el).fontSize) > 0)
    .map((el) => {
      let fg = rgb(getComputedStyle(el).color);
      let bg = background(el);
      fg = fg.length > 3 ? over(fg, bg) : fg;
      const r = el.getBoundingClientRect();
      const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
      if (!el.closest('.window')) {  // under the translucent kernel window: both dimmed
        for (const [w, c] of windows) {
          if (cx > w.left && cx < w.right && cy > w.top && cy < w.bottom) {
            fg = over(c, fg); bg = over(c, bg);
          }
        }
      }
      const after = getComputedStyle(el, "::after");
      const extra = [];
      if (after.content !== "none" && after.content !== "normal") {
        const layer = rgb(after.backgroundColor);
        if (after.top === "0px" && after.left === "0px") {  // covers the cell's own number
          fg = over(layer, fg); bg = over(layer, bg);
        }
        extra.push([el.className + "::after", after.content, rgb(after.color), over(layer, bg)]);
      }
      const ratio = (f, g) => {
        const [a, b] = [lum(f), lum(g)].sort((x, y) => y - x);
        return (a + 0.05) / (b + 0.05);
      };
      return [[el.className, el.textContent.trim(), ratio(fg, bg)],
              ...extra.map(([c, t, f, g]) => [c, t, ratio(f, g)])];
    }).flat();
}
"""


@pytest.mark.parametrize(
    ("query", "steps"),
    [
        (TRANSPOSED, 4),
        (f"{TRANSPOSED}&view=scatter", 3),
        ("input_size=4,4&kernel_size=3&weight=1,2,3;4,5,6;7,8,9&view=matrix", 1),
        (
            "input_size=4,4&kernel_size=4&stride=2&padding=1&transposed=1&fill=arange"
            "&weight=0.0625,0.1875,0.1875,0.0625;0.1875,0.5625,0.5625,0.1875;"
            "0.1875,0.5625,0.5625,0.1875;0.0625,0.1875,0.1875,0.0625",
            5,
        ),
    ],
    ids=["canvas", "scatter", "matrix", "bilinear"],
)
def test_cell_text_meets_wcag_aa(page: Page, live_server: str, query: str, steps: int) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server}/?{query}")
    expect(page.locator("[data-grid=output]").first).to_be_visible()
    for _ in range(steps):
        page.get_by_role("button", name="Step forward").click()
    page.wait_for_function("() => !document.querySelector('.diagram').getAnimations().length")
    page.mouse.move(0, 0)
    found = page.eval_on_selector_all(".diagram .cell, .diagram .wv, .diagram .mcell", CONTRAST)
    assert found, "no cell text to check"
    faint = [f for f in found if f[2] < 4.5]
    assert not faint, faint[:5]
    tiny = page.eval_on_selector_all(
        ".diagram .cell, .diagram .wv, .diagram .mcell",
        "els => els.filter(e => e.textContent.trim() && e.offsetParent)"
        ".map(e => parseFloat(getComputedStyle(e).fontSize)).filter(s => s > 0 && s < 10)",
    )
    assert not tiny  # numbers drawn are at least 10 px (the matrix's were 7–9 px)
    # decimals fit their cells (shortened, the full value on hover)
    overflowing = page.eval_on_selector_all(
        ".diagram .cell, .diagram .mcell",
        "els => els.filter(e => e.textContent && e.scrollWidth > e.clientWidth + 1).length",
    )
    assert overflowing == 0


def test_phone_shows_presets_first_and_readable_cells(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server}/?input_size=16&kernel_size=2&dilation=8&padding=causal")
    expect(page.locator("[data-grid=output]").first).to_be_visible()
    box = page.get_by_label("Example").bounding_box()
    assert box is not None and box["y"] < 400
    expect(page.get_by_role("link", name="Configuration ↓")).to_be_visible()
    size = page.eval_on_selector(
        '[data-grid=input][data-index="0"]', "e => e.getBoundingClientRect().width"
    )
    assert size >= 20  # WaveNet's numbers stay readable (the row scrolls sideways)
    expect(page.locator('[data-grid=input][data-index="0"]')).not_to_have_text("")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_small_words(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?input_size=16&kernel_size=2&dilation=2&padding=causal")
    expect(page.locator("#title")).to_have_text("Convolution: 16 → 16, kernel size 2")
    page.goto(f"{live_server}/?input_size=3,3&kernel_size=3&stride=2&transposed=1&view=overlap")
    expect(page.locator(".status")).to_contain_text("receives 1 input cell")
    expect(page.locator(".status")).not_to_contain_text("1 input cells")
    page.goto(f"{live_server}/?input_size=5,5&padding=1&in_channels=3&out_channels=3&groups=3")
    expect(page.locator(".filter-bank figcaption")).to_contain_text("each reading 1 input channel")
    expect(page.locator(".filter-bank figcaption")).not_to_contain_text("(s)")
    page.goto(f"{live_server}/?input_size=4,4&kernel_size=3")  # no padding, no zeros
    expect(page.locator("#legend-padding")).to_be_hidden()
    expect(page.locator("#legend-zero")).to_be_hidden()
    page.goto(f"{live_server}/?{TRANSPOSED}")
    expect(page.locator("#legend-zero")).to_be_visible()
    placeholder = page.get_by_label("output_padding", exact=True)
    fits = placeholder.evaluate(
        "e => { const c = document.createElement('canvas').getContext('2d');"
        " const s = getComputedStyle(e, '::placeholder'); c.font = `${s.fontSize} ${s.fontFamily}`;"
        " return c.measureText(e.placeholder).width <= e.clientWidth; }"
    )
    assert fits


def test_every_control_has_a_plain_label_and_an_explanation(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?{TRANSPOSED}")
    # a field of one choice only (divisor_override with op=avg_pool) is hidden without it
    fields = page.locator("#controls .field:not([hidden]) [name]")
    names = fields.evaluate_all("els => els.map(e => e.name)")
    assert {"input_size", "output_padding", "op", "fill", "seed", "transposed"} <= set(names)
    for name in names:
        control = page.locator(f"#f-{name}")
        expect(control).to_have_accessible_name(name)  # the code name stays its name
        expect(control).to_have_accessible_description(re.compile(r"\w+ .{20,}"))
        tip = page.locator(f"#help-{name}")
        expect(tip).to_be_hidden()
        control.focus()  # focus shows the one-line explanation
        expect(tip).to_be_visible()
    expect(page.locator("label[for=f-output_padding]")).to_contain_text("Extra output cells")
    page.locator("#controls").click(position={"x": 1, "y": 1})
    button = page.locator(".field:has(#f-output_padding) .tip-button")
    button.hover()  # hover, and a tap focuses the button: both show it
    expect(page.locator("#help-output_padding")).to_be_visible()
    for term in ("twin", "views"):
        page.locator(f"[aria-describedby=help-{term}]").focus()
        expect(page.locator(f"#help-{term}")).to_be_visible()
    expect(page.locator("#page-note")).to_contain_text("deconvolution")
    expect(page.locator("#page-note")).to_contain_text("rotated 180°")
    expect(page.locator("#page-note")).to_contain_text("padding 1 crops 1 from each side")


def test_code_copy_and_honest_padding_comment(clip_page: Page, live_server: str) -> None:
    page = clip_page
    page.goto(f"{live_server}/?input_size=5,5&kernel_size=3&stride=2&padding=1")
    page.locator("#code details[data-framework=pytorch] summary").click()  # fetched when opened
    code = page.locator("#code details[open] code")
    expect(code).to_contain_text("padding=(1, 1)")
    expect(code).not_to_contain_text("same")
    page.get_by_role("button", name="Copy code").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == code.text_content()


def test_navigation_links(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?{SHARE}")
    nav = page.get_by_role("navigation", name="Sections")
    expect(nav.get_by_role("link", name="A whole network")).to_have_attribute("href", "/stack")
    expect(nav.get_by_role("link", name="API")).to_have_attribute("href", "/docs")
    nav.get_by_role("link", name="A whole network").click()
    expect(page).to_have_url(re.compile("/stack"))
    home = page.get_by_role("navigation", name="Sections").get_by_role("link", name="One layer")
    expect(home).to_have_attribute("href", "/")


def test_stack_input_size_bias_focus_and_crops(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/stack?input_size=8,8&in_channels=1&layer=conv,c1,k3,p1")
    expect(page.locator("#flow .shape")).to_have_count(2)
    page.get_by_label("input_size").press_sequentially("12,12", delay=20)
    page.get_by_label("input_size").fill("12,12")  # typed, not left: no blur
    expect(page.locator("#flow .shape").last).to_have_text("(1, 12, 12)")
    page.get_by_role("button", name="Add layer").click()
    expect(page.get_by_label("Layer 2 bias")).to_be_checked()  # PyTorch's default
    name = page.locator("#stack-rows .link-button").first
    name.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#stack-rows tr.selected")).to_have_attribute("data-layer", "0")
    focused = page.evaluate("document.activeElement.closest('tr')?.dataset.layer")
    assert focused == "0"  # focus stays on the layer's name, not the top of the page
    expect(page.locator("#stack-terms")).to_contain_text("Jump: how many input cells apart")
    page.goto(f"{live_server}/stack?preset=resnet-stem")
    crop = page.locator("[data-layer-crop]").first
    expect(crop).to_have_text(re.compile(r"Open a 3×\d+×\d+ crop"))
    expect(page.locator(".refusal").first).not_to_contain_text("max_")
    crop.click()
    expect(page.locator("[data-grid=output]").first).to_be_visible()
