"""What the browser tests read: the API's trace, and the cells a page lights or shows."""

from typing import Any

from playwright.sync_api import Page


def api(page: Page, base: str, query: str) -> dict[str, Any]:
    """The trace of ``query`` from the live server's API (the expected side of a test)."""
    body: dict[str, Any] = page.request.get(f"{base}/api/trace?{query}").json()
    return body


def indices(page: Page, selector: str) -> set[str]:
    """The ``data-index`` of every element ``selector`` matches."""
    found: list[str] = page.eval_on_selector_all(selector, "els => els.map(e => e.dataset.index)")
    return set(found)


def texts(page: Page, selector: str) -> list[str]:
    """The text of every element ``selector`` matches, in document order."""
    found: list[str] = page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)")
    return found


def point_at(page: Page, figure: str, rows: int, cols: int, y: int, x: int) -> None:
    """Move the pointer over cell (y, x) of a grid painted on a canvas (static/js/dense.js)."""
    canvas = page.locator(f".diagram {figure} .grid-canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + (x + 0.5) * box["width"] / cols,
                    box["y"] + (y + 0.5) * box["height"] / rows)  # fmt: skip


def key(index: list[int], multi: bool = False) -> str:
    """A trace index ``[c, y, x]`` as a cell's ``data-index`` (channel only when ``multi``)."""
    return ",".join(map(str, index if multi else index[1:]))
