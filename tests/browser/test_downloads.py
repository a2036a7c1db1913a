"""The Download menu of the views that gained pictures: a 3-D layer (depth slices), the
gradients, picture and im2col views. Each link is what the page shows, at its step, and the
server answers it with a picture of that step (and the offline page)."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

SHOTS = Path(__file__).resolve().parents[2] / ".tmp"


@pytest.mark.parametrize(
    ("query", "view", "name"),
    [
        ("input_size=4,6,6&kernel_size=3&stride=2&padding=1", "volume", "conv3d-4x6x6-k3-s2-p1"),
        ("input_size=4,4&kernel_size=3&grad_output=ones&view=gradients", "gradients",
         "conv2d-4x4-k3-gradients"),
        ("input_size=64,64&input=image:astronaut&padding=1&fill=ones&view=picture", "picture",
         "conv2d-64x64-k3-p1-picture"),
        ("input_size=4,4&kernel_size=3&view=im2col", "im2col", "conv2d-4x4-k3-im2col"),
    ],
)  # fmt: skip
def test_the_download_menu_draws_the_step_on_screen(
    page: Page, live_server: str, query: str, view: str, name: str
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server}/?{query}")
    expect(page.locator("#diagram-section")).to_have_attribute("data-view", view)
    page.get_by_role("button", name="Step forward").click()
    page.get_by_role("button", name="Step forward").click()
    png = page.locator("#dl-png")
    expect(png).to_have_attribute("href", re.compile(rf"view={view}&step=3$"))
    answer = page.request.get(f"{live_server}{png.get_attribute('href')}")
    assert answer.status == 200, answer.text()
    assert answer.headers["content-disposition"] == f'inline; filename="{name}-step3.png"'
    image = Image.open(io.BytesIO(answer.body()))
    assert image.format == "PNG" and image.size[0] > 0
    (SHOTS / f"download-{view}-step3.png").write_bytes(answer.body())
    gif = page.request.get(f"{live_server}{page.locator('#dl-gif').get_attribute('href')}")
    assert gif.status == 200 and gif.body()[:6] == b"GIF89a"
    offline = page.request.get(f"{live_server}{page.locator('#dl-html').get_attribute('href')}")
    assert offline.status == 200 and offline.headers["content-disposition"].startswith("attach")
    page.screenshot(path=SHOTS / f"download-{view}-1280.png")
    page.set_viewport_size({"width": 375, "height": 740})
    page.screenshot(path=SHOTS / f"download-{view}-375.png")
