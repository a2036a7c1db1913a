"""The catalogues use the glossary's terms (docs/glossary.md): where an English message names
a term, its translation names the glossary's term for it (or the English field name in code
form), every glossary term is in use, and the words the glossary refuses appear nowhere."""

import re
from pathlib import Path

import pytest

from app.i18n.messages import own_catalogue

GLOSSARY = Path(__file__).resolve().parents[2] / "docs" / "glossary.md"
LANGS = ("bn", "vi", "hi")


def table(marker: str) -> list[list[str]]:
    text = GLOSSARY.read_text(encoding="utf-8")
    block = text.split(f"<!-- {marker}")[1].split(f"<!-- /{marker} -->")[0]
    rows = [line.strip().strip("|").split("|") for line in block.splitlines()[1:]]
    return [[cell.strip() for cell in row] for row in rows[2:] if len(row) > 1]


TERMS = [
    (re.sub(r"\s*\(.*\)", "", row[0]), dict(zip(LANGS, row[1:4], strict=True)))
    for row in table("glossary")
]
AVOID = [(row[0], row[1]) for row in table("avoid")]


def english_mentions(term: str) -> re.Pattern[str]:
    """``stride`` the word, not ``max_stride`` or ``stride=2`` code (plural ``s`` allowed)."""
    return re.compile(rf"(?<![\w_./=]){re.escape(term)}s?(?![\w_(=])", re.IGNORECASE)


def test_glossary_is_read() -> None:
    assert len(TERMS) >= 20 and AVOID
    assert dict(TERMS)["kernel"] == {"bn": "কার্নেল", "vi": "hạt nhân", "hi": "कर्नेल"}


@pytest.mark.parametrize("language", LANGS)
def test_every_term_is_in_use(language: str) -> None:
    text = "\n".join(own_catalogue(language).values())
    unused = [english for english, words in TERMS if words[language] not in text]
    assert not unused, f"{language}: glossary terms no message uses: {unused}"


@pytest.mark.parametrize("language", LANGS)
def test_messages_use_the_glossary_terms(language: str) -> None:
    english = own_catalogue("en")
    translated = own_catalogue(language)
    checked, wrong = 0, []
    for english_term, words in TERMS:
        pattern, term = english_mentions(english_term), words[language]
        for key, source in english.items():
            if not pattern.search(source):
                continue
            local = translated.get(key) or translated.get(key.rsplit(".", 1)[0] + ".other")
            if local is None:
                continue
            checked += 1
            code_form = re.search(rf"\b{re.escape(english_term.replace(' ', '_'))}", local)
            if term.lower() not in local.lower() and not code_form:
                wrong.append(f"{key}: {english_term!r} → {term!r} not in {local!r}")
    assert checked > 100
    assert not wrong, f"{language}: {len(wrong)} messages stray from the glossary:\n" + "\n".join(
        wrong
    )


@pytest.mark.parametrize(("language", "word"), AVOID)
def test_refused_words_appear_nowhere(language: str, word: str) -> None:
    hits = [k for k, v in own_catalogue(language).items() if word in v]
    assert not hits, f"{language}: {word!r} in {hits}"
