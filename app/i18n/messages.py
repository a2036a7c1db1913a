"""Every user-facing sentence of ConvScope, keyed by a stable code: one catalogue per language.

The catalogues are data, ``static/i18n/<language>/<part>.json``: flat JSON objects with
dotted keys and ``{name}`` placeholders, one file per part of the product, merged; a
plural is a family of keys ``key.one`` / ``key.other`` (the CLDR categories the language
uses: Vietnamese has only ``other``). This is the i18next JSON v4 layout, which Weblate
("i18next JSON") and Crowdin read as they are. The API reads them here, the page
(``static/js/i18n.js``) from the same files, embedded in its first paint.

``t(key, **ctx)`` answers in the language of the request being answered
(``app.i18n.languages``), or in ``language=`` when given; a key a language lacks falls
back to English, so nothing is ever lost on the way to the user.

>>> t("too_small", field="stride", minimum=1, value=0)
'stride must be at least 1 (got 0)'
>>> t("too_small", language="vi", field="stride", minimum=1, value=0)
'stride phải ít nhất là 1 (nhận được 0)'
>>> [plural_category(n, "bn") for n in (0, 1, 2, 5)], plural_category(1, "vi")
(['one', 'one', 'other', 'other'], 'other')
"""

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

from babel import Locale

from app.i18n.languages import ENGLISH, LANGUAGES
from app.i18n.languages import language as current_language
from app.web.paths import STATIC_DIR

LANGUAGE = ENGLISH
I18N_DIR = STATIC_DIR / "i18n"
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")


@cache
def own_catalogue(language: str) -> dict[str, str]:
    """The messages ``language``'s own files hold (a key must be in one file only)."""
    merged: dict[str, str] = {}
    for path in sorted((I18N_DIR / language).glob("*.json")):
        part = json.loads(path.read_text(encoding="utf-8"))
        clash = merged.keys() & part.keys()
        if clash:
            raise RuntimeError(f"{path.name} repeats message keys {sorted(clash)}")
        merged.update(part)
    return merged


@cache
def catalogue(language: str = LANGUAGE) -> dict[str, str]:
    """Every message in ``language``, English where it has none (what the page embeds)."""
    if language == ENGLISH or language not in LANGUAGES:
        return own_catalogue(ENGLISH)
    return {**own_catalogue(ENGLISH), **own_catalogue(language)}


@cache
def plural_category(count: float, language: str) -> str:
    """CLDR's plural category of ``count`` in ``language``, from Babel's locale data."""
    return str(Locale.parse(language).plural_form(count))


class _Shown(dict[str, Any]):
    """Format arguments that leave an unknown placeholder visible instead of failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _template(key: str, language: str, ctx: Mapping[str, Any]) -> str | None:
    messages = catalogue(language)
    count = ctx.get("count")
    numeric = isinstance(count, int | float) and not isinstance(count, bool)
    if numeric and f"{key}.other" in messages:
        form = f"{key}.{plural_category(count, language)}"
        return messages.get(form) or messages[f"{key}.other"]
    return messages.get(key)


def t(key: str, /, language: str | None = None, **ctx: Any) -> str:
    """The sentence for ``key`` with ``ctx`` filled in, in ``language`` (default: the
    request's). A plural family (``key.one``/``key.other``) is chosen by ``count``.

    A key with no entry (an older error raised with a whole sentence as its type) is
    returned as it is.
    """
    language = language or current_language()
    template = _template(key, language, ctx)
    if template is None:
        return key
    axis = ctx.get("axis")
    if isinstance(axis, str) and f"axis.{axis}" in catalogue(language):
        ctx = {**ctx, "axis": catalogue(language)[f"axis.{axis}"]}  # "height" in its words
    return template.format_map(_Shown(ctx))


def comment(key: str, **ctx: Any) -> list[str]:
    """A comment of a code snippet, one ``#`` line per line of the catalogue's entry
    (``snippet.<key>``), in the request's language: code stays English, its comments are
    the reader's (SPEC.md, "Languages").

    >>> comment("keras.groups_gpu", language="en")
    ['# groups > 1: TensorFlow runs grouped convolutions on GPU only']
    """
    return [f"# {line}" for line in t(f"snippet.{key}", **ctx).split("\n")]


def error_message(type: str, ctx: Mapping[str, Any]) -> str:
    """The message of a ``ConfigError`` (its ``type`` and ``ctx``)."""
    return t(type, **ctx)
