"""Pictures speak the request's language: their words from the catalogue, Bengali and
Devanagari set in the vendored Noto Sans and shaped by libraqm (conjuncts joined)."""

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageFont, features

from app.i18n.messages import own_catalogue
from app.render.scene import SCRIPT_FONTS, font, runs, text_width

QUERY = "input_size=5,5&stride=2&padding=1&in_channels=2&out_channels=2"


def test_pillow_shapes_complex_scripts() -> None:
    assert features.check("raqm"), "Pillow without libraqm cannot join Bengali/Hindi conjuncts"


@pytest.mark.parametrize(
    ("script", "cluster", "parts"),
    [("bengali", "ক্ষ", ["ক", "্", "ষ"]), ("devanagari", "र्न", ["र", "्", "न"])],
)
def test_conjuncts_are_shaped(script: str, cluster: str, parts: list[str]) -> None:
    """A conjunct is drawn as one glyph, narrower than its letters side by side, which is
    what Pillow's basic layout (no shaping) draws: the consonants apart, the virama lost."""
    shaped = font(40, script).getlength(cluster)
    basic = ImageFont.truetype(str(SCRIPT_FONTS[script]), 40, layout_engine=ImageFont.Layout.BASIC)
    assert basic.getlength(cluster) == pytest.approx(sum(basic.getlength(p) for p in parts), abs=2)
    assert shaped < basic.getlength(cluster) - 10


def test_runs_keep_latin_in_dejavu() -> None:
    text = "কার্নেল · w[0][1]"
    assert [s for _, s in runs(text)] == ["bengali", None]
    assert text_width(text, 12) > 0


@pytest.mark.parametrize("language", ["bn", "vi", "hi"])
def test_svg_words_are_translated(client: TestClient, language: str) -> None:
    words = own_catalogue(language)
    svg = client.get(f"/api/render.svg?{QUERY}&step=4&lang={language}").text
    for key in ("legend.output", "picture.kernel", "legend.padding"):
        assert words[key] in svg, key
    assert "kernel_size 3" in svg  # code names stay as code
    if language in ("bn", "hi"):
        assert "@font-face" in svg and "data:font/woff2;base64," in svg
    english = client.get(f"/api/render.svg?{QUERY}&step=4").text
    assert "@font-face" not in english and ">output<" in english


@pytest.mark.parametrize("language", ["bn", "hi"])
def test_png_and_gif_draw_the_script(client: TestClient, language: str) -> None:
    """The translated picture differs from the English one only where the words are."""
    png = client.get(f"/api/render.png?{QUERY}&step=4&lang={language}")
    english = client.get(f"/api/render.png?{QUERY}&step=4")
    assert png.status_code == 200 and png.content != english.content
    image = Image.open(io.BytesIO(png.content))
    assert image.size[0] > 0
    gif = client.get(f"/api/render.gif?input_size=3,3&kernel_size=2&lang={language}")
    assert gif.status_code == 200 and gif.content[:6] == b"GIF89a"


@pytest.mark.parametrize("language", ["bn", "vi", "hi"])
def test_gradients_and_volume_pictures_are_translated(client: TestClient, language: str) -> None:
    words = own_catalogue(language)
    grads = client.get(f"/api/render.svg?input_size=3,3&kernel_size=2&view=gradients&step=11"
                       f"&lang={language}").text  # fmt: skip
    for key in ("picture.gradients.title", "picture.gradients.legend.term", "view.gradients.dx"):
        assert words[key] in grads, key
    assert "dL/dW[0,0,0,1] = " in grads  # the sum is written as code: the same in every language
    volume = client.get(f"/api/render.svg?input_size=2,3,3&kernel_size=2&lang={language}").text
    slices = words["picture.volume.slices.other"].format(what=words["picture.input"], count=2)
    assert slices in volume and words["legend.output"] in volume
