"""Snippets in another language: the same English code, line for line; only the comments
are the reader's (SPEC.md, "Languages")."""

import pytest
from fastapi.testclient import TestClient

from app.i18n.messages import own_catalogue

QUERIES = [
    "input_size=5,5&padding=0:1,1:2",
    "input_size=4,4&kernel_size=3&stride=2&padding=same&transposed=1",
    "input_size=6,6&stride=2&dilation=2&padding=same",
    "input_size=6,6&op=max_pool&padding=1&dilation=2&kernel_size=3",
]


def code_lines(snippet: str) -> list[str]:
    """Each line without its comment (a ``#`` after the code or a whole comment line)."""
    return [
        line.split("  # ")[0] for line in snippet.splitlines() if not line.lstrip().startswith("#")
    ]


@pytest.mark.parametrize("language", ["bn", "vi", "hi"])
@pytest.mark.parametrize("query", QUERIES)
def test_code_stays_english_comments_translated(
    client: TestClient, query: str, language: str
) -> None:
    english = client.get(f"/api/trace?{query}&steps=0&include=code").json()["code"]
    local = client.get(f"/api/trace?{query}&steps=0&include=code&lang={language}").json()["code"]
    for framework in ("pytorch", "keras"):
        assert code_lines(local[framework]) == code_lines(english[framework])
        compile(local[framework], f"<{framework} {language}>", "exec")
        comments = [line for line in local[framework].splitlines() if line.lstrip().startswith("#")]
        assert comments and comments != [
            line for line in english[framework].splitlines() if line.lstrip().startswith("#")
        ]
    first = own_catalogue(language)[
        "snippet.torch.input" if "op=" not in query else "snippet.torch.pool_input"
    ]
    assert first.split("[")[0] in local["pytorch"]
