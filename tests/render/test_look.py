"""One look: the pictures' cell colours (static/look.json) are the page's CSS variables."""

import re

import pytest

from app.render.look import LOOKS, Look
from app.web.paths import STATIC_DIR

CSS = (STATIC_DIR / "css" / "convscope.css").read_text(encoding="utf-8")

# CSS variable → where look.json keeps the same colour
SHARED = {
    "--panel": lambda look: look.background,
    "--text": lambda look: look.ink,
    "--muted": lambda look: look.muted,
    "--blue": lambda look: look.cells["input"].fill,
    "--blue-edge": lambda look: look.cells["input"].stroke,
    "--blue-ink": lambda look: look.cells["input"].text,
    "--blue-now": lambda look: look.cells["input_current"].fill,
    "--pad-bg": lambda look: look.cells["padding"].fill,
    "--pad-edge": lambda look: look.cells["padding"].stroke,
    "--hatch": lambda look: look.cells["zero"].pattern_color,
    "--green-pale": lambda look: look.cells["output_empty"].fill,
    "--green-pale-edge": lambda look: look.cells["output_empty"].stroke,
    "--green": lambda look: look.cells["output"].fill,
    "--green-edge": lambda look: look.cells["output"].stroke,
    "--green-ink": lambda look: look.cells["output"].text,
    "--green-now": lambda look: look.cells["output_current"].fill,
    "--hl": lambda look: look.marks["max"],
}


def variables(selector: str) -> dict[str, str]:
    block = re.search(re.escape(selector) + r"\s*\{(.*?)\}", CSS, re.S)
    assert block, selector
    return dict(re.findall(r"(--[\w-]+):\s*([^;]+);", block.group(1)))


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_page_and_the_pictures_share_their_cell_colours(theme: str) -> None:
    css = variables(":root")
    if theme == "dark":
        css |= variables('[data-theme="dark"]')
    look: Look = LOOKS[theme]
    for name, colour in SHARED.items():
        if name in css:
            assert css[name].strip().lower() == colour(look), (theme, name)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_kernel_window_is_the_pages_translucent_kernel(theme: str) -> None:
    red, green, blue, alpha = re.findall(r"[\d.]+", variables(":root")["--kernel"])
    look = LOOKS[theme]
    assert look.window_color == f"#{int(red):02x}{int(green):02x}{int(blue):02x}"
    assert look.window_alpha == float(alpha)
