"""Which views an offline page offers: the one rule the page itself reads
(``static/js/views/views.json``, through ``static/js/views/index.js``), evaluated on the
API's trace, less the views that read something the file does not carry.

A rule names the dimensions a view draws (``nd``), and optionally that it is for transposed
layers only (``transposed``), the ops it draws (``op``), and what it reads besides the trace
(``reads``: ``matrix``, ``im2col``, ``grad`` or ``picture``). A page with a server fetches
what a view reads; an offline file offers the view only when it carries it.

>>> sorted(rules())[:3]
['canvas', 'gradients', 'im2col']
>>> trace = {"config": {"input_size": [5, 5], "transposed": False, "op": "conv"}}
>>> offered(trace, frozenset())
['canvas', 'overlap']
>>> offered({"config": {"input_size": [4, 4, 4], "transposed": True, "op": "conv"}},
...         frozenset({"matrix", "grad"}))
['scatter', 'matrix', 'overlap', 'volume']
"""

import json
from functools import cache
from typing import Any

from app.web.paths import STATIC_DIR

RULES = "js/views/views.json"


@cache
def rules() -> dict[str, dict[str, Any]]:
    """``views.json``: view name → its rule, in the order the page offers them."""
    loaded: dict[str, dict[str, Any]] = json.loads((STATIC_DIR / RULES).read_text("utf-8"))
    return loaded


def module(name: str) -> str:
    """The file of a view's module under ``static/``: ``js/views/matrix.js``."""
    return f"js/views/{name}.js"


def applies(name: str, trace: dict[str, Any]) -> bool:
    """Whether the rule lets view ``name`` show ``trace`` (the API's JSON), as the page's
    ``applies`` in ``views/index.js`` decides it."""
    rule = rules().get(name)
    config = trace["config"]
    return (
        rule is not None
        and len(config["input_size"]) in rule["nd"]
        and rule.get("transposed", config["transposed"]) == config["transposed"]
        and (config.get("op") or "conv") in rule.get("op", [config.get("op") or "conv"])
    )


def offered(trace: dict[str, Any], carries: frozenset[str], opened: str = "") -> list[str]:
    """The views a file carrying ``carries`` can switch to for ``trace``, and the view it
    ``opened`` with when the rule lets that view show the trace at all."""
    return [
        name
        for name, rule in rules().items()
        if applies(name, trace) and (rule.get("reads") in (None, *carries) or name == opened)
    ]


def left_out(views: list[str]) -> frozenset[str]:
    """The modules of every view not in ``views`` (what the file need not carry)."""
    return frozenset(module(name) for name in rules() if name not in views)
