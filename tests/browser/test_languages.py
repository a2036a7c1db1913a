"""Each language renders /, /stack and /embed in Chromium: translated, fonts loaded, no
horizontal overflow at 1280×720 and 375 px; screenshots land in .tmp/languages/ to look at."""

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from app.i18n.messages import own_catalogue

SHOTS = Path(__file__).resolve().parents[2] / ".tmp" / "languages"
QUERY = "input_size=5,5&stride=2&padding=1"  # the canonical share query
STACK = "input_size=32,32&in_channels=3&layer=conv,c16,k3,s2,p1&layer=maxpool,k2,s2"
PAGES = {
    "index": (f"/?{QUERY}", "player.play", "[data-part=play]"),
    "stack": (f"/stack?{STACK}", "stack_page.add_layer", "#add-layer"),
    "embed": (f"/embed?{QUERY}", "player.play", "[data-part=play]"),
}
# A word in each script, drawn with the page's vendored fonts only if they loaded.
FONTS = {"bn": ('"ConvScope Bengali"', "কনভোলিউশন"), "hi": ('"ConvScope Devanagari"', "कनवल्शन")}
WIDTHS = {"desktop": (1280, 720), "phone": (375, 740)}
PLURALS = {  # CLDR, as SPEC.md states it
    "en": ["other", "one", "other", "other"],
    "bn": ["one", "one", "other", "other"],
    "vi": ["other", "other", "other", "other"],
    "hi": ["one", "one", "other", "other"],
}
TEXT = {"index": "#title", "stack": "#editor-title", "embed": "#full-page"}


def platform_fonts(page: Page, selector: str) -> list[dict[str, Any]]:
    """The fonts Chromium drew an element's text with (DevTools' "Rendered Fonts")."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts: list[dict[str, Any]] = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    cdp.detach()
    return fonts


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("lang", ["en", "bn", "vi", "hi"])
def test_page_in_language(page: Page, live_server: str, lang: str, name: str, width: str) -> None:
    path, key, selector = PAGES[name]
    wide, high = WIDTHS[width]
    page.set_viewport_size({"width": wide, "height": high})
    page.goto(f"{live_server}{path}&lang={lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    words = own_catalogue(lang)[key]
    expect(page.locator(selector)).to_have_accessible_name(words)
    expect(page.locator(f'nav.languages a[data-lang="{lang}"]')).to_have_attribute(
        "aria-current", "true"
    )
    if name != "stack":
        expect(page.locator("[data-grid=output]").first).to_be_visible()
    else:
        expect(page.locator("#stack-rows tr").first).to_be_visible()
    if lang in FONTS:
        family, word = FONTS[lang]
        loaded = page.evaluate(
            "([family, word]) => document.fonts.load(`16px ${family}`, word)"
            ".then((faces) => faces.length > 0 && document.fonts.check(`16px ${family}`, word))",
            [family, word],
        )
        assert loaded, f"{family} did not load"
        # no tofu: Chromium's own account of the fonts that drew the heading's glyphs
        used = platform_fonts(page, TEXT[name])
        assert any(f["isCustomFont"] and f["glyphCount"] > 0 for f in used), used
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} in {lang} at {width} overflows by {overflow}px"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{lang}-{width}.png"), full_page=width == "phone")


def test_switcher_keeps_the_configuration_and_the_share_link_keeps_lang(
    page: Page, live_server: str
) -> None:
    page.goto(f"{live_server}/?{QUERY}")
    page.locator('nav.languages a[data-lang="vi"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("[data-part=play]")).to_have_accessible_name(
        own_catalogue("vi")["player.play"]
    )
    expect(page).to_have_url(f"{live_server}/?{QUERY}&lang=vi")
    expect(page.locator("#dl-png")).to_have_attribute(
        "href", f"/api/render.png?{QUERY}&lang=vi&step=1"
    )
    expect(page.locator("#twin")).to_have_attribute("href", re.compile(r"^/\?.*&lang=vi$"))
    page.locator("#copy-link").click()  # the address bar is the share link: it keeps lang
    expect(page.locator('nav.languages a[data-lang="hi"]')).to_have_attribute(
        "href", f"/?{QUERY}&lang=hi"
    )


def test_page_plurals_follow_cldr(page: Page, live_server: str) -> None:
    """The page's Intl.PluralRules agree with the server's Babel for 0, 1, 2 and 5."""
    page.goto(f"{live_server}/?{QUERY}")
    got = page.evaluate(
        "() => Object.fromEntries(['en', 'bn', 'vi', 'hi'].map((l) => "
        "[l, [0, 1, 2, 5].map((n) => new Intl.PluralRules(l).select(n))]))"
    )
    assert got == PLURALS
    for lang in ("bn", "vi", "hi"):  # the page's own t() picks the form the rule names
        page.goto(f"{live_server}/?{QUERY}&lang={lang}&view=overlap")
        expect(page.locator("[data-grid=output]").first).to_be_visible()
        forms = page.evaluate(
            """async () => {
                const { t } = await import("/static/js/i18n.js");
                const key = "view.overlap.legend.item";
                return [0, 1, 2, 5].map((n) => t(key, { overlap: 9, count: n }));
            }"""
        )
        catalogue = own_catalogue(lang)
        for n, category, text in zip([0, 1, 2, 5], PLURALS[lang], forms, strict=True):
            template = catalogue[f"view.overlap.legend.item.{category}"]
            assert text == template.format(overlap=9, count=n)


@pytest.mark.parametrize("lang", ["bn", "vi", "hi"])
def test_presets_in_language(page: Page, live_server: str, lang: str) -> None:
    words = own_catalogue(lang)
    page.goto(f"{live_server}/?{QUERY}&lang={lang}")
    option = page.locator('#preset option[value="padding-strides"]')
    expect(option).to_have_text(words["preset.padding-strides"])
    page.goto(f"{live_server}/stack?lang={lang}")
    expect(page.locator('#preset option[value="bottleneck"]')).to_have_text(
        words["stack_preset.bottleneck.title"]
    )
    page.locator("#preset").select_option("bottleneck")
    expect(page.locator("#lesson")).to_have_text(words["stack_preset.bottleneck.lesson"])


def test_accept_language_page_pictures_in_its_language(browser: Any, live_server: str) -> None:
    """A page that Accept-Language put in Bengali draws and downloads Bengali pictures, while
    its share link stays language-free (whoever opens it reads their own language)."""
    context = browser.new_context(locale="bn-BD")
    page = context.new_page()
    page.goto(f"{live_server}/?{QUERY}")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(page.locator("#dl-png")).to_have_attribute(
        "href", f"/api/render.png?{QUERY}&lang=bn&step=1"
    )
    expect(page).to_have_url(f"{live_server}/?{QUERY}")
    context.close()
