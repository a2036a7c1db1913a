"""Reading a number a tour states out of the API's answer (its ``expect`` keys).

A key is a path: names joined by ``.``, list positions in brackets (``output[0,1,2]`` is
``output[0][1][2]``), ``compare.`` first for the second configuration. In a stack's answer
a name the answer does not have at its top (``receptive_field``, ``output_size``) is the
last layer's: what the whole stack gives.

>>> answer = {"output": [[[1, 2], [3, 4]]], "cost": {"macs": 36}}
>>> lookup(answer, "output[0,1,0]"), lookup(answer, "cost.macs")
(3, 36)
>>> lookup({"layers": [{"receptive_field": [3]}, {"receptive_field": [7]}]}, "receptive_field")
[7]
"""

import re
from typing import Any

PART = re.compile(r"([a-z_]+)|\[([\d,]+)\]")


def lookup(answer: dict[str, Any], key: str) -> Any:
    """The value at ``key`` (without its ``compare.`` prefix) in ``answer``."""
    value: Any = answer
    for i, (name, index) in enumerate(PART.findall(key.removeprefix("compare."))):
        if name:
            if i == 0 and name not in value and "layers" in value:
                value = value["layers"][-1]
            value = value[name]
        else:
            for position in index.split(","):
                value = value[int(position)]
    return value
