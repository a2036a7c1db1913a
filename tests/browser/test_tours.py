"""The tours, compare mode and presenter's mode in Debian's Chromium: walked by keyboard,
screenshotted at 1280×720 and 375 px (to ``.tmp/tours/``), linked, embedded elsewhere."""

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Frame, Page, expect

from app.i18n.messages import t
from app.tours.files import tours
from app.tours.schema import Tour

SHOTS = Path(__file__).parents[2] / ".tmp" / "tours"
SEEDS = ["transposed", "dilated-vs-transposed", "1x1"]
# Two configurations with 9 steps each: the lock-step can be read off both sliders.
A = "input_size=7,7&kernel_size=3&dilation=2"
B = "input_size=5,5&kernel_size=3&stride=2&padding=1"


def step_of(page: Page | Frame, root: str) -> str:
    value: str = page.eval_on_selector(f"{root} [data-part=step]", "e => e.value")
    return value


def status(page: Page, root: str) -> str:
    text: str = page.eval_on_selector(f"{root} .status", "e => e.textContent")
    return text


def at_stop(page: Page, tour: Tour, n: int) -> None:
    """The panel shows stop ``n`` of ``tour``, the address bar holds its link, and the
    diagram(s) are on the stop's step."""
    stop = tour.stops[n - 1]
    panel = page.locator("#tour-panel")
    expect(panel).to_have_attribute("data-stop", str(n))
    expect(panel.locator("[data-tour=title]")).to_have_text(t(stop.title))
    expect(panel.locator("[data-tour=position]")).to_have_text(
        t("tour.position", n=n, count=len(tour.stops))
    )
    expect(page).to_have_url(f"{page.url.split('?')[0]}?tour={tour.slug}&stop={n}")
    if stop.page is not None:
        frames = page.locator(".tour-frames iframe")
        expect(frames).to_have_count(2 if stop.compare else 1)
        return
    expect(page.locator("#viewer [data-part=step]")).to_have_value(str(stop.step - 1))
    if stop.compare:
        expect(page.locator(".viewer-b .diagram [data-grid]").first).to_be_visible()
    else:
        expect(page.locator(".viewer-b")).to_have_count(0)
    expect(page.locator(".tour-lit")).to_have_count(len(stop.highlight))


@pytest.mark.parametrize("slug", SEEDS)
def test_walk_each_tour_by_keyboard_first_to_last(page: Page, live_server: str, slug: str) -> None:
    tour = tours()[slug]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 720), (375, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server}/?tour={slug}&stop=1")
        for n in range(1, len(tour.stops) + 1):
            at_stop(page, tour, n)
            page.screenshot(path=SHOTS / f"{slug}-{n}-{width}.png")
            if width == 375:
                assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1
            if n == 1:
                # every control is reachable: Tab to Next and press Enter
                next_button = page.locator("[data-tour=next]")
                for _ in range(40):
                    page.keyboard.press("Tab")
                    if next_button.evaluate("e => e === document.activeElement"):
                        break
                expect(next_button).to_be_focused()
                page.keyboard.press("Enter")
                page.locator("body").evaluate("b => document.activeElement.blur()")
            else:
                page.keyboard.press("PageDown" if n % 2 else "n")
        at_stop(page, tour, len(tour.stops))
        page.keyboard.press("n")  # past the last stop: stays
        at_stop(page, tour, len(tour.stops))
        page.keyboard.press("p")
        at_stop(page, tour, len(tour.stops) - 1)
    assert not errors, errors


def test_a_stops_link_opens_that_stop(page: Page, live_server: str) -> None:
    tour = tours()["transposed"]
    page.goto(f"{live_server}/?tour=transposed&stop=1")
    page.keyboard.press("n")
    page.keyboard.press("n")
    at_stop(page, tour, 3)
    link = page.locator("[data-tour=link]").get_attribute("href")
    assert link == "/?tour=transposed&stop=3"
    editor = page.locator("[data-tour=editor]").get_attribute("href")
    other = page.context.new_page()
    other.goto(f"{live_server}{link}")
    at_stop(other, tour, 3)
    expect(other.locator("#viewer .status")).to_contain_text("scatters")  # the scatter view
    # Leaving the tour keeps the configuration: the editor opens it, with its view
    assert editor is not None
    other.goto(f"{live_server}{editor}")
    expect(other.locator("input[name=view][value=scatter]")).to_be_checked()
    expect(other.locator("#f-input")).to_have_value("1,2;3,4")
    expect(other.locator("#tour-panel")).to_be_hidden()


def test_compare_keeps_both_diagrams_on_one_step(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?compare={quote(A, safe=',')}|{quote(B, safe=',')}")
    expect(page.locator(".viewer-b .diagram [data-grid=output]")).to_have_count(9)
    expect(page.locator(".viewer-b .compare-title")).to_contain_text("5×5 → 3×3")
    # the address bar holds the compare link: each query URL-encoded, & as %26
    assert page.url.endswith(
        "/?compare=input_size%3D7,7%26dilation%3D2|input_size%3D5,5"
        "%26kernel_size%3D3%26stride%3D2%26padding%3D1"
    )

    def same(expected: str | None = None) -> str:
        first = step_of(page, "#viewer")
        assert step_of(page, ".viewer-b") == first
        assert status(page, "#viewer").split(":")[0] == status(page, ".viewer-b").split(":")[0]
        if expected is not None:
            assert first == expected
        return first

    same("0")
    page.get_by_role("button", name="Step forward").first.click()  # step
    same("1")
    page.locator("#viewer [data-part=speed]").select_option("4")
    page.get_by_role("button", name="Play").first.click()  # play
    page.wait_for_function(
        "() => Number(document.querySelector('#viewer [data-part=step]').value) >= 4"
    )
    page.get_by_role("button", name="Pause").first.click()
    same()
    page.locator("#viewer [data-part=step]").fill("6")  # scrub
    same("6")
    page.locator(".viewer-b .diagram").click()  # keys on the second diagram drive both
    page.keyboard.press("Escape")
    page.locator("body").evaluate("b => document.activeElement.blur()")
    page.keyboard.press("ArrowLeft")
    same("5")
    page.keyboard.press("Home")
    same("0")


def test_compare_with_the_twin_from_the_page(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/?{B}")
    page.locator("#compare-with").select_option("twin")
    expect(page.locator(".viewer-b .compare-title")).to_contain_text("Transposed convolution")
    twin = page.request.get(f"{live_server}/api/trace?{B}").json()["twin"]
    a = page.request.get(f"{live_server}/api/trace?{B}").json()["query"]
    encoded = [quote(q, safe=",") for q in (a, twin)]
    expect(page).to_have_url(f"{live_server}/?compare={encoded[0]}|{encoded[1]}")


@pytest.fixture()
def course_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=tmp_path))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    server.shutdown()
    thread.join(timeout=5)


def test_a_tour_embedded_on_another_origin_navigates(
    page: Page, live_server: str, course_site: tuple[str, Path]
) -> None:
    site, folder = course_site
    tour = tours()["dilated-vs-transposed"]
    link = f"{live_server}/?tour={tour.slug}&stop=4"
    answer = page.request.get(f"{live_server}/api/oembed?url={quote(link, safe='')}")
    assert answer.ok
    snippet = answer.json()["html"]
    assert f"/embed?tour={tour.slug}&amp;stop=4" in snippet
    (folder / "lesson.html").write_text(
        f"<!doctype html><meta charset='utf-8'><title>Lesson</title>{snippet}", encoding="utf-8"
    )
    page.goto(f"{site}/lesson.html")
    title = page.frame_locator("iframe").locator("[data-tour=title]")
    expect(title).to_have_text(t(tour.stops[3].title))
    handle = page.locator("iframe").element_handle()
    assert handle is not None
    frame = handle.content_frame()
    assert frame is not None and frame.url.startswith(f"{live_server}/embed")
    title = frame.locator("[data-tour=title]")
    expect(frame.locator("#viewer [data-grid=output]")).to_have_count(121)  # 11×11
    frame.locator("[data-tour=next]").click()
    expect(title).to_have_text(t(tour.stops[4].title))
    expect(frame.locator(".viewer-b [data-grid=output]")).to_have_count(81)  # "same": 9×9
    assert frame.url.endswith(f"/embed?tour={tour.slug}&stop=5")
    frame.locator("[data-tour=previous]").click()
    frame.locator("[data-tour=previous]").click()
    expect(title).to_have_text(t(tour.stops[2].title))
    expect(frame.locator("#viewer [data-part=step]")).to_have_value(str(tour.stops[2].step - 1))
    page.screenshot(path=SHOTS / "embed-crossorigin.png")


@pytest.mark.parametrize("slug", SEEDS)
def test_presenter_mode_fits_1280x720_without_scrolling(
    page: Page, live_server: str, slug: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/?tour={slug}&stop=1&present=1")
    tour = tours()[slug]
    for n in range(1, len(tour.stops) + 1):
        expect(page.locator("#tour-panel")).to_have_attribute("data-stop", str(n))
        expect(page).to_have_url(f"{live_server}/?tour={slug}&stop={n}&present=1")
        expect(page.locator(".topbar")).to_be_hidden()
        expect(page.locator("#viewer .player")).to_be_hidden()
        fits = (
            "() => document.documentElement.scrollWidth <= 1280"
            " && document.documentElement.scrollHeight <= 720"
        )
        page.wait_for_function(fits, timeout=5000)  # the diagram settles within the screen
        page.screenshot(path=SHOTS / f"present-{slug}-{n}.png")
        page.keyboard.press("PageDown")


def test_presenter_mode_steps_by_arrow_keys(page: Page, live_server: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/?{B}&present=1")
    expect(page.locator("#viewer [data-grid=output]")).to_have_count(9)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#viewer [data-part=step]")).to_have_value("2")
    size = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
    )
    assert size[0] <= 1280 and size[1] <= 720, size
    assert "present=1" in page.url


def test_tours_page_and_home_lead_to_the_questions(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/")
    links = page.locator("#home-questions .question-link")
    expect(links).to_have_count(len(tours()))
    links.first.click()
    expect(page.locator("#tour-panel")).to_have_attribute("data-stop", "1")
    page.locator("#nav-tours").click()
    expect(page).to_have_url(f"{live_server}/tours")
    for slug in SEEDS:
        tour = tours()[slug]
        row = page.locator(f".question[data-tour='{slug}']")
        expect(row.locator(".question-link")).to_have_text(t(tour.question))
        expect(row).to_contain_text(f"{len(tour.stops)} stops")


def test_compare_links_work_in_embed_too(page: Page, live_server: str) -> None:
    # 4 steps against 25: one player drives both, the shorter stays on its last step
    short, long = "input_size=5,5&stride=2", "input_size=2,2&stride=2&transposed=1"
    page.set_viewport_size({"width": 800, "height": 500})
    page.goto(f"{live_server}/embed?compare={quote(short, safe=',')}|{quote(long, safe=',')}")
    expect(page.locator(".viewer-b [data-grid=output]")).to_have_count(25)
    expect(page.locator("#viewer [data-grid=output]")).to_have_count(4)
    page.locator("#viewer [data-part=step]").fill("6")
    expect(page.locator(".viewer-b .status")).to_contain_text("Step 7 of 25")
    expect(page.locator("#viewer .status")).to_contain_text("Step 4 of 4")
    page.get_by_role("button", name="Step back").first.click()
    expect(page.locator(".viewer-b .status")).to_contain_text("Step 6 of 25")
    page.screenshot(path=SHOTS / "embed-compare.png")
