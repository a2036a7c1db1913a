"""The offline page's modules: walked from the entry (static and dynamic imports), every
relative import made bare, each module's text unchanged but for its specifiers."""

import re
from pathlib import Path
from urllib.parse import unquote

from app.offline.bundle import PREFIX, bundle, specifier, stylesheet
from app.web.assets import module_imports
from app.web.paths import STATIC_DIR

ENTRY = "js/offline/offline.js"


def _text(url: str) -> str:
    media, _, body = url.partition(",")
    assert media in ("data:text/javascript", "data:application/json")
    return unquote(body)


def test_every_module_the_viewer_loads_is_inlined() -> None:
    built = bundle(ENTRY)
    names = {name.removeprefix(PREFIX) for name in built.imports}
    assert {"js/viewer.js", *module_imports("js/viewer.js")} <= names
    # views loaded on first use (import("./matrix.js")) come along too
    views = {f"js/views/{p.name}" for p in (STATIC_DIR / "js" / "views").glob("*.js")}
    assert views <= names


def test_no_relative_specifier_is_left_and_the_rest_is_the_source() -> None:
    built = bundle(ENTRY)
    relative = re.compile(r"""(from|import)\s*\(?\s*["']\.{1,2}/""")
    for name, url in built.imports.items():
        text = _text(url)
        assert not relative.search(text), name
        source = (STATIC_DIR / name.removeprefix(PREFIX)).read_text(encoding="utf-8")
        restored = re.sub(r"""(["'])@convscope/[^"']+\1""", "", text)
        stripped = re.sub(r"""(["'])\.{1,2}/[^"']+\1""", "", source)
        assert restored == stripped, name


def test_the_import_map_is_safe_inside_a_script_element() -> None:
    text = bundle(ENTRY).importmap()
    assert "</script" not in text.lower() and "<" not in text
    assert specifier("js/viewer.js") in text


def test_a_stylesheet_inlines_what_it_names(tmp_path: Path) -> None:
    (tmp_path / "css").mkdir()
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "a.woff2").write_bytes(b"\x00font")
    (tmp_path / "css" / "a.css").write_text(
        '@font-face { src: url("../fonts/a.woff2") format("woff2"); }\n'
        "b { background: url(data:image/png;base64,AA==); }",
        encoding="utf-8",
    )
    css = stylesheet("css/a.css", tmp_path)
    assert 'url("data:font/woff2;base64,AGZvbnQ=")' in css
    assert "url(data:image/png;base64,AA==)" in css


def test_json_modules_and_files_fetched_by_url_are_inlined(tmp_path: Path) -> None:
    (tmp_path / "js").mkdir()
    (tmp_path / "data.json").write_text('{"a": "#1"}', encoding="utf-8")
    (tmp_path / "js" / "entry.js").write_text(
        'import table from "../data.json" with { type: "json" };\n'
        'const url = new URL("../data.json", import.meta.url);\n',
        encoding="utf-8",
    )
    built = bundle("js/entry.js", tmp_path)
    assert built.imports[specifier("data.json")] == 'data:application/json,{"a": "%231"}'
    entry = _text(built.imports[specifier("js/entry.js")])
    assert 'from "@convscope/data.json"' in entry
    assert 'new URL("data:application/json,{\\"a\\": \\"%231\\"}")' in entry


def test_a_view_left_out_is_missing_only_where_it_is_loaded_by_import() -> None:
    views = frozenset({"js/views/matrix.js", "js/views/canvas.js"})
    built = bundle(ENTRY, leave_out=views)
    names = {name.removeprefix(PREFIX) for name in built.imports}
    assert "js/views/matrix.js" not in names  # only import("./matrix.js"): left out
    assert "js/views/canvas.js" in names  # imported statically by views/index.js: kept
    index = _text(built.imports[specifier("js/views/index.js")])
    assert 'import("@convscope/js/views/matrix.js")' in index  # rejects: no entry in the map
