"""Every user-facing sentence of ConvScope, keyed by a stable code: the one catalogue.

``t(key, **ctx)`` is the one translation function: errors (``ConfigError.type`` with its
``ctx``) and page strings alike go through it. English is the only language for now;
another language is another catalogue with the same keys.

>>> t("too_small", field="stride", minimum=1, value=0)
'stride must be at least 1 (got 0)'
"""

from collections.abc import Mapping
from typing import Any

LANGUAGE = "en"

# Keep messages in a student's words: what is wrong, then what would be valid.
MESSAGES: dict[str, str] = {
    # --- fields in general -------------------------------------------------------------
    "too_small": "{field} must be at least {minimum} (got {value})",
    # --- the arithmetic (app/arithmetic) -----------------------------------------------
    # --- requests, queries, bodies, pages (app/api, app/schemas) -----------------------
}

CATALOGUES: dict[str, dict[str, str]] = {"en": MESSAGES}


class _Shown(dict[str, Any]):
    """Format arguments that leave an unknown placeholder visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def t(key: str, /, language: str = LANGUAGE, **ctx: Any) -> str:
    """The sentence for ``key`` with ``ctx`` filled in.

    A key with no entry (an older error raised with a whole sentence as its type) is
    returned as it is, so nothing is ever lost on the way to the user.
    """
    template = CATALOGUES.get(language, MESSAGES).get(key) or MESSAGES.get(key)
    if template is None:
        return key
    return template.format_map(_Shown(ctx))


def error_message(type: str, ctx: Mapping[str, Any]) -> str:
    """The message of a ``ConfigError`` (its ``type`` and ``ctx``)."""
    return t(type, **ctx)
