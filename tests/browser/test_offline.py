"""The offline page opened from file:// with every request but file: blocked: from the page's
download route, from ``convscope render --format html``, and inside a notebook executed in a
real kernel and exported by ``jupyter nbconvert --to html``. Each diagram shows, plays, steps
by keyboard and lights what a cell reads, and no request leaves the file."""

from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from playwright.sync_api import FrameLocator, Page, expect

from app.cli import main
from app.i18n.messages import catalogue
from app.layer.query import request_from_query
from app.layer.tracing import run_trace
from tests.browser.network import Network
from tests.browser.reading import key
from tests.notebook.execute import run_and_export

ROOT = Path(__file__).resolve().parents[2]
QUERY = "input_size=5,5&kernel_size=3&stride=2&padding=1"
SEED = "input_size=2,2&kernel_size=3&stride=2&padding=same&transposed=1&input=1,2;3,4&fill=ones"


def _trace(query: str) -> dict[str, Any]:
    request, flat = request_from_query(parse_qsl(query))
    return run_trace(request, flat)


def _explores_and_plays(page: Page, root: Page | FrameLocator, trace: dict[str, Any]) -> None:
    """Shows the output, steps by button and keyboard, plays, lights a window's inputs."""
    expect(root.locator("html[data-ready='1']")).to_have_count(1)
    cells = len(trace["output"]) * len(trace["output"][0]) * len(trace["output"][0][0])
    expect(root.locator("[data-grid=output]")).to_have_count(cells)
    step = root.get_by_label("Step", exact=True)
    root.get_by_role("button", name="Reset").click()
    expect(step).to_have_value("0")
    root.get_by_role("button", name="Step forward").click()
    expect(step).to_have_value("1")
    root.locator(".offline-title").click()  # focus leaves the button: the player's keys
    page.keyboard.press("ArrowRight")
    expect(step).to_have_value("2")
    page.keyboard.press("Home")
    expect(step).to_have_value("0")
    root.get_by_role("button", name="Play").click()
    expect(step).not_to_have_value("0")  # it plays on its own
    root.get_by_role("button", name="Pause").click()
    expect(root.locator(".status")).to_contain_text("Step ")  # words, not a catalogue key
    shown = root.locator("body").inner_text()
    assert not [k for k in catalogue() if "." in k and k in shown], "a message key is shown"
    second = trace["steps"][1]
    root.locator(f'[data-grid=output][data-index="{key(second["output"])}"]').hover()
    lit = root.locator("[data-grid=input].hl")
    expect(lit).to_have_count(len(second["taps"]))
    taps = sorted(key(tap[0]) for tap in second["taps"])
    assert sorted(lit.evaluate_all("els => els.map(e => e.dataset.index)")) == taps


def test_the_pages_download_opens_offline_and_works(
    page: Page, live_server: str, tmp_path: Path
) -> None:
    page.goto(f"{live_server}/?{QUERY}&step=2")
    link = page.get_by_role("link", name="Offline page (HTML)")
    canonical = _trace(QUERY)["query"]
    expect(link).to_have_attribute("href", f"/api/render.html?{canonical}&step=2")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "conv2d-5x5-k3-s2-p1.html"
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    seen = Network()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
               else (seen.outside.append(r.request.url), r.abort()))  # fmt: skip
    page.on("requestfailed", lambda request: seen.failed.append(request))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(path.as_uri())
    # step=2 is "Step 2" on the page, the slider's position 1 (it counts from 0)
    expect(page.get_by_label("Step", exact=True)).to_have_value("1")
    _explores_and_plays(page, page, _trace(QUERY))
    page.get_by_role("radio", name="matrix").check()  # the matrix, from the file's own data
    expect(page.locator("[data-grid=matrix]")).to_have_count(9 * 25)
    page.screenshot(path=str(ROOT / ".tmp" / "offline-1280.png"))
    page.set_viewport_size({"width": 375, "height": 720})
    page.get_by_role("radio", name="padded canvas").check()
    page.screenshot(path=str(ROOT / ".tmp" / "offline-375.png"), full_page=True)
    assert seen.outside == [] and seen.failed == [] and seen.errors == []


def test_the_command_lines_page_opens_offline_and_works(
    page: Page, offline: Network, tmp_path: Path
) -> None:
    path = tmp_path / "seed.html"
    assert main(["render", SEED, "--view", "scatter", "--format", "html", "-o", str(path)]) == 0
    page.goto(path.as_uri())
    expect(page.locator(".diagram[data-view=scatter]")).to_have_count(1)
    page.get_by_role("radio", name="padded canvas").check()
    _explores_and_plays(page, page, _trace(SEED))
    assert offline.outside == [] and offline.failed == [] and offline.errors == []


NOTEBOOK = [
    "import numpy as np\nimport torch\nfrom torch import nn\n\nimport convscope",
    f'convscope.show("{QUERY}")',
    "torch.manual_seed(0)\n"
    "layer = nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1)\n"
    "x = torch.randn(1, 3, 3)\n"
    "diagram = convscope.show(layer, weights=True, x=x)\n"
    "assert np.allclose(diagram.output, layer(x[None])[0].detach().numpy())\n"
    "diagram",
    "from tests.notebook.models import TinyResNet\n"
    "model = TinyResNet()\n"
    "shapes = []\n"
    "kinds = (nn.Conv2d, nn.MaxPool2d)\n"
    "hooks = [m.register_forward_hook(lambda m, i, o, n=n: shapes.append((n, list(o.shape[1:]))))\n"
    "         for n, m in model.named_modules() if isinstance(m, kinds)]\n"
    "model.eval()(torch.zeros(1, 3, 64, 64))\n"
    "for hook in hooks:\n    hook.remove()\n"
    "stack = convscope.stack(model, (3, 64, 64))\n"
    "assert [(l['name'], [l['out_channels'], *l['output_size']]) for l in stack.layers] == shapes\n"
    "stack",
    'stack.show("layer2.0.downsample.0")',
]


@pytest.fixture(scope="module")
def notebook_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The notebook executed in a fresh kernel (an assert in a cell fails the run), then
    exported as ``jupyter nbconvert --to html`` does."""
    path = tmp_path_factory.mktemp("notebook") / "notebook.html"
    html_outputs = run_and_export(NOTEBOOK, path)
    assert len(html_outputs) == 4
    assert sum(h.count("<iframe srcdoc=") for h in html_outputs) == 4  # the stack's page too
    assert "layer2.0.downsample.0" in html_outputs[2]
    return path


def test_the_notebooks_html_shows_and_plays_each_diagram(
    page: Page, offline: Network, notebook_html: Path
) -> None:
    page.goto(notebook_html.as_uri())
    frames = page.locator("iframe.convscope-diagram")
    expect(frames).to_have_count(3)
    transposed = _trace("transposed=1&input_size=3,3&stride=2&padding=1")
    traces = [_trace(QUERY), transposed, None]
    for index, trace in enumerate(traces):
        frame = page.frame_locator("iframe.convscope-diagram").nth(index)
        expect(frame.locator("html[data-ready='1']")).to_have_count(1)
        if trace is not None:
            _explores_and_plays(page, frame, trace)
        else:  # the ResNet's shortcut: 16×16 input, 1×1 kernel, stride 2 → 8×8
            expect(frame.locator("[data-grid=output]")).to_have_count(16 * 8 * 8)
            frame.get_by_role("button", name="Play").click()
            expect(frame.get_by_label("Step", exact=True)).not_to_have_value("0")
    page.screenshot(path=str(ROOT / ".tmp" / "notebook.png"), full_page=True)
    # nbconvert's own page asks for MathJax and RequireJS; nothing from the diagrams does
    from_frames = [r.url for r in offline.failed if r.frame != page.main_frame]
    assert from_frames == [] and offline.errors == []


@pytest.mark.parametrize(
    ("query", "views"),
    [
        (SEED, ["canvas", "scatter", "matrix", "overlap"]),
        ("input_size=5,5&kernel_size=3&grad_output=ones",
         ["canvas", "matrix", "overlap", "gradients"]),
        # the matrix of a 24×24 layer is above what a file embeds (MATRIX_ENTRIES): not offered
        ("input_size=24,24&input=image:coffee&kernel_size=3", ["canvas", "overlap", "picture"]),
        # 3-D: depth slices, and the matrix and overlap drawn across them (views.json)
        ("input_size=4,4,4&kernel_size=3", ["matrix", "overlap", "volume"]),
    ],
)  # fmt: skip
def test_each_view_the_file_offers_is_carried_and_shows(
    page: Page, offline: Network, tmp_path: Path, query: str, views: list[str]
) -> None:
    """The file carries only the views it offers (app/offline/views.py); each one opens from
    the chooser, offline, in words (the file's messages are only those its modules name)."""
    path = tmp_path / "layer.html"
    assert main(["render", query, "--format", "html", "-o", str(path)]) == 0
    page.goto(path.as_uri())
    expect(page.locator("html[data-ready='1']")).to_have_count(1)
    radios = page.locator("[data-part=views] input[type=radio]")
    expect(radios).to_have_count(len(views))
    assert radios.evaluate_all("els => els.map(e => e.value)") == views
    for name in views:
        radios.and_(page.locator(f"[value={name}]")).check()
        expect(page.locator(f".diagram[data-view={name}]")).to_have_count(1)
        expect(page.locator(".diagram [data-grid], .diagram canvas").first).to_be_visible()
        shown = page.locator("body").inner_text()
        assert not [k for k in catalogue() if "." in k and k in shown], (name, "a key is shown")
    # what needs the server (links to other pages, a learner's own picture) is not shown
    for needs_server in (".grad-twin", ".grad-learn", ".picture-demos", ".picture-own"):
        expect(page.locator(needs_server)).to_be_hidden()
    shot = "-".join(views)
    page.screenshot(path=str(ROOT / ".tmp" / f"offline-views-{shot}.png"))
    assert offline.outside == [] and offline.failed == [] and offline.errors == []
