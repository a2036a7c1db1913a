"""The formulas panel's words in the request's language (SPEC.md, "Languages").

``app.arithmetic.formulas`` names each formula in English (``output size (height)``,
``"same" padding (width)``, ``parameters``); the maths stays there, language-free. Here the
names, and a ``before 0, after 1`` result, are rewritten from the catalogue (``formula.*``);
the formulas themselves, numbers and code names stay as they are.

>>> from app.i18n.languages import using
>>> with using("vi"):
...     localized([{"name": "output size (height)", "general": "o = …", "substituted": "…",
...                 "result": "3"}])[0]["name"]
'kích thước đầu ra (chiều cao)'
"""

import re
from typing import Any

from app.i18n.languages import ENGLISH, language
from app.i18n.messages import t

AXIS_NAME = re.compile(
    r'^(?:"(?P<padding>\w+)" padding|(?P<kind>effective kernel|output size|canvas|never reached))'
    r" \((?P<axis>\w+)(?P<keras>, Keras)?\)$"
)
KINDS = {
    "effective kernel": "formula.effective_kernel",
    "output size": "formula.output_size",
    "canvas": "formula.canvas",
    "never reached": "formula.never_reached",
}
PLAIN = {
    "parameters": "formula.parameters",
    "multiply-adds": "formula.macs",
    "operations": "formula.operations",
    "divisor": "formula.divisor",
}
SIDES = re.compile(r"^before (?P<before>\d+), after (?P<after>\d+)$")


def _name(name: str) -> str:
    if name in PLAIN:
        return t(PLAIN[name])
    match = AXIS_NAME.match(name)
    if match is None:
        return name
    axis = match["axis"]
    if match["padding"]:
        key = "formula.padding_keras" if match["keras"] else "formula.padding"
        return t(key, name=match["padding"], axis=axis)
    return t(KINDS[match["kind"]], axis=axis)


def localized(formulas: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``formulas`` with their names (and per-side results) in the request's language."""
    if language() == ENGLISH:
        return formulas
    found = []
    for formula in formulas:
        result = str(formula["result"])
        sides = SIDES.match(result)
        if sides:
            result = t("formula.sides", before=sides["before"], after=sides["after"])
        found.append({**formula, "name": _name(formula["name"]), "result": result})
    return found
