"""/docs and /redoc render in a browser that may reach nothing but ConvScope itself."""

from playwright.sync_api import Page, Request, expect


def test_api_docs_render_offline(page: Page, live_server: str) -> None:
    outside: list[str] = []

    def only_ours(request: Request) -> None:
        ours = (live_server, f"blob:{live_server}", "data:")  # a worker from a blob is ours
        if not request.url.startswith(ours):
            outside.append(request.url)

    page.on("request", only_ours)
    page.goto(f"{live_server}/docs")
    expect(page.locator(".swagger-ui .title").first).to_contain_text("ConvScope")
    expect(page.locator(".opblock-summary-path", has_text="/api/trace").first).to_be_visible()
    # `lang` is documented although a middleware strips it before the routes (issue 16).
    page.locator(".opblock-summary-path", has_text="/api/trace").first.click()
    expect(page.locator(".parameter__name", has_text="lang").first).to_be_visible()
    page.goto(f"{live_server}/redoc")
    expect(page.get_by_role("heading", name="ConvScope (")).to_be_visible()
    expect(page.locator("redoc").get_by_text("/api/trace").first).to_be_attached()
    assert outside == []
