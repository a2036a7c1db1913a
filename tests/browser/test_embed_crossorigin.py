"""A course page on another origin embeds ConvScope with the oEmbed iframe snippet: the embed
plays; the full page, framed the same way, is refused by the browser (frame-ancestors)."""

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import ConsoleMessage, Frame, Page

SHARE = "input_size=5,5&kernel_size=3&stride=2&padding=1"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture()
def course_site(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A plain static web server on another port: another origin than ConvScope's."""
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    server.shutdown()
    thread.join(timeout=5)


def frame_at(page: Page, prefix: str) -> Frame:
    [frame] = [f for f in page.frames if f.url.startswith(prefix)]
    return frame


def test_embed_plays_on_another_origin_and_the_full_page_is_refused(
    page: Page, live_server: str, course_site: tuple[str, Path]
) -> None:
    site, folder = course_site
    assert urlsplit(site).netloc != urlsplit(live_server).netloc
    # The snippet a course author gets from oEmbed for an autoplaying embed link
    embed_link = f"{live_server}/embed?{SHARE}&autoplay=1&speed=10"
    answer = page.request.get(f"{live_server}/api/oembed?url={quote(embed_link, safe='')}")
    assert answer.ok
    snippet = answer.json()["html"]
    (folder / "lesson.html").write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>Lesson 4: strides</title>"
        "</head><body><h1>Strided convolutions</h1>"
        f"{snippet}"
        f'<iframe id="full" src="{live_server}/?{SHARE}" width="640" height="480" '
        'title="full page"></iframe></body></html>'
    )
    refusals: list[str] = []
    page.on("console", lambda m: refusals.append(m.text) if _refused(m) else None)
    page.goto(f"{site}/lesson.html")
    page.wait_for_load_state("load")

    embed = frame_at(page, f"{live_server}/embed")
    embed.wait_for_function(
        "() => Number(document.querySelector('[data-part=step]').value) > 0", timeout=10_000
    )
    first = int(embed.eval_on_selector("[data-part=step]", "e => e.value"))
    embed.wait_for_function(
        f"() => Number(document.querySelector('[data-part=step]').value) !== {first}"
    )
    assert embed.locator("[data-grid=canvas]").count() == 49  # 7x7 padded canvas

    # The full page never loads inside the lesson: Chromium shows its error page instead
    handle = page.locator("#full").element_handle()
    assert handle is not None
    full = handle.content_frame()
    assert full is not None and full.url.startswith("chrome-error://")
    assert not [f for f in page.frames if f.url.startswith(f"{live_server}/?")]
    assert any(f"{live_server}/" in text for text in refusals), refusals


def _refused(message: ConsoleMessage) -> bool:
    """Chromium's console report of a blocked frame ("Refused to frame …" or "Framing …
    violates … frame-ancestors 'self'", depending on the version)."""
    return message.type == "error" and "frame-ancestors 'self'" in message.text
