"""Bad page parameters are named on the page, and the page still works with its defaults."""

from playwright.sync_api import ConsoleMessage, Page, expect


def test_bad_page_parameters_are_named_and_the_page_plays(page: Page, live_server: str) -> None:
    errors: list[ConsoleMessage] = []
    page.on("console", lambda m: errors.append(m) if m.type == "error" else None)
    page.goto(
        f"{live_server}/?input_size=5,5&kernel_size=3&stride=2&padding=1"
        "&step=abc&theme=neon&speed=-1&step=abc"
    )
    alert = page.get_by_role("alert")
    expect(alert.locator("[data-param=step]")).to_contain_text("given 2 times")
    expect(alert.locator("[data-param=theme]")).to_contain_text("light, dark")
    expect(alert.locator("[data-param=speed]")).to_contain_text("between 0 and 64")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    expect(page.locator("[data-grid=output]")).to_have_count(9)
    page.get_by_role("button", name="Step forward").click()
    expect(page.get_by_role("slider", name="Step")).to_have_value("1")
    assert errors == []
