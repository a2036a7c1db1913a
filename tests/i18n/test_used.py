"""Pages embed the messages their scripts name (app/i18n/used.py): the forms of a key it
finds are the forms the scripts use, each page's messages are complete in every language,
and what a page names is there."""

import re

import pytest

from app.i18n.messages import catalogue, own_catalogue
from app.i18n.used import page_catalogue, scripts, used
from app.web.paths import STATIC_DIR

ENTRIES = ("js/main.js", "js/embed.js", "js/stack/main.js", "js/learn/main.js")
# Key forms used.py cannot see: a template beginning with ${…} as t()'s key, a key prefix
# joined with +, a key suffix joined with + (write `view.${name}.note` instead).
UNSEEN = (
    re.compile(r"(?<![\w.$])(?:t|tr|tOr|translate)\(\s*`\$\{"),
    re.compile(r"""["'][a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.["']\s*\+"""),
    re.compile(r"""\+\s*["']\.[a-z0-9_-]"""),
)


def test_scripts_build_keys_only_in_forms_the_embedding_finds() -> None:
    found = [
        (path.relative_to(STATIC_DIR).as_posix(), line)
        for path in sorted((STATIC_DIR / "js").rglob("*.js"))
        if path.name != "i18n.js"  # t() itself: `${key}.other`
        for line in path.read_text(encoding="utf-8").splitlines()
        if any(form.search(line) for form in UNSEEN)
    ]
    assert found == []


@pytest.mark.parametrize("entry", ENTRIES)
@pytest.mark.parametrize("language", ["bn", "vi", "hi"])
def test_a_page_embeds_the_same_messages_in_every_language(entry: str, language: str) -> None:
    english = page_catalogue(entry, "en")
    local = page_catalogue(entry, language)
    assert local.keys() == english.keys()
    translated = own_catalogue(language)
    assert all(local[key] == translated[key] for key in local if key in translated)


@pytest.mark.parametrize("entry", ENTRIES)
def test_every_literal_key_a_page_names_is_embedded_and_nothing_unnamed(entry: str) -> None:
    text = scripts(entry)
    words = page_catalogue(entry, "en")
    literal = set(re.findall(r"""(?<![\w.$])(?:t|tr|tOr)\(\s*["']([^"']+)["']""", text))
    assert literal & catalogue().keys() <= words.keys()
    assert len(words) < len(catalogue()) / 2  # not the whole catalogue
    others = {"js/main.js": "stack_page.", "js/embed.js": "stack_page.",
              "js/stack/main.js": "view.", "js/learn/main.js": "preset."}  # fmt: skip
    assert not any(key.startswith(others[entry]) for key in words)


def test_templates_match_one_segment_per_interpolation_and_plurals() -> None:
    words = {"view.matrix.rows.cell": "a", "view.matrix.rows.x.cell": "b", "view.note": "e",
             "legend.unused.pad.one": "c", "legend.unused.pad.other": "d"}  # fmt: skip
    found = used(words, "t(`view.matrix.${kind}.cell`); t(`legend.unused.${r}`)")
    assert sorted(found) == ["legend.unused.pad.one", "legend.unused.pad.other",
                             "view.matrix.rows.cell"]  # fmt: skip
