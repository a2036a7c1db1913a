"""Pay only for what is shown: the page's trace carries the formulas it shows at once, and the
code snippets are asked for (include=code) only when a code panel is opened."""

from playwright.sync_api import Page, Request, expect

SHARE = "input_size=5,5&kernel_size=3&stride=2&padding=1"


def test_code_is_fetched_when_its_panel_is_opened(page: Page, live_server: str) -> None:
    asked: list[str] = []

    def seen(request: Request) -> None:
        if "/api/trace" in request.url:
            asked.append(request.url)

    page.on("request", seen)
    page.goto(f"{live_server}/?{SHARE}")
    expect(page.locator("#formulas .formulas dt").first).to_be_visible()  # shown at once
    expect(page.locator("#code details")).to_have_count(2)
    expect(page.locator("#code details[open]")).to_have_count(0)
    assert not [url for url in asked if "include=code" in url]
    page.locator("#code summary", has_text="PyTorch").click()
    pytorch = page.locator('#code details[data-framework="pytorch"] pre')
    expect(pytorch).to_contain_text("print(y.shape)")
    expect(pytorch).to_contain_text("nn.Conv2d")
    assert len([url for url in asked if "include=code" in url]) == 1
    page.locator("#code summary", has_text="Keras").click()  # the same answer, no new request
    expect(page.locator('#code details[data-framework="keras"] pre')).to_contain_text("keras")
    assert len([url for url in asked if "include=code" in url]) == 1
    # a new configuration: its formulas come with its trace, its code only when opened again
    # a new configuration while the panels are open: they stay open and fetch its code
    page.get_by_label("stride", exact=True).fill("1")
    expect(page.locator("#formulas")).to_contain_text("input 5×5 → output 5×5")
    expect(page.locator("#code details[open]")).to_have_count(2)
    expect(pytorch).to_contain_text("print(y.shape)  # torch.Size([1, 5, 5])")
    fetched = [url for url in asked if "include=code" in url]
    assert len(fetched) >= 2 and "stride=2" not in fetched[-1]
    # closed panels ask for nothing
    page.locator("#code summary", has_text="PyTorch").click()
    page.locator("#code summary", has_text="Keras").click()
    expect(page.locator("#code details[open]")).to_have_count(0)
    before = len([url for url in asked if "include=code" in url])
    page.get_by_label("stride", exact=True).fill("2")
    expect(page.locator("#formulas")).to_contain_text("input 5×5 → output 3×3")
    assert len([url for url in asked if "include=code" in url]) == before
