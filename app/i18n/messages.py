"""Every user-facing sentence of ConvScope, keyed by a stable code: one catalogue.

The catalogue is data, ``static/i18n/<language>/*.json`` (one file per part of the
product, merged), read by the API here and by the page (``static/js/i18n.js``).
``t(key, **ctx)`` is the one translation function of the Python side: errors
(``ConfigError.type`` with its ``ctx``) and page strings alike go through it.
English is the only language for now; another is another folder with the same keys.

>>> t("too_small", field="stride", minimum=1, value=0)
'stride must be at least 1 (got 0)'
"""

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from app.web.paths import STATIC_DIR

LANGUAGE = "en"
I18N_DIR = STATIC_DIR / "i18n"


@cache
def catalogue(language: str = LANGUAGE) -> dict[str, str]:
    """Every message of ``language``: its files merged (a key must be in one file only)."""
    merged: dict[str, str] = {}
    for path in sorted((I18N_DIR / language).glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        clash = merged.keys() & part.keys()
        if clash:
            raise RuntimeError(f"{path.name} repeats message keys {sorted(clash)}")
        merged.update(part)
    return merged


class _Shown(dict[str, Any]):
    """Format arguments that leave an unknown placeholder visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def t(key: str, /, language: str = LANGUAGE, **ctx: Any) -> str:
    """The sentence for ``key`` with ``ctx`` filled in.

    A key with no entry (an older error raised with a whole sentence as its type) is
    returned as it is, so nothing is ever lost on the way to the user.
    """
    template = catalogue(language).get(key) or catalogue(LANGUAGE).get(key)
    if template is None:
        return key
    return template.format_map(_Shown(ctx))


def error_message(type: str, ctx: Mapping[str, Any]) -> str:
    """The message of a ``ConfigError`` (its ``type`` and ``ctx``)."""
    return t(type, **ctx)
