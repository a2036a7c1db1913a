"""A compare stop of a tour inside /embed at oEmbed's default 640×480 (issue 15): the two
diagrams one above the other beside the text, everything inside the frame."""

import pytest
from playwright.sync_api import Page, expect

from app.api.oembed import HEIGHT, WIDTH

# Every compare stop between two one-layer diagrams (the /stack stops compare in frames).
STOPS = [
    ("dilated-vs-transposed", 1),
    ("dilated-vs-transposed", 5),
    ("transposed", 5),
    ("transposed", 7),
    ("transposed", 8),
    ("transposed", 9),
    ("1x1", 4),  # per-channel pooling beside the 1×1 convolution's pointwise view
]


def inside(page: Page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    assert box["x"] >= 0 and box["y"] >= 0, selector
    assert box["x"] + box["width"] <= WIDTH + 0.5, f"{selector} sticks out: {box}"
    assert box["y"] + box["height"] <= HEIGHT + 0.5, f"{selector} below the frame: {box}"


@pytest.mark.parametrize(("tour", "stop"), STOPS)
def test_compare_stop_fits_the_default_embed(
    page: Page, live_server: str, tour: str, stop: int
) -> None:
    assert (WIDTH, HEIGHT) == (640, 480)
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    page.goto(f"{live_server}/embed?tour={tour}&stop={stop}")
    expect(page.locator(".viewer-b .diagram [data-grid=output]").first).to_be_visible()
    expect(page.locator(".pair .side-tag")).to_have_text(["Left", "Right"])
    size = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert size[0] <= WIDTH and size[1] <= HEIGHT, f"the frame scrolls: {size}"
    for selector in ("#viewer .diagram", ".viewer-b .diagram", "#viewer [data-part=play]",
                     "[data-tour=next]", "#full-page"):  # fmt: skip
        inside(page, selector)
    # each diagram's cells: smaller than on the full page, never the 4 px of a squeezed row
    cells = page.locator(".diagram").evaluate_all(
        "ds => ds.map(d => parseFloat(d.style.getPropertyValue('--cell')))"
    )
    assert min(cells) >= 8, cells
    # one player drives both: a step forward moves both diagrams
    page.locator("#viewer [data-part=forward]").click()
    expect(page.locator("#viewer [data-part=step]")).to_have_value("1")
    expect(page.locator(".viewer-b [data-part=step]")).to_have_value("1")
    page.screenshot(path=f".tmp/embed-compare-{tour}-{stop}.png")
