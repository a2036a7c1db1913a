"""docs/ stays in step with the code: every error type and every limit is documented."""

import json
import re
from dataclasses import fields
from pathlib import Path

from app.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
API = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
NOT_ERRORS = ("valid.", "hint.", "page_")


def test_every_error_type_is_documented() -> None:
    for part in ("request", "fields", "arithmetic"):
        messages = json.loads((ROOT / "static/i18n/en" / f"{part}.json").read_text("utf-8"))
        for key in messages:
            if not key.startswith(NOT_ERRORS):
                assert f"`{key}`" in API, f"docs/api.md does not list the error type {key}"


def test_every_limit_is_documented() -> None:
    for limit in fields(Limits):
        assert f"`{limit.name}`" in API, f"docs/api.md does not list the limit {limit.name}"


def test_the_readme_links_the_docs_in_the_repository() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme
    for target in re.findall(r"\]\((docs/[^)]+)\)", readme):
        assert (ROOT / target).is_file(), target
    assert (ROOT / "docs" / "semantics.md").is_file()
