"""Plural forms by CLDR: bn and hi take "one" for i = 0 or n = 1, vi has only "other"
(SPEC.md, "Languages"). The server chooses with Babel's locale data; the page with the
browser's Intl.PluralRules (tests/browser/test_languages.py checks the same table there)."""

import pytest
from babel import Locale

from app.i18n.messages import own_catalogue, plural_category, t

# CLDR's rules, written out: 0, 1, 2 and 5.
EXPECTED = {
    "en": ["other", "one", "other", "other"],
    "bn": ["one", "one", "other", "other"],
    "hi": ["one", "one", "other", "other"],
    "vi": ["other", "other", "other", "other"],
}
COUNTS = [0, 1, 2, 5]


@pytest.mark.parametrize("language", EXPECTED)
def test_babel_follows_cldr(language: str) -> None:
    assert [plural_category(n, language) for n in COUNTS] == EXPECTED[language]
    tags = Locale.parse(language).plural_form.tags
    assert tags == ({"one"} if language != "vi" else set())  # babel 2.19's data fails vi here


@pytest.mark.parametrize("language", EXPECTED)
def test_plural_messages_for_0_1_2_5(language: str) -> None:
    """The sentence of each count is its category's entry, with the count in it."""
    key = "view.overlap.legend.item"
    messages = own_catalogue(language)
    for n, category in zip(COUNTS, EXPECTED[language], strict=True):
        text = t(key, language=language, overlap=9, count=n)
        template = messages.get(f"{key}.{category}")
        assert template is not None, f"{language} lacks {key}.{category}"
        assert text == template.format(overlap=9, count=n)
        assert "9" in text and (str(n) in text or (category == "one" and n == 1))


def test_bengali_zero_is_singular_and_english_zero_plural() -> None:
    assert t("describe.reads", language="en", where="0,0", value=1, count=0, cells="")
    assert t("view.overlap.legend.item", language="en", overlap=1, count=0) == "1 (0 cells)"
    assert t("view.overlap.legend.item", language="en", overlap=1, count=1) == "1 (1 cell)"
    bn = own_catalogue("bn")["view.overlap.legend.item.one"]
    assert t("view.overlap.legend.item", language="bn", overlap=1, count=0) == bn.format(
        overlap=1, count=0
    )
