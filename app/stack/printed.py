"""The text PyTorch's ``print(model)`` writes → the layers it lists, in order, by line.

Every module prints as ``(name): Type(arguments)``, containers open with ``Type(`` and
close with ``)``; the arguments are literals (``Conv2d(3, 64, kernel_size=(7, 7),
stride=(2, 2), padding=(3, 3), bias=False)``), so each line is read with the same safe
evaluator as code. ``ModuleList`` folds repeats as ``(0-2): 3 x Type(…)``. A module whose
path runs through ``downsample``, ``shortcut`` or ``skip`` is a side branch.

>>> text = "Net(\\n  (conv): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))\\n"
>>> text += "  (fc): Linear(in_features=10, out_features=2, bias=True)\\n)"
>>> [(e.call.name, e.call.line, e.branch) for e in read_printed(text)]
[('Conv2d', 2, False), ('Linear', 3, False)]
"""

import ast
import re

from app.stack.build import refuse
from app.stack.evaluate import Evaluator, Event, shortcut_name
from app.stack.kinds import Call

OPEN = re.compile(r"^(?P<indent>\s*)(?:\((?P<name>[\w.\-]+)\): )?(?:(?P<count>\d+) x )?"
                  r"(?P<type>[A-Za-z_]\w*)\($")  # fmt: skip
LEAF = re.compile(r"^(?P<indent>\s*)\((?P<name>[\w.\-]+)\): (?:(?P<count>\d+) x )?"
                  r"(?P<call>(?P<type>[A-Za-z_]\w*)\(.*\))$")  # fmt: skip
CLOSE = re.compile(r"^\s*\)$")
MAX_REPEAT = 256


def looks_printed(text: str) -> bool:
    """``Type(`` on the first line and ``(name): Type(…)`` lines: what print(model) writes."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2 or not OPEN.match(lines[0].rstrip()):
        return False
    return any(LEAF.match(line.rstrip()) or OPEN.match(line.rstrip()) for line in lines[1:])


def _call(text: str, line: int) -> Call:
    """``Conv2d(3, 64, kernel_size=(3, 3))`` with literal arguments, read safely."""
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError:
        node = None
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        raise refuse(["code"], "parse_print_line", line=line, text=text[:80])
    evaluator = Evaluator()
    evaluator.line = line
    args = [evaluator.expr(a) for a in node.args]
    kwargs = {k.arg: evaluator.expr(k.value) for k in node.keywords if k.arg is not None}
    return Call(node.func.id, line, args, kwargs)


def read_printed(text: str) -> list[Event]:
    """Every leaf module of the printed model, in print order (the order they were built)."""
    events: list[Event] = []
    path: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if CLOSE.match(line):
            if path:
                path.pop()
            continue
        opened = OPEN.match(line)
        if opened:
            path.append(opened["name"] or "")
            continue
        leaf = LEAF.match(line)
        if leaf is None:
            raise refuse(["code"], "parse_print_line", line=number, text=line.strip()[:80])
        call = _call(leaf["call"], number)
        count = int(leaf["count"] or 1)
        if count > MAX_REPEAT:
            raise refuse(["code"], "parse_too_many_layers", limit=MAX_REPEAT)
        branch = any(shortcut_name(p) for p in [*path, leaf["name"]])
        events.extend(Event(call, branch) for _ in range(count))
    return events
