"""Static files under the hash of the static tree: immutable; relative imports inherit it."""

import re

from fastapi.testclient import TestClient

from app.web.assets import IMMUTABLE, module_imports, static_url, tree_hash
from app.web.paths import STATIC_DIR


def test_hashed_urls_are_immutable_and_plain_ones_revalidate(client: TestClient) -> None:
    hashed = client.get(static_url("js/main.js"))
    assert hashed.status_code == 200
    assert hashed.headers["cache-control"] == IMMUTABLE
    plain = client.get("/static/js/main.js")
    assert plain.content == hashed.content
    assert "immutable" not in plain.headers["cache-control"]
    # A page cached before a deploy still gets the files, but not forever.
    stale = client.get("/static/0123456789ab/js/main.js")
    assert stale.status_code == 200 and "immutable" not in stale.headers["cache-control"]
    assert client.get(static_url("js/no-such-module.js")).status_code == 404


def test_the_hash_covers_every_file_of_the_tree() -> None:
    assert re.fullmatch(r"[0-9a-f]{12}", tree_hash())
    assert static_url("css/convscope.css") == f"/static/{tree_hash()}/css/convscope.css"


def test_pages_load_their_scripts_and_styles_by_hashed_url(client: TestClient) -> None:
    pages = (("/", "js/main.js"), ("/embed", "js/embed.js"), ("/stack", "js/stack/main.js"))
    for path, entry in pages:
        html = client.get(f"{path}?input_size=5,5" if "stack" not in path else path).text
        urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
        head = html.split("</head>")[0]
        assert f'<script type="module" src="{static_url(entry)}"></script>' in head
        for module in module_imports(entry):  # one round trip instead of one per import level
            assert f'<link rel="modulepreload" href="{static_url(module)}">' in head
        assert static_url("css/convscope.css") in urls
        for url in urls:
            if url.startswith(f"/static/{tree_hash()}/"):
                assert client.get(url).status_code == 200, url


def test_a_link_to_a_lazily_loaded_view_preloads_its_module(client: TestClient) -> None:
    preload = '<link rel="modulepreload" href="{}">'
    for path in ("/", "/embed"):
        head = client.get(f"{path}?input_size=16,16&kernel_size=3&view=matrix").text
        head = head.split("</head>")[0]
        for module in ("js/views/matrix.js", "js/views/slices.js"):
            assert head.count(preload.format(static_url(module))) == 1, (path, module)
        # a view the page imports statically, or none named: nothing more is preloaded
        for query in ("input_size=5,5", "input_size=5,5&view=canvas"):
            other = client.get(f"{path}?{query}").text.split("</head>")[0]
            assert "js/views/matrix.js" not in other


def test_module_imports_follow_relative_imports_only() -> None:
    imports = module_imports("js/main.js")
    assert "js/state.js" in imports and "js/main.js" not in imports
    for module in imports:
        assert (STATIC_DIR / module).is_file()
    # embed.js imports the viewer, which imports the views and their cells: all preloaded
    assert {"js/viewer.js", "js/views/canvas.js", "js/cells.js"} <= set(
        module_imports("js/embed.js")
    )
    # a JSON module (presets.js imports static/presets/layer.json) is no script to preload
    assert all(module.endswith(".js") for module in imports)
