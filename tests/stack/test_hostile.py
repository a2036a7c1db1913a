"""Hostile code is read, never run: each is refused with its line, and nothing happens.

Every case would create ``pwned`` in a temporary folder if Python ran it; the parser must
refuse it (a 422 naming the line) and the file must not exist afterwards. The work is
bounded by the evaluator's step budget, depth and size limits, not by luck; how long a
refusal takes is measured by ``scripts/bench`` (``benchmarks/``), not asserted here.
"""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.stack.build import StackRefusal
from app.stack.parse import parse_layers

NESTED_LOOPS = "".join(" " * i + f"for v{i} in range(9999):\n" for i in range(40))
NESTED_LOOPS += " " * 40 + "layers = [nn.Conv2d(1, 1, 3)]\n"
MANY_LOOPS = "for i in range(9999):\n    x = i * 2\n" * 550  # about 20,000 characters

# (code with {path}, the line it must name, the refusal type)
CASES = [
    ('x = 1\ny = 2\n__import__("os").system("touch {path}")', 3, "parse_forbidden"),
    ("import os\nos.system('touch {path}')", 1, "parse_forbidden"),
    ("from subprocess import run\nrun(['touch', '{path}'])", 1, "parse_forbidden"),
    ("nn.Conv2d(1, 1, 3)\nopen('{path}', 'w').write('x')", 2, "parse_forbidden"),
    ("f = getattr(nn, 'Conv2d')\nopen('{path}', 'w')", 1, "parse_forbidden"),
    ("c = ().__class__.__bases__[0].__subclasses__()\nopen('{path}', 'w')", 1, "parse_forbidden"),
    ("s = ''.join(['{path}'])", 1, "parse_attribute"),
    ("n = (1).bit_length()\nopen('{path}', 'w')", 1, "parse_attribute"),
    (
        "conv = nn.Conv2d(1, 1, 3)\nw = conv.weight.__class__\nopen('{path}', 'w')",
        2,
        "parse_forbidden",
    ),
    ("x = [[0] * 10**4 for _ in range(10**4)]\nopen('{path}', 'w')", 1, "parse_budget"),
    ("x = [i for i in range(10**9)]\nopen('{path}', 'w')", 1, "parse_too_big"),
    (
        "x = [a * b for a in range(9000) for b in range(9000)]\nopen('{path}', 'w')",
        1,
        "parse_budget",
    ),
    ("x = 1\nx = 10 ** 10 ** 10\nopen('{path}', 'w')", 2, "parse_too_big"),
    ("x = 2 ** 100_000\nopen('{path}', 'w')", 1, "parse_too_big"),
    ("x = 1 << 10**9\nopen('{path}', 'w')", 1, "parse_too_big"),
    ("x = 'a' * 10**9\nopen('{path}', 'w')", 1, "parse_too_big"),
    ("x = " + "-" * 5000 + "1\nopen('{path}', 'w')", 1, "parse_nested"),
    ("def f(n):\n    return f(n)\n\nf(1)\nopen('{path}', 'w')", 2, "parse_nested"),
    ("x = " + "(" * 300 + "1" + ")" * 300 + "\nopen('{path}', 'w')", 1, "parse_syntax"),
    (NESTED_LOOPS + "open('{path}', 'w')", None, "parse_budget"),
    (MANY_LOOPS + "open('{path}', 'w')", None, "parse_budget"),
    ("while True:\n    open('{path}', 'w')", 1, "parse_statement"),
    ("x = lambda: open('{path}', 'w')\nx()", 2, "parse_no_layers_unknown"),
]


def refusal(code: str) -> dict[str, Any]:
    with pytest.raises(StackRefusal) as caught:
        parse_layers(code)
    [detail] = caught.value.detail()
    return detail


@pytest.mark.parametrize(("code", "line", "type"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_hostile_code_is_refused_by_line_and_never_run(
    tmp_path: Path, code: str, line: int | None, type: str
) -> None:
    target = tmp_path / "pwned"
    code = code.replace("{path}", str(target))
    assert len(code) <= 20_000
    detail = refusal(code)
    assert detail["type"] == type, detail
    named = detail["ctx"]["line"]  # where the budget ran out, when no single line is to blame
    assert named == line if line is not None else 1 <= named <= code.count("\n") + 1
    assert f"line {named}" in detail["msg"]
    assert not target.exists()


def test_the_cases_would_create_the_file_if_run(tmp_path: Path) -> None:
    """The check above means something: run as Python, the same code does create it."""
    target = tmp_path / "pwned"
    exec(f"open({str(target)!r}, 'w').write('x')", {})
    assert target.exists()


def test_a_layer_name_cannot_smuggle_a_call(tmp_path: Path) -> None:
    """Arguments are values, not code: a call inside a layer's argument is never made."""
    target = tmp_path / "pwned"
    code = f"nn.Conv2d(1, open({str(target)!r}, 'w'), 3)"
    assert refusal(code)["type"] == "parse_forbidden"
    code = f"nn.Conv2d(1, unknown_function({str(target)!r}), 3)"
    detail = refusal(code)
    assert detail["type"] == "parse_not_literal" and "out_channels" in detail["msg"]
    assert not target.exists()


def test_the_route_answers_a_422_naming_the_line(client: TestClient) -> None:
    response = client.post("/api/stack/parse", json={"code": "x = 1\n__import__('os')"})
    assert response.status_code == 422
    [detail] = response.json()["detail"]
    assert detail["loc"] == ["body", "code"] and detail["ctx"]["line"] == 2
