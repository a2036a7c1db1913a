"""The page's own ES modules as one import map of ``data:`` URLs, for a file that needs no server.

A module's relative imports (``./state.js``, ``import("./matrix.js")``) cannot resolve from a
``data:`` URL, so each is rewritten to a bare specifier naming the file under ``static/``
(``@convscope/js/state.js``) and the import map sends that name to the module's text. The
import graph is walked from an entry module, static and dynamic imports alike, so whatever
modules the page grows are picked up with no list to keep. Nothing is built or minified:
the text is the page's, percent-encoded only where a URL needs it (newlines, ``%``, ``#``,
non-ASCII), so the file stays about the size of the sources.
"""

import base64
import json
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote

from app.web.paths import STATIC_DIR

PREFIX = "@convscope/"
# `from "./x.js"`, `import "./x.js"`, `import("./x.js")`, `export … from "../x.js"`
_RELATIVE = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.{1,2}/[^"']+)\2""")
# `new URL("../presets/layer.json", import.meta.url)`: a file a module fetches by its own URL
_META_URL = re.compile(r"""new URL\(\s*(["'])(\.{1,2}/[^"']+)\1\s*,\s*import\.meta\.url\s*\)""")
_CSS_URL = re.compile(r"""url\(\s*(["']?)(?!data:|https?:|#)([^"')]+)\1\s*\)""")
# Characters a data: URL may carry as they are: printable ASCII but % and # (and no
# whitespace other than the space, which the URL parser would strip or fold).
_SAFE = "".join(chr(c) for c in range(0x20, 0x7F) if chr(c) not in "%#")
_MEDIA = {".js": "text/javascript", ".json": "application/json", ".css": "text/css",
          ".svg": "image/svg+xml", ".woff2": "font/woff2", ".woff": "font/woff",
          ".ttf": "font/ttf", ".png": "image/png"}  # fmt: skip


def data_url(path: Path, text: str) -> str:
    """A module's ``data:`` URL: its text percent-encoded, not base64 (a third smaller for
    source code, and still readable in the file).

    >>> data_url(Path("x.js"), 'const a = "#1";\\n')
    'data:text/javascript,const a = "%231";%0A'
    """
    media = _MEDIA.get(path.suffix, "application/octet-stream")
    return f"data:{media},{quote(text, safe=_SAFE)}"


def file_url(path: Path) -> str:
    """Any file (a font, a picture) as a base64 ``data:`` URL, for a stylesheet."""
    media = _MEDIA.get(path.suffix, "application/octet-stream")
    return f"data:{media};base64,{base64.b64encode(path.read_bytes()).decode()}"


def specifier(path: str) -> str:
    """The bare name a module goes by in the import map: ``@convscope/js/state.js``."""
    return PREFIX + path


@dataclass(frozen=True)
class Bundle:
    """An import map (``{"imports": {bare name: data URL}}``) and the entry's bare name."""

    imports: dict[str, str]
    entry: str

    def importmap(self) -> str:
        """The map as JSON safe inside ``<script type="importmap">``."""
        return json.dumps({"imports": self.imports}, separators=(",", ":")).replace("<", "\\u003c")

    def text(self) -> str:
        """Every module's text, one after the other (what the page's scripts say)."""
        return "\n".join(unquote(url.split(",", 1)[1]) for url in self.imports.values())

    @property
    def size(self) -> int:
        return sum(len(url) for url in self.imports.values())


def _rewrite(
    current: str,
    source: str,
    found: list[str],
    directory: Path = STATIC_DIR,
    dynamic: list[str] | None = None,
) -> str:
    """``source`` with its relative specifiers made bare (each target appended to ``found``,
    or to ``dynamic`` when given and the target is loaded by ``import()``) and the files it
    fetches by its own URL (``new URL("./x.json", import.meta.url)``) inlined as ``data:``
    URLs, since a ``data:`` module has no folder to resolve them from."""

    def bare(match: re.Match[str]) -> str:
        lead, quote_mark, relative = match.groups()
        target = posixpath.normpath(posixpath.join(posixpath.dirname(current), relative))
        (dynamic if dynamic is not None and "(" in lead else found).append(target)
        return f"{lead}{quote_mark}{specifier(target)}{quote_mark}"

    def inline(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(current), match.group(2)))
        path = directory / target
        if not path.is_file():
            return match.group(0)
        return f"new URL({json.dumps(data_url(path, path.read_text(encoding='utf-8')))})"

    return _RELATIVE.sub(bare, _META_URL.sub(inline, source))


@cache
def bundle(
    entry: str, directory: Path = STATIC_DIR, leave_out: frozenset[str] = frozenset()
) -> Bundle:
    """Every module ``entry`` reaches, statically or by ``import()``, as one import map;
    a module in ``leave_out`` (a path under ``static/``) is left out where it is only loaded
    by ``import()`` (that ``import()`` then rejects, as a module that fails to load does,
    and requests nothing: its bare name has no entry in the map).

    >>> b = bundle("js/offline/offline.js")
    >>> specifier("js/viewer.js") in b.imports, specifier("js/views/matrix.js") in b.imports
    (True, True)
    >>> any("from%20%22./" in url or 'from "./' in url for url in b.imports.values())
    False
    >>> small = bundle("js/offline/offline.js", leave_out=frozenset({"js/views/matrix.js"}))
    >>> specifier("js/views/matrix.js") in small.imports, small.size < b.size
    (False, True)
    """
    imports: dict[str, str] = {}
    todo = [entry]
    while todo:
        current = todo.pop()
        if specifier(current) in imports:
            continue
        path = directory / current
        if not path.is_file():
            raise FileNotFoundError(f"{current} is imported but not under {directory}")
        found: list[str] = []
        dynamic: list[str] = []
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".js":
            text = _rewrite(current, text, found, directory, dynamic)
        imports[specifier(current)] = data_url(path, text)
        todo.extend(found)
        todo.extend(target for target in dynamic if target not in leave_out)
    return Bundle(dict(sorted(imports.items())), specifier(entry))


# The script fonts a language needs; an offline page carries only its own (each is ~40 kB).
SCRIPT_FONTS = {"bn": "NotoSansBengali", "hi": "NotoSansDevanagari"}


@cache
def stylesheet(path: str, directory: Path = STATIC_DIR, lang: str = "en") -> str:
    """A stylesheet's text with every ``url(...)`` it names (fonts, images) inlined; a script
    font of another language than ``lang`` is left out (its ``@font-face`` then loads nothing).

    >>> "url(" not in stylesheet("css/views.css") or "data:" in stylesheet("css/views.css")
    True
    >>> "NotoSansBengali" in stylesheet("css/convscope.css", lang="en")
    False
    """
    css = (directory / path).read_text(encoding="utf-8")
    unwanted = [font for code, font in SCRIPT_FONTS.items() if code != lang]

    def inline(match: re.Match[str]) -> str:
        target = directory / posixpath.normpath(posixpath.join(posixpath.dirname(path),
                                                               match.group(2)))  # fmt: skip
        if any(target.name.startswith(font) for font in unwanted):
            return 'url("data:,")'
        return f'url("{file_url(target)}")' if target.is_file() else match.group(0)

    return _CSS_URL.sub(inline, css).replace("</", "<\\/")
