"""Each size formula written out with a configuration's own numbers.

Every entry is ``{"name", "general", "substituted", "result"}``: the formula as
a textbook writes it, then with this configuration's numbers, then its value.
"""

from app.arithmetic.config import ConvConfig
from app.arithmetic.geometry import Axis

Formula = dict[str, str]


def _formula(name: str, general: str, substituted: str, result: int | str) -> Formula:
    return {"name": name, "general": general, "substituted": substituted, "result": str(result)}


def axis_formulas(axis: Axis, name: str, padding_name: str | None = None) -> list[Formula]:
    """The formulas of one dimension.

    >>> for f in axis_formulas(Axis(6, 3, stride=2), "length"):
    ...     print(f["name"], "|", f["substituted"], "=", f["result"])
    effective kernel (length) | 1·(3 − 1) + 1 = 3
    output size (length) | floor((6 + 0 + 0 − 3) / 2) + 1 = 2
    never reached (length) | (6 + 0 + 0 − 3) mod 2 = 1
    """
    i, k, s, d = axis.input_size, axis.kernel_size, axis.stride, axis.dilation
    (before, after), op, k_eff = axis.padding, axis.output_padding, axis.k_eff
    found = [
        _formula(f"effective kernel ({name})", "k_eff = d·(k − 1) + 1", f"{d}·({k} − 1) + 1", k_eff)
    ]
    if padding_name == "same":
        found.append(_same_formula(axis, name))
    if axis.transposed:
        found.append(
            _formula(
                f"output size ({name})",
                "o = (i − 1)·s − p_before − p_after + k_eff + output_padding",
                f"({i} − 1)·{s} − {before} − {after} + {k_eff} + {op}",
                axis.output_size,
            )
        )
        found.append(
            _formula(
                f"canvas ({name})",
                "(i − 1)·s + 1 + (k_eff − 1 − p_before) + (k_eff − 1 − p_after + output_padding)",
                f"({i} − 1)·{s} + 1 + ({k_eff} − 1 − {before}) + ({k_eff} − 1 − {after} + {op})",
                axis.canvas_size,
            )
        )
        return found
    span = f"{i} + {before} + {after} − {k_eff}"
    found.append(
        _formula(
            f"output size ({name})",
            "o = floor((i + p_before + p_after − k_eff) / s) + 1",
            f"floor(({span}) / {s}) + 1",
            axis.output_size,
        )
    )
    remainder = (i + before + after - k_eff) % s
    if remainder:
        found.append(
            _formula(
                f"never reached ({name})",
                "(i + p_before + p_after − k_eff) mod s",
                f"({span}) mod {s}",
                remainder,
            )
        )
    return found


def _same_formula(axis: Axis, name: str) -> Formula:
    i, s, k_eff = axis.input_size, axis.stride, axis.k_eff
    before, after = axis.padding
    if axis.transposed:
        total = k_eff - s
        if total < 0:
            return _formula(
                f'"same" padding ({name})',
                "total = k_eff − s; below 0: output_padding = −total",
                f"{k_eff} − {s} = {total}",
                f"output_padding {axis.output_padding}",
            )
        return _formula(
            f'"same" padding ({name})',
            "total = k_eff − s; before = floor(total / 2), after = total − before",
            f"{k_eff} − {s} = {total}",
            f"before {before}, after {after}",
        )
    out = -(-i // s)
    return _formula(
        f'"same" padding ({name})',
        "total = max((ceil(i / s) − 1)·s + k_eff − i, 0); before = floor(total / 2), "
        "after = total − before",
        f"max(({out} − 1)·{s} + {k_eff} − {i}, 0) = {before + after}",
        f"before {before}, after {after}",
    )


def formulas(config: ConvConfig, padding_name: str | None = None) -> list[Formula]:
    """All formulas of a configuration: each dimension's, then its cost.

    >>> from app.arithmetic.config import build_config
    >>> [f["result"] for f in formulas(build_config([5, 5], padding=1))][-2:]
    ['9', '225']
    """
    found = []
    for axis, name in zip(config.axes, config.axis_names, strict=True):
        found += axis_formulas(axis, name, padding_name)
    k = "·".join(map(str, config.kernel_size))
    o = "·".join(map(str, config.output_size))
    per = f"{config.out_channels}·({config.in_channels}/{config.groups})"
    found.append(_formula("parameters", "out·(in/groups)·Πk", f"{per}·{k}", config.params))
    found.append(_formula("multiply-adds", "out·(in/groups)·Πk·Πo", f"{per}·{k}·{o}", config.macs))
    return found
