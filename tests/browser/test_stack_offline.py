"""The offline stack explorer opened from file:// with every request but file: blocked: the
/stack page's download, and a notebook executed in a fresh kernel with ``convscope.stack`` of a
small ResNet and exported by ``jupyter nbconvert --to html``. The stack shows, a layer is
picked, a cell is clicked or moved to by keyboard, the receptive field lights exactly the
input cells the API lists, and no request leaves the file."""

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from app.stack.build import run_stack
from app.stack.link import stack_request
from app.stack.schemas import StackProbe
from tests.browser.network import Network, only_files
from tests.notebook.execute import run_and_export

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / ".tmp"
RESNET = ("input_size=64,64&in_channels=3&layer=conv,c8,k7,s2,p3&layer=maxpool,k3,s2,p1"
          "&layer=conv,c8,k3,p1&layer=conv,c8,k3,p1&layer=conv,c16,k3,s2,p1"
          "&layer=conv,c16,k3,p1&layer=conv,c16,k3,p1&layer=conv,c16,k3,p1")  # fmt: skip


def _lit(query: str, layer: int, index: list[int]) -> list[str]:
    """The input cells the API lists for a probe, as the page's data-index strings."""
    request = stack_request(query).model_copy(
        update={"probe": StackProbe(layer=layer, index=index)})  # fmt: skip
    last: dict[str, Any] = run_stack(request)["probe"][-1]
    rows, cols = last["cells"]
    return sorted(f"{y},{x}" for y in rows for x in cols)


def _shows_field(root: Page | FrameLocator, query: str, layer: int, index: list[int]) -> None:
    """The status names the whole field the API lists (rows and columns), and the input cells
    lit on the page are exactly the API's among those drawn (a big input is read through a
    magnifier that draws only part of the grid cell by cell)."""
    expected = _lit(query, layer, index)
    rows = sorted({int(e.split(",")[0]) for e in expected})
    cols = sorted({int(e.split(",")[1]) for e in expected})
    expect(root.locator("#field-status")).to_contain_text(
        f"rows {rows[0]}–{rows[-1]}, columns {cols[0]}–{cols[-1]}"
    )
    indices = "els => els.map(e => e.dataset.index)"
    shown = set(root.locator("#field-input [data-grid=input]").evaluate_all(indices))
    lit = root.locator("#field-input .fcell.rf")
    want = sorted(set(expected) & shown)
    assert want, "no cell of the field is drawn"
    expect(lit).to_have_count(len(want))
    assert sorted(lit.evaluate_all(indices)) == want


def _explores(root: Page | FrameLocator, page: Page, query: str, rows: int) -> None:
    """Table, a layer picked by its name, a cell clicked, a cell moved to by keyboard; each
    time the lit input cells are the API's."""
    expect(root.locator("html[data-ready='1']")).to_have_count(1)
    expect(root.locator("#stack-rows tr")).to_have_count(rows)
    _shows_field(root, query, rows - 1, [4, 4])  # the last layer's centre
    root.locator("#stack-rows tr").nth(2).locator("button.link-button").click()
    expect(root.locator("#probe-layer")).to_have_value("2")
    _shows_field(root, query, 2, [8, 8])
    root.locator('#probe-output [data-index="0,15"]').click()
    _shows_field(root, query, 2, [0, 15])
    root.locator("#probe-output .field-cells").focus()
    page.keyboard.press("ArrowDown")
    _shows_field(root, query, 2, [1, 15])
    expect(root.locator("#field-status")).to_contain_text("output cell (1, 15)")
    slider = root.locator("#field-step")
    slider.fill("1")  # the field after the first layer only: the stem's 7×7 window
    expect(root.locator("#field-status")).to_contain_text("After layer 1")
    expect(root.locator("[data-layer-link]").first).to_contain_text("needs a server")


def test_the_stack_pages_download_opens_offline_and_works(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    page.goto(f"{live_server}/stack?{RESNET}")
    link = page.get_by_role("link", name="Offline page (HTML)")
    expect(link).to_have_attribute("href", f"/api/stack.html?{RESNET}&probe=8:4,4")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "stack-3x64x64-8-layers.html"
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    size = path.stat().st_size
    assert size < 150_000, size
    seen = only_files(page)  # the download came from the server; the file must not call it
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(path.as_uri())
    _explores(page, page, RESNET, 8)
    page.screenshot(path=str(SHOTS / "stack-offline-1280.png"))
    page.set_viewport_size({"width": 375, "height": 720})
    expect(page.locator("#offline-query")).to_contain_text("/stack?input_size=64,64")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width  # nothing wider than a phone
    page.screenshot(path=str(SHOTS / "stack-offline-375.png"), full_page=True)
    assert seen.outside == [] and seen.failed == [] and seen.errors == []


NOTEBOOK = [
    "import torch\nfrom torch import nn\n\nimport convscope\n"
    "from tests.notebook.models import TinyResNet",
    "model = TinyResNet()\n"
    "shapes = []\n"
    "hooks = [m.register_forward_hook(lambda m, i, o, n=n: shapes.append((n, list(o.shape[1:]))))\n"
    "         for n, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.MaxPool2d))]\n"
    "model.eval()(torch.zeros(1, 3, 64, 64))\n"
    "for hook in hooks:\n    hook.remove()\n"
    "stack = convscope.stack(model, (3, 64, 64))\n"
    "assert [(l['name'], [l['out_channels'], *l['output_size']]) for l in stack.layers] == shapes\n"
    "stack",
]


@pytest.fixture(scope="module")
def notebook_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("notebook") / "stack.html"
    outputs = run_and_export(NOTEBOOK, path)
    assert len(outputs) == 1
    assert "layer2.0.downsample.0" in outputs[0]  # the table: every layer, shortcuts too
    assert outputs[0].count('<iframe srcdoc="') == 1  # and the stack page
    return path


def test_the_notebooks_stack_page_shows_and_explores_offline(
    page: Page, offline: Network, notebook_html: Path
) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(notebook_html.as_uri())
    expect(page.locator("table.convscope-stack tbody tr")).to_have_count(10)  # 9 and the total
    frame = page.frame_locator("iframe.convscope-stack-page")
    # the main path: conv1, maxpool, layer1's two convs, then layer2's four (the shortcut's
    # 1×1 is in the table above, not on the path)
    names = frame.locator("#stack-rows .layer-name")
    expect(names).to_have_text(["conv1", "maxpool", "layer1.0.conv1", "layer1.0.conv2",
                                "layer2.0.conv1", "layer2.0.conv2", "layer2.1.conv1",
                                "layer2.1.conv2"])  # fmt: skip
    _explores(frame, page, RESNET, 8)
    page.locator("iframe.convscope-stack-page").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "stack-notebook.png"), full_page=True)
    # nbconvert's own page asks for MathJax and RequireJS; nothing from the stack page does
    from_frames = [r.url for r in offline.failed if r.frame != page.main_frame]
    assert from_frames == [] and offline.errors == []


def test_a_file_with_each_layers_centre_only_says_so_for_another_cell(
    page: Page, offline: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.offline import stack_page as module

    monkeypatch.setattr(module, "GROWTH_STEPS", 10)  # as a deep stack on a large input
    path = tmp_path / "centres.html"
    path.write_text(module.stack_page(stack_request(RESNET)).html, encoding="utf-8")
    page.goto(path.as_uri())
    expect(page.locator("html[data-ready='1']")).to_have_count(1)
    lit = page.locator("#field-input .fcell.rf")
    page.locator("#stack-rows tr").nth(2).locator("button.link-button").click()
    expect(lit).to_have_count(len(_lit(RESNET, 2, [8, 8])))  # picking a layer: its centre
    page.locator('#probe-output [data-index="0,15"]').click()  # not in the file
    expect(page.locator("#messages")).to_contain_text("centre cell only")
    expect(page.locator("#probe-layer")).to_have_value("2")  # the same layer, its centre
    expect(page.locator("#field-status")).to_contain_text("output cell (8, 8)")
    assert offline.outside == [] and offline.failed == [] and offline.errors == []
