"""The pages work under their strict Content-Security-Policy in Chromium: no violation is
reported while the page loads, draws, plays and changes configuration, and a teacher's
slide deck opened from disk (``file:``) may frame the embed."""

from pathlib import Path

from playwright.sync_api import Page, expect

SHARE = "input_size=5,5&kernel_size=3&stride=2&padding=1"
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  e => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


def violations(page: Page, console: list[str]) -> list[str]:
    found: list[str] = page.evaluate("window.__violations")
    return found + [text for text in console if "Content Security Policy" in text]


def test_the_page_and_the_embed_run_under_the_policy(page: Page, live_server: str) -> None:
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(LISTEN)
    for path in ("/", "/embed"):
        response = page.goto(f"{live_server}{path}?{SHARE}")
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        expect(page.locator("[data-grid=canvas]")).to_have_count(49)  # the 7×7 padded canvas
        page.get_by_role("button", name="Step forward").click()
        expect(page.get_by_label("Step", exact=True)).to_have_value("1")
        page.get_by_role("button", name="Play").click()
        expect(page.get_by_role("button", name="Pause")).to_be_visible()
        assert violations(page, console) == [], path
    page.goto(f"{live_server}/?{SHARE}")
    page.get_by_label("stride", exact=True).fill("1")
    expect(page.locator("[data-grid=output]")).to_have_count(25)  # a new diagram was drawn
    assert violations(page, console) == []
    # The listener does see a violation: an inline style attribute is refused.
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_function("() => window.__violations.length > 0")


def test_a_slide_deck_on_disk_may_frame_the_embed(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    deck = tmp_path / "slides.html"
    deck.write_text(
        "<!doctype html><title>Lecture 4</title>"
        f'<iframe id="d" src="{live_server}/embed?{SHARE}" width="640" height="480"></iframe>'
    )
    page.goto(deck.as_uri())
    frame = page.frame_locator("#d")
    expect(frame.locator("[data-grid=canvas]")).to_have_count(49)
