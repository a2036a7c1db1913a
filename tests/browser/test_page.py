"""The visualizer page in Chromium: what a person sees and does, checked against the API."""

import re
import time
from typing import Any

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.reading import api, indices, key

SHARE = "input_size=5,5&kernel_size=3&stride=2&padding=1"
SEED = "input_size=2,2&kernel_size=3&stride=2&padding=same&transposed=1&input=1,2;3,4&fill=ones"
SEED_OUTPUT = [[1, 1, 3, 2], [1, 1, 3, 2], [4, 4, 10, 6], [3, 3, 7, 4]]  # SPEC.md


def box(page: Page, selector: str) -> tuple[float, float]:
    b = page.locator(selector).first.bounding_box()
    assert b is not None
    return round(b["x"]), round(b["y"])


def assert_step_drawn(page: Page, trace: dict[str, Any], n: int) -> None:
    """The highlighted cells of step n are the ones the API's step n names."""
    step = trace["steps"][n]
    expect(page.get_by_label("Step", exact=True)).to_have_value(str(n))
    assert indices(page, "[data-grid=input].tap") == {key(t[0]) for t in step["taps"]}
    assert indices(page, "[data-grid=output].current") == {key(step["output"])}
    assert page.locator(".window:not([hidden])").get_attribute("data-anchor") == ",".join(
        map(str, step["anchor"])
    )
    # kernel cell (0, 0) covers canvas cell anchor + dilation·(0, 0), or the far corner if flipped
    k = trace["config"]["kernel_size"]
    d = trace["config"]["dilation"]
    corner = [(k[i] - 1) * d[i] if trace["kernel_flipped"] else 0 for i in range(2)]
    at = [step["anchor"][i] + corner[i] for i in range(2)]
    target = box(page, f'[data-grid=canvas][data-index="{at[0]},{at[1]}"]')
    deadline = time.monotonic() + 5  # the window glides for a moment: poll, do not sleep
    while time.monotonic() < deadline:
        if box(page, '.window:not([hidden]) [data-index="0,0"]') == target:
            break
        page.wait_for_timeout(25)
    assert box(page, '.window:not([hidden]) [data-index="0,0"]') == target


def test_page_loads_without_console_errors(page: Page, live_server: str) -> None:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{live_server}/")
    page.get_by_role("button", name="Play").click()
    expect(page.get_by_label("Step", exact=True)).not_to_have_value("0")
    page.get_by_role("button", name="Pause").click()
    page.get_by_label("Example").select_option(label="Padding, strides, transposed")
    expect(page).to_have_url(re.compile("transposed=1"))
    page.get_by_label("scatter view").check()
    page.get_by_role("button", name="Step forward").click()
    assert problems == []


def test_share_link_reproduces_its_configuration(page: Page, live_server: str) -> None:
    trace = api(page, live_server, SHARE)
    page.goto(f"{live_server}/?{SHARE}")
    assert page.locator("[data-grid=canvas]").count() == 7 * 7
    assert page.locator("[data-grid=canvas] > [data-grid=input]").count() == 5 * 5
    assert page.locator("[data-grid=canvas].pad").count() == 7 * 7 - 5 * 5
    assert page.locator("[data-grid=output]").count() == 3 * 3
    expect(page.get_by_label("Step", exact=True)).to_have_attribute("max", "8")  # 9 steps
    # input (0, 0) sits at canvas origin (1, 1)
    assert box(page, '[data-grid=input][data-index="0,0"]') == box(
        page, '[data-grid=canvas][data-index="1,1"]'
    )
    assert_step_drawn(page, trace, 0)
    assert page.url == f"{live_server}/?{trace['query']}"
    expect(page.get_by_label("stride", exact=True)).to_have_value("2")


def test_player_moves_the_highlights_where_the_api_says(page: Page, live_server: str) -> None:
    trace = api(page, live_server, SHARE)
    page.goto(f"{live_server}/?{SHARE}")
    for n in range(1, 9):
        page.get_by_role("button", name="Step forward").click()
        assert_step_drawn(page, trace, n)
    assert page.locator("[data-grid=output].written").count() == 9
    page.get_by_role("button", name="Step back").click()
    assert_step_drawn(page, trace, 7)
    assert page.locator("[data-grid=output].written").count() == 8
    page.get_by_label("Step", exact=True).fill("4")  # scrub
    assert_step_drawn(page, trace, 4)
    assert page.locator("[data-grid=output].written").count() == 5
    page.get_by_role("button", name="Reset").click()
    assert_step_drawn(page, trace, 0)
    page.get_by_label("Speed").select_option("2")  # 4 steps a second: 9 steps take 2 s
    page.get_by_role("button", name="Play").click()
    # Wait for the player to move (not for a fixed time: a loaded machine may be slow).
    expect(page.get_by_label("Step", exact=True)).not_to_have_value("0")
    page.get_by_role("button", name="Pause").click()
    n = int(page.get_by_label("Step", exact=True).input_value())
    assert_step_drawn(page, trace, n)
    expect(page.locator(".status")).to_contain_text(f"Step {n + 1} of 9")


def test_hover_and_pin(page: Page, live_server: str) -> None:
    trace = api(page, live_server, SHARE)
    page.goto(f"{live_server}/?{SHARE}")
    centre = next(s for s in trace["steps"] if s["output"] == [0, 1, 1])
    page.hover('[data-grid=output][data-index="1,1"]')
    assert indices(page, "[data-grid=input].hl") == {key(t[0]) for t in centre["taps"]}
    fed = {key(s["output"]) for s in trace["steps"] if [0, 2, 2] in [t[0] for t in s["taps"]]}
    page.hover('[data-grid=input][data-index="2,2"]')
    assert indices(page, "[data-grid=output].hl") == fed
    assert indices(page, "[data-grid=input].hl") == {"2,2"}
    page.click('[data-grid=output][data-index="0,0"]')  # pin
    page.hover('[data-grid=input][data-index="4,4"]')
    first = trace["steps"][0]
    assert indices(page, "[data-grid=input].hl") == {key(t[0]) for t in first["taps"]}
    page.keyboard.press("Escape")
    assert page.locator(".hl").count() == 0
    page.click('[data-grid=output][data-index="0,0"]')
    page.click('[data-grid=output][data-index="0,0"]')  # click again unpins
    assert page.locator(".pinned").count() == 0


def test_seed_example_in_both_transposed_views(page: Page, live_server: str) -> None:
    trace = api(page, live_server, SEED)
    page.goto(f"{live_server}/?{SEED}")
    # zero-insertion view: 6×6 canvas, 2×2 input spread by stride 2, 5 inserted zeros between
    assert trace["canvas"]["size"] == [6, 6]
    assert page.locator("[data-grid=canvas]").count() == 36
    assert page.locator("[data-grid=canvas].zero").count() == 3 * 3 - 2 * 2
    assert_step_drawn(page, trace, 0)
    page.get_by_label("Step", exact=True).fill("15")
    assert_step_drawn(page, trace, 15)
    values = [
        [page.locator(f'[data-grid=output][data-index="{y},{x}"]').inner_text() for x in range(4)]
        for y in range(4)
    ]
    assert values == [[str(v) for v in row] for row in SEED_OUTPUT]
    # scatter view: each input cell times the kernel, added into the output
    page.get_by_label("scatter view").check()
    expect(page).to_have_url(re.compile("view=scatter"))
    assert page.locator("[data-grid=canvas]").count() == 0
    assert page.locator("[data-grid=input]").count() == 4
    expect(page.get_by_label("Step", exact=True)).to_have_attribute("max", "3")
    fed = {key(s["output"]) for s in trace["steps"] if [0, 0, 0] in [t[0] for t in s["taps"]]}
    assert indices(page, "[data-grid=output].tap") == fed
    page.get_by_role("button", name="Step forward").click()
    page.get_by_role("button", name="Step forward").click()
    page.get_by_role("button", name="Step forward").click()
    values = [
        [page.locator(f'[data-grid=output][data-index="{y},{x}"]').inner_text() for x in range(4)]
        for y in range(4)
    ]
    assert values == [[str(v) for v in row] for row in SEED_OUTPUT]


def test_malformed_link_names_the_parameter_and_the_page_works(
    page: Page, live_server: str
) -> None:
    errors: list[ConsoleMessage] = []
    page.on("console", lambda m: errors.append(m) if m.type == "error" else None)
    page.goto(f"{live_server}/?input_size=5,5&kernel_size=3&stride=x&padding=1")
    expect(page.get_by_role("alert")).to_contain_text("stride")
    expect(page.get_by_role("alert")).to_contain_text('"x"')
    trace = api(page, live_server, "input_size=5,5&kernel_size=3&padding=1")
    expect(page).to_have_url(f"{live_server}/?{trace['query']}")
    page.get_by_role("button", name="Step forward").click()
    assert_step_drawn(page, trace, 1)
    assert errors == []


def test_fields_are_validated_as_you_type(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?{SHARE}")
    stride = page.get_by_label("stride", exact=True)
    stride.fill("0")
    detail = page.request.get(f"{live_server}/api/trace?input_size=5,5&stride=0&padding=1")
    message = detail.json()["detail"][0]["msg"]
    expect(page.locator("#err-stride")).to_have_text(message)
    expect(stride).to_have_attribute("aria-invalid", "true")
    assert page.locator("[data-grid=output]").count() == 9  # the last valid diagram stays
    stride.fill("1")
    expect(stride).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("[data-grid=output]")).to_have_count(25)
    trace = api(page, live_server, "input_size=5,5&kernel_size=3&stride=1&padding=1")
    expect(page).to_have_url(f"{live_server}/?{trace['query']}")


def test_keyboard_alone(page: Page, live_server: str) -> None:
    trace = api(page, live_server, SHARE)
    page.goto(f"{live_server}/?{SHARE}")
    page.locator("body").press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert_step_drawn(page, trace, 2)
    page.keyboard.press("ArrowLeft")
    assert_step_drawn(page, trace, 1)
    page.keyboard.press("Home")
    assert_step_drawn(page, trace, 0)
    page.keyboard.press(" ")
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    page.keyboard.press(" ")
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    expect(page.locator(".status")).to_have_attribute("aria-live", "polite")
    # the player's buttons are reachable with Tab and work with Enter
    page.get_by_role("button", name="Reset").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert_step_drawn(page, trace, 1)


def test_presets_load_their_configuration(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/")
    page.get_by_label("Example").select_option(label="Dilation")
    trace = api(page, live_server, "input_size=7,7&kernel_size=3&dilation=2")
    expect(page).to_have_url(f"{live_server}/?{trace['query']}")
    expect(page.locator("[data-grid=output]")).to_have_count(9)
    page.get_by_role("button", name="Step forward").click()
    assert_step_drawn(page, trace, 1)
    expect(page.get_by_label("dilation", exact=True)).to_have_value("2")


def test_large_input_updates_only_what_changes(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?input_size=64,64&kernel_size=3&padding=1")
    expect(page.locator(".diagram .grid-canvas")).to_have_count(2)  # painted, not 12,000 cells
    assert page.locator(".diagram [data-grid]").count() < 60
    changed = page.evaluate(
        """() => new Promise(resolve => {
            let count = 0;
            const seen = new MutationObserver(records => { count += records.length; });
            seen.observe(document.querySelector('.diagram'),
                         {subtree: true, childList: true, attributes: true, characterData: true});
            document.querySelector('[data-part=forward]').click();
            setTimeout(() => { seen.disconnect(); resolve(count); }, 50);
        })"""
    )
    assert 0 < changed < 60  # 9 taps on, 9 off, the output cell, the window: not 4,000 cells


def test_narrow_phone_viewport_has_no_sideways_scroll(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server}/?{SHARE}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    expect(page.get_by_role("button", name="Play")).to_be_visible()


def test_embed_renders_and_autoplays(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/embed?{SHARE}&autoplay=1&speed=10")
    assert page.locator("[data-grid=canvas]").count() == 49
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    page.wait_for_function("() => Number(document.querySelector('[data-part=step]').value) > 0")
    trace = api(page, live_server, SHARE)
    link = page.get_by_role("link", name=re.compile("open in ConvScope"))
    expect(link).to_have_attribute("href", f"{live_server}/?{trace['query']}")
    assert page.locator("#controls").count() == 0


def test_embed_dialog_gives_iframe_link_and_markdown(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?{SHARE}")
    trace = api(page, live_server, SHARE)
    page.get_by_role("button", name="Embed").click()
    iframe = page.get_by_label("HTML (iframe)").input_value()
    assert f'src="{live_server}/embed?{trace["query"].replace("&", "&amp;")}"' in iframe
    assert re.search(r'width="\d+" height="\d+" title="ConvScope: ', iframe)
    expect(page.get_by_label("Share link")).to_have_value(f"{live_server}/?{trace['query']}")
    markdown = page.get_by_label("Markdown image link").input_value()
    assert markdown.endswith(f"](/?{trace['query']})".replace("/?", f"{live_server}/?"))
    assert f"/api/render.png?{trace['query']})" in markdown  # the first step: "Step 1"
    page.get_by_role("button", name="Close").click()
    page.get_by_role("button", name="Step forward").click()
    svg = page.get_by_role("link", name="SVG of this step")
    expect(svg).to_have_attribute("href", f"/api/render.svg?{trace['query']}&step=2")  # "Step 2"
