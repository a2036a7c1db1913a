"""Exploring by keyboard alone: each grid is one tab stop (roving tabindex), arrows move,
focus shows what hover shows, Enter/Space pin, Escape unpins; checked against the API."""

from playwright.sync_api import Page, expect

from tests.browser.reading import api, indices, key

SHARE = "input_size=5,5&kernel_size=3&stride=2&padding=1"


def focused(page: Page) -> tuple[str, str]:
    """(data-grid, data-index) of the focused element."""
    grid, index = page.evaluate(
        "() => [document.activeElement.dataset.grid, document.activeElement.dataset.index]"
    )
    return grid, index


def step(page: Page) -> str:
    return page.get_by_label("Step", exact=True).input_value()


def test_keyboard_explores_pins_and_unpins(page: Page, live_server: str) -> None:
    trace = api(page, live_server, SHARE)
    page.goto(f"{live_server}/?{SHARE}")
    page.locator("body").press("ArrowRight")  # the player's keys, outside the grids
    page.keyboard.press("ArrowRight")
    assert step(page) == "2"
    # each grid is one tab stop: the view choice (then the compare control and the views'
    # explanation) → input grid → output grid → the player
    assert page.get_by_role("grid").count() == 2
    page.get_by_role("radio", name="padded canvas").focus()
    for _ in range(6):  # a few controls sit between the view choice and the grids
        page.keyboard.press("Tab")
        if focused(page)[0] is not None:
            break
    assert focused(page) == ("input", "0,0")
    page.keyboard.press("Tab")
    assert focused(page) == ("output", "0,0")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Reset")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    assert focused(page) == ("output", "0,0")

    # arrows move within the grid; the player's ←/→/Home/Space do not fire
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert focused(page) == ("output", "1,1")
    centre = next(s for s in trace["steps"] if s["output"] == [0, 1, 1])
    cell = page.locator('[data-grid=output][data-index="1,1"]')
    expect(cell).to_be_focused()
    # step 3 of 9: output (1, 1) is written at step 5, so its value is not told yet
    expect(cell).to_have_attribute("aria-label", "output row 1, column 1, not computed yet")
    expect(cell).to_have_attribute("tabindex", "0")
    assert page.locator(".diagram [tabindex]").count() == 2  # still one tab stop per grid
    taps = {key(t[0]) for t in centre["taps"]}
    assert indices(page, "[data-grid=input].hl") == taps  # focus shows what hover shows
    assert indices(page, "[data-grid=output].hl") == {"1,1"}
    expect(page.locator(".status")).to_contain_text(f"reads {len(taps)} input cells")
    assert step(page) == "2"

    page.keyboard.press("Enter")  # pin
    assert indices(page, ".pinned") == {"1,1"}
    expect(cell).to_have_attribute("aria-selected", "true")
    # focus moves on, into the input grid and around it: the pin holds
    page.keyboard.press("Shift+Tab")
    assert focused(page) == ("input", "0,0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("End")
    assert focused(page) == ("input", "1,4")
    page.keyboard.press("Home")
    assert focused(page) == ("input", "1,0")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Reset")).to_be_focused()
    assert indices(page, ".pinned") == {"1,1"}
    assert indices(page, "[data-grid=input].hl") == taps
    page.keyboard.press("Escape")  # unpins
    assert page.locator(".pinned").count() == 0
    assert page.locator(".hl").count() == 0
    expect(page.locator(".status")).not_to_contain_text("Pinned")
    assert step(page) == "2"

    # an input cell lights every output cell it feeds; Space pins and unpins it
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert focused(page) == ("input", "1,0")
    page.keyboard.press("ArrowRight")
    assert focused(page) == ("input", "1,1")
    # input (1, 1) sits on canvas (2, 2), where four stride-2 windows overlap
    fed = {key(s["output"]) for s in trace["steps"] if [0, 1, 1] in [t[0] for t in s["taps"]]}
    assert len(fed) == 4
    assert indices(page, "[data-grid=output].hl") == fed
    assert indices(page, "[data-grid=input].hl") == {"1,1"}
    expect(page.locator(".status")).to_contain_text("feeds 4 output cells")
    value = trace["input"][0][1][1]
    expect(page.locator('[data-grid=input][data-index="1,1"]')).to_have_attribute(
        "aria-label", f"input row 1, column 1, value {value}"
    )
    page.keyboard.press(" ")
    assert indices(page, ".pinned") == {"1,1"}
    expect(page.get_by_role("button", name="Play")).to_be_visible()  # Space did not play
    page.keyboard.press(" ")
    assert page.locator(".pinned").count() == 0
    page.keyboard.press("ArrowUp")
    assert focused(page) == ("input", "0,1")
    assert indices(page, "[data-grid=output].hl") == {
        key(s["output"]) for s in trace["steps"] if [0, 0, 1] in [t[0] for t in s["taps"]]
    }
    assert step(page) == "2"

    # outside the grids the player's keys work as before
    page.locator("#title").click()
    page.keyboard.press("ArrowRight")
    assert step(page) == "3"
    assert page.locator(".hl").count() == 0
