"""Static files under a content-hashed URL: ``/static/<hash of the tree>/js/main.js``.

The whole ``static/`` tree is served under one hash of its contents, so an ES
module's relative imports (``./state.js``) inherit the hash and every file can be
cached forever (``immutable``); any change to any file changes every URL. Plain
``/static/...`` keeps working (revalidated through its ETag), and a page cached
before a deploy, asking for an older hash, gets today's files, revalidated too.

Pages preload the modules their entry point imports statically
(``<link rel="modulepreload">``), so a cold page costs one round trip for the
scripts instead of one per level of imports.
"""

import hashlib
import posixpath
import re
from functools import cache
from pathlib import Path

from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from app.web.paths import STATIC_DIR

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"
HASH_LENGTH = 12
_HASHED = re.compile(rf"^[0-9a-f]{{{HASH_LENGTH}}}/")
_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*["'](\.{1,2}/[^"']+)["']""")
_DYNAMIC = re.compile(r"""\bimport\s*\(\s*["'](\.{1,2}/[^"']+)["']""")


def _files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and not p.name.startswith("."))


@cache
def tree_hash(directory: Path = STATIC_DIR) -> str:
    """One hash of every file's path and bytes under ``directory`` (first 12 hex digits)."""
    digest = hashlib.sha256()
    for path in _files(directory):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:HASH_LENGTH]


def static_url(path: str) -> str:
    """The immutable URL of a file under ``static/``.

    >>> static_url("js/main.js") == f"/static/{tree_hash()}/js/main.js"
    True
    """
    return f"/static/{tree_hash()}/{path.lstrip('/')}"


@cache
def module_imports(
    entry: str, directory: Path = STATIC_DIR, dynamic: bool = False
) -> tuple[str, ...]:
    """Every module ``entry`` imports statically, directly or not (paths under ``static/``).

    Dynamic ``import()`` calls are left out (those load on first use) unless ``dynamic``
    (every script the page may run); so are JSON modules (``modulepreload`` is for scripts).

    >>> "js/state.js" in module_imports("js/embed.js")
    True
    >>> "js/views/matrix.js" in module_imports("js/embed.js", dynamic=True)
    True
    """
    seen: list[str] = []
    todo = [entry]
    while todo:
        current = todo.pop()
        source = (directory / current).read_text(encoding="utf-8")
        found = _IMPORT.findall(source) + (_DYNAMIC.findall(source) if dynamic else [])
        for relative in found:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(current), relative))
            # JavaScript only: a JSON module (``with { type: "json" }``) cannot be modulepreloaded
            is_script = target.endswith(".js")
            if (
                is_script
                and target not in seen
                and target != entry
                and (directory / target).is_file()
            ):
                seen.append(target)
                todo.append(target)
    return tuple(sorted(seen))


class HashedStaticFiles(StaticFiles):
    """``StaticFiles`` that also answers under ``<hash>/`` with ``immutable`` caching."""

    def __init__(self, directory: Path = STATIC_DIR) -> None:
        super().__init__(directory=directory)
        self.hash = tree_hash(directory)

    async def get_response(self, path: str, scope: Scope) -> Response:
        cache_control = REVALIDATE
        if _HASHED.match(path):
            if path[:HASH_LENGTH] == self.hash:
                cache_control = IMMUTABLE
            path = path[HASH_LENGTH + 1 :]
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = cache_control
        return response
