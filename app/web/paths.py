"""Where templates and static files live, found from the package itself.

An installed wheel carries them inside ``app/`` (see pyproject.toml); a source
checkout keeps them at the top level, beside ``app/``. Never the current directory.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # app/, two up from app/web/paths.py


def _find(name: str) -> Path:
    for base in (PACKAGE_DIR, PACKAGE_DIR.parent):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"ConvScope cannot find its {name}/ folder next to {PACKAGE_DIR}")


STATIC_DIR = _find("static")
TEMPLATES_DIR = _find("templates")
