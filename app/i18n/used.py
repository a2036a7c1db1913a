"""The messages a page can show: the keys its scripts (and the data it embeds) name, so a
page embeds those and not the whole catalogue (the API's errors, other pages' words).

A script names a key as a string literal (``t("player.play")``, ``const KEY = "view.note"``)
or as a template of literal parts and ``${…}`` (``t(`view.matrix.${kind}.cell`)``: one key
segment per ``${…}``). A key is used when a literal is that key, or a template matches it,
plural forms included (``key.one``/``key.other`` of a literal ``key``). Keys built any other
way are not found: write them as literals or templates (``static/js/views/README.md``).

>>> words = {"player.play": "Play", "count.one": "1 cell", "count.other": "{count} cells",
...          "view.matrix.rows.cell": "row", "view.matrix.note": "C", "too_small": "…"}
>>> sorted(used(words, 't("player.play"); t("count", {count}); t(`view.matrix.${k}.cell`)'))
['count.one', 'count.other', 'player.play', 'view.matrix.rows.cell']
"""

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from app.i18n.messages import PLURAL_FORMS, catalogue
from app.web.assets import module_imports
from app.web.paths import STATIC_DIR

_SEGMENT = r"[a-z0-9_-]+"
# a quoted literal that looks like a key: "player.play", 'tagline'
_LITERAL = re.compile(rf"""["'`]({_SEGMENT}(?:\.{_SEGMENT})*)["'`]""")
# a template of key parts and ${…}, beginning with a literal segment: `view.matrix.${kind}.cell`
_TEMPLATE = re.compile(r"`([a-z0-9_-]+\.(?:[a-z0-9_.-]|\$\{[^{}`]*\})*)`")
_PLURAL = "(?:\\.(?:" + "|".join(PLURAL_FORMS) + "))?"


def patterns(text: str) -> tuple[set[str], re.Pattern[str] | None]:
    """The literal keys ``text`` names, and one pattern of all its key templates."""
    literals = set(_LITERAL.findall(text))
    templates = {
        re.sub(r"\\\$\\\{[^{}`]*\\\}", _SEGMENT, re.escape(found))
        for found in _TEMPLATE.findall(text)
        if "${" in found
    }
    joined = "|".join(sorted(templates))
    return literals, re.compile(f"(?:{joined}){_PLURAL}") if templates else None


def used(words: Mapping[str, str], *texts: str, keys: Iterable[str] = ()) -> dict[str, str]:
    """The messages of ``words`` that ``texts`` (scripts, embedded data) name, and ``keys``."""
    literals, template = patterns("\n".join(texts))
    literals |= set(keys)

    def named(key: str) -> bool:
        head, _, last = key.rpartition(".")
        plural = last in PLURAL_FORMS and head in literals
        return key in literals or plural or bool(template and template.fullmatch(key))

    return {key: value for key, value in words.items() if named(key)}


@cache
def scripts(entry: str) -> str:
    """The text of every script a page whose entry is ``entry`` may run (``import()`` too)."""
    paths = [entry, *module_imports(entry, dynamic=True)]
    return "\n".join((STATIC_DIR / path).read_text(encoding="utf-8") for path in paths)


@cache
def _page_words(entry: str, language: str) -> dict[str, str]:
    return used(catalogue(language), scripts(entry))


def page_catalogue(entry: str, language: str, *data: Any) -> dict[str, str]:
    """What a page embeds for its ``t()``: the messages in ``language`` (English where it has
    none) that the scripts of ``entry`` name, and the keys named in ``data`` it embeds too
    (a tour's stops: ``{"title": "tour.1x1.1.title"}``).

    >>> words = page_catalogue("js/embed.js", "en")
    >>> "player.play" in words, "stack_page.title" in words, "too_small" in words
    (True, False, False)
    >>> "tour.1x1.1.title" in page_catalogue("js/embed.js", "en", {"title": "tour.1x1.1.title"})
    True
    """
    words = _page_words(entry, language)
    named = [item for item in data if item]
    if not named:
        return words
    return {**words, **used(catalogue(language), json.dumps(named, ensure_ascii=False))}
