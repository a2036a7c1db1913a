"""Every catalogue complete: each English message has a translation in bn, vi and hi, no
translation has a key English lacks, and placeholders are the same (SPEC.md, "Languages").

These run over whatever part files are in static/i18n/ when CI runs: every engineer's parts
(tours.json, learn.json, …) are held to the same rule. A plural family ``key.one`` /
``key.other`` is complete when it has exactly the CLDR categories of the language (Babel):
``one`` and ``other`` in bn and hi, ``other`` alone in vi; the English ``one`` may spell
its 1 where bn/hi write ``{count}`` (their ``one`` also covers 0).
"""

import json
import re
from pathlib import Path

import pytest
from babel import Locale

from app.i18n.languages import LANGUAGES
from app.i18n.messages import I18N_DIR, PLURAL_FORMS

TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]
PLACEHOLDER = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")


def parts(language: str) -> dict[str, dict[str, str]]:
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((I18N_DIR / language).glob("*.json"))
    }


def family(key: str) -> tuple[str, str] | None:
    """``("describe.reads", "one")`` for a plural entry, None otherwise."""
    stem, _, form = key.rpartition(".")
    return (stem, form) if stem and form in PLURAL_FORMS else None


def plural_stems(english: dict[str, str]) -> set[str]:
    """The stems English writes in both its forms, ``one`` and ``other``: a plural family
    (``explore.pinned.other`` alone, "pinned in the other grid", is not)."""
    return {f[0] for key in english if (f := family(key)) and f[1] == "one"} & {
        f[0] for key in english if (f := family(key)) and f[1] == "other"
    }


def expected_keys(english: dict[str, str], language: str) -> set[str]:
    """English's keys, with each plural family spelled in ``language``'s CLDR categories."""
    stems = plural_stems(english)
    categories = {*Locale.parse(language).plural_form.tags, "other"}
    keys = {k for k in english if not ((f := family(k)) and f[0] in stems)}
    return keys | {f"{stem}.{form}" for stem in stems for form in categories}


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


ENGLISH = parts("en")


def test_english_catalogue_is_well_formed() -> None:
    seen: dict[str, str] = {}
    for name, messages in ENGLISH.items():
        for key, value in messages.items():
            assert isinstance(value, str), f"en/{name}: {key} is not a string"
            assert key not in seen, f"{key} is in en/{name} and en/{seen[key]}"
            seen[key] = name


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("part", sorted(ENGLISH))
def test_translation_is_complete(language: str, part: str) -> None:
    english = ENGLISH[part]
    path = I18N_DIR / language / part
    assert path.exists(), f"static/i18n/{language}/{part} is missing: translate {len(english)} keys"
    translated = json.loads(path.read_text(encoding="utf-8"))
    wanted = expected_keys(english, language)
    missing = sorted(wanted - translated.keys())
    extra = sorted(translated.keys() - wanted)
    assert not missing, f"{language}/{part} lacks {missing}"
    assert not extra, f"{language}/{part} has keys English does not: {extra}"
    for key in sorted(wanted):
        value = translated[key]
        assert isinstance(value, str), f"{language}/{part}: {key}"
        if english.get(key, "x") != "" and value.strip() == "":
            pytest.fail(f"{language}/{part}: {key} is empty")
        f = family(key)
        source = english[f"{f[0]}.other"] if f and key not in english else english[key]
        want, got = placeholders(source), placeholders(value)
        if f and f[0] in plural_stems(english):
            # a plural's forms may differ only in {count} (English writes its "1")
            want, got = want - {"count"}, got - {"count"}
        assert got == want, f"{language}/{part}: {key} has {sorted(got)}, English {sorted(want)}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_part_without_english(language: str) -> None:
    assert set(parts(language)) <= set(ENGLISH), "a part file English does not have"


def test_expected_keys_follow_cldr() -> None:
    english = {"a.one": "1 cell", "a.other": "{count} cells", "b": "x", "c.one": "one thing"}
    assert expected_keys(english, "bn") == {"a.one", "a.other", "b", "c.one"}
    assert expected_keys(english, "vi") == {"a.other", "b", "c.one"}


def test_a_missing_translation_is_caught(tmp_path: Path) -> None:
    """The check itself: a key dropped from a translation is reported, not passed over."""
    english = ENGLISH["page.json"]
    translated = json.loads((I18N_DIR / "bn" / "page.json").read_text(encoding="utf-8"))
    del translated["player.play"]
    assert expected_keys(english, "bn") - translated.keys() == {"player.play"}
