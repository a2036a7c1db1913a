"""Diagrams that sleep: a course page with several autoplaying embeds plays only the one on
screen; the others hold their step (no frame is drawn for them) and go on from it when they
are scrolled to; a hidden tab holds them all (IntersectionObserver, Page Visibility)."""

import re
from pathlib import Path

from playwright.sync_api import Frame, Page, expect

from tests.browser.test_embed_crossorigin import course_site  # noqa: F401  (a fixture)

SHARE = "input_size=16,16&kernel_size=3&padding=1"
EMBEDS = 4
PAST_TEN = re.compile(r"^([1-9]\d+)$")  # step 10 or later


def embeds(page: Page, live_server: str) -> list[Frame]:
    frames = [f for f in page.frames if f.url.startswith(f"{live_server}/embed")]
    frames.sort(key=lambda f: int(re.search(r"seed=(\d+)", f.url).group(1)))  # type: ignore[union-attr]
    return frames


def step_of(frame: Frame) -> int:
    return int(frame.locator("[data-part=step]").input_value())


def test_only_the_embed_on_screen_plays_and_the_others_resume_where_they_stopped(
    page: Page,
    live_server: str,
    course_site: tuple[str, Path],  # noqa: F811
) -> None:
    site, folder = course_site
    frames_html = "".join(
        f'<iframe id="e{i}" src="{live_server}/embed?{SHARE}&seed={i}&autoplay=1&speed=10" '
        f'width="640" height="480" title="embed {i}"></iframe><div style="height:1500px"></div>'
        for i in range(EMBEDS)
    )
    (folder / "course.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>Course</title></head>"
        f"<body style='margin:0'>{frames_html}</body></html>"
    )
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{site}/course.html")
    frames = embeds(page, live_server)
    assert len(frames) == EMBEDS
    roots = [f.locator("#viewer") for f in frames]
    steps = [f.locator("[data-part=step]") for f in frames]
    # The first is on screen: it plays; the others are asleep at step 0, playing but held.
    expect(steps[0]).to_have_value(PAST_TEN, timeout=10_000)
    expect(roots[0]).not_to_have_attribute("data-asleep", "")
    for i in range(1, EMBEDS):
        expect(roots[i]).to_have_attribute("data-asleep", "")
        expect(frames[i].locator("[data-part=play]")).to_have_attribute("aria-label", "Pause")
        expect(steps[i]).to_have_value("0")
    # Scroll to the third: it plays, the first falls asleep and keeps its step.
    page.locator("#e2").scroll_into_view_if_needed()
    expect(roots[0]).to_have_attribute("data-asleep", "")
    stopped = step_of(frames[0])
    expect(steps[2]).to_have_value(PAST_TEN, timeout=10_000)
    assert step_of(frames[0]) == stopped
    expect(steps[1]).to_have_value("0")
    # A hidden tab holds the one on screen too.
    hide = """hidden => {
        Object.defineProperty(document, "visibilityState", {value: hidden ? "hidden" : "visible",
                                                            configurable: true});
        document.dispatchEvent(new Event("visibilitychange"));
    }"""
    frames[2].evaluate(hide, True)
    expect(roots[2]).to_have_attribute("data-asleep", "")
    held = step_of(frames[2])
    page.locator("#e2").scroll_into_view_if_needed()  # a moment on screen, still hidden
    expect(roots[0]).to_have_attribute("data-asleep", "")
    assert step_of(frames[2]) == held
    frames[2].evaluate(hide, False)
    expect(roots[2]).not_to_have_attribute("data-asleep", "")
    # Back to the first: it goes on from where it stopped (no restart from 0).
    page.locator("#e0").scroll_into_view_if_needed()
    expect(roots[0]).not_to_have_attribute("data-asleep", "")
    expect(steps[0]).not_to_have_value(str(stopped), timeout=10_000)
    assert step_of(frames[0]) > stopped
