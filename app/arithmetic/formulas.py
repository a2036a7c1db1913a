"""Each size formula written out with a configuration's own numbers.

Every entry is ``{"name", "general", "substituted", "result"}``: the formula as
a textbook writes it, then with this configuration's numbers, then its value.
"""

from app.arithmetic.config import ConvConfig
from app.arithmetic.geometry import Axis

Formula = dict[str, str]


def _formula(name: str, general: str, substituted: str, result: int | str) -> Formula:
    return {"name": name, "general": general, "substituted": substituted, "result": str(result)}


def axis_formulas(
    axis: Axis, name: str, padding_name: str | None = None, given: int | None = None
) -> list[Formula]:
    """The formulas of one dimension (``given``: the ``output_padding`` asked for, or None).

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
    if axis.transposed and padding_name in ("valid", "same"):
        found.append(_keras_transposed_formula(axis, name, padding_name, given))
    elif padding_name == "same":
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
    if axis.padding_mode != "zeros" and before + after:
        found.append(_padding_mode_formula(axis, name))
    if axis.ceil_mode:
        return found + _ceil_formulas(axis, name)
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


PADDING_MODE_RULES = {
    "reflect": ("input index −j before 0, 2(n − 1) − j past n − 1 (the edge not repeated)",
                "padding < n"),
    "replicate": ("input index clamped to [0, n − 1] (the edge repeated)", "any padding"),
    "circular": ("input index j mod n (wrapped around)", "padding ≤ n"),
}  # fmt: skip


def _padding_mode_formula(axis: Axis, name: str) -> Formula:
    """Which input cell a padding cell copies, and PyTorch's condition for it.

    >>> f = _padding_mode_formula(Axis(4, 3, padding=(1, 1), padding_mode="reflect"), "width")
    >>> f["substituted"], f["result"]
    ('1, 1 < 4', 'before: 1; after: 2')
    """
    rule, condition = PADDING_MODE_RULES[axis.padding_mode]
    before, after = axis.padding
    sources = axis.sources
    shown = f"before: {', '.join(map(str, sources[:before])) or '—'}; after: " + (
        ", ".join(map(str, sources[axis.padded_size - after : axis.padded_size])) or "—"
    )
    return _formula(
        f'padding_mode "{axis.padding_mode}" ({name})',
        f"padding cell at input index j shows {rule}; {condition}",
        f"{before}, {after} {condition.split()[1]} {axis.input_size}"
        if condition != "any padding"
        else f"{before}, {after}",
        shown,
    )


def _ceil_formulas(axis: Axis, name: str) -> list[Formula]:
    """``ceil_mode``: the ceil rule, and its last-window exception when it applies.

    >>> for f in _ceil_formulas(Axis(4, 2, stride=3, padding=(1, 1), ceil_mode=True), "length"):
    ...     print(f["name"], "|", f["substituted"], "=", f["result"])
    output size, ceil_mode (length) | ceil((4 + 1 + 1 − 2) / 3) + 1 = 3
    last window (length) | (3 − 1)·3 = 6 ≥ 4 + 1: dropped = 2
    """
    i, s, k_eff = axis.input_size, axis.stride, axis.k_eff
    before, after = axis.padding
    span = i + before + after - k_eff
    ceiled = -(-span // s) + 1
    found = [
        _formula(
            f"output size, ceil_mode ({name})",
            "o = ceil((i + p_before + p_after − k_eff) / s) + 1; one less if "
            "(o − 1)·s ≥ i + p_before (the last window would start past the input)",
            f"ceil(({i} + {before} + {after} − {k_eff}) / {s}) + 1",
            ceiled,
        )
    ]
    start = (ceiled - 1) * s
    if ceiled != axis.output_size:
        found.append(
            _formula(
                f"last window ({name})",
                "(o − 1)·s ≥ i + p_before: the last window is dropped",
                f"({ceiled} − 1)·{s} = {start} ≥ {i} + {before}: dropped",
                axis.output_size,
            )
        )
    elif span % s:
        found.append(
            _formula(
                f"last window ({name})",
                "(o − 1)·s < i + p_before: the last window starts inside and hangs past the "
                "padded input; the part past it is not counted",
                f"({ceiled} − 1)·{s} = {start} < {i} + {before}: kept",
                axis.output_size,
            )
        )
    return found


def _keras_transposed_formula(
    axis: Axis, name: str, padding_name: str, given: int | None
) -> Formula:
    """Keras's rule for a named padding of a transposed convolution, in PyTorch's numbers.

    >>> f = _keras_transposed_formula(Axis(4, 2, 3, (0, 1), transposed=True), "length", "same", 1)
    >>> f["substituted"], f["result"]
    ('2·floor(2 / 2) − 1 = 1', 'before 0, after 1')
    """
    s, k_eff, op = axis.stride, axis.k_eff, axis.output_padding
    before, after = axis.padding
    title = f'"{padding_name}" padding ({name}, Keras)'
    if padding_name == "valid":
        if given is None:
            return _formula(
                title,
                "nothing cropped; output_padding = max(s − k_eff, 0)",
                f"max({s} − {k_eff}, 0) = {op}",
                f"output_padding {op}",
            )
        return _formula(title, "nothing cropped; output_padding as given", f"{op}", op)
    if given is None:
        general, substituted, total = "total = k_eff − s", f"{k_eff} − {s}", k_eff - s
    else:
        general = "total = 2·floor(k_eff / 2) − output_padding"
        substituted = f"2·floor({k_eff} / 2) − {given}"
        total = 2 * (k_eff // 2) - given
    general += (
        "; before = floor(total / 2), after = total − before; below 0: output_padding = −total"
    )
    result = f"output_padding {op}" if total < 0 else f"before {before}, after {after}"
    return _formula(title, general, f"{substituted} = {total}", result)


def _same_formula(axis: Axis, name: str) -> Formula:
    i, s, k_eff = axis.input_size, axis.stride, axis.k_eff
    before, after = axis.padding
    out = -(-i // s)
    return _formula(
        f'"same" padding ({name})',
        "total = max((ceil(i / s) − 1)·s + k_eff − i, 0); before = floor(total / 2), "
        "after = total − before",
        f"max(({out} − 1)·{s} + {k_eff} − {i}, 0) = {before + after}",
        f"before {before}, after {after}",
    )


def formulas(config: ConvConfig) -> list[Formula]:
    """All formulas of a configuration: each dimension's, then its cost.

    >>> from app.arithmetic.config import build_config
    >>> [f["result"] for f in formulas(build_config([5, 5], padding=1))][-2:]
    ['9', '225']
    >>> [f["substituted"] for f in formulas(build_config([3, 3], stride=2, transposed=True))][-1]
    '1·(1/1)·3·3·3·3'
    >>> [f["result"] for f in formulas(build_config([4, 4], kernel_size=2, op="avg_pool",
    ...                                             divisor_override=3)) if f["name"] == "divisor"]
    ['3']
    """
    found = []
    given = config.output_padding_given or (None,) * config.ndim
    for axis, name, q in zip(config.axes, config.axis_names, given, strict=True):
        found += axis_formulas(axis, name, config.padding_name, q)
    k = "·".join(map(str, config.kernel_size))
    if config.pooling:
        o = "·".join(map(str, config.output_size))
        if config.divisor_override is not None:  # PyTorch's divisor_override, every window
            d = config.divisor_override
            found.append(_formula("divisor", "y = Σ window / divisor_override", f"Σ / {d}", d))
        found.append(_formula("parameters", "a pool has no weights", "0", 0))
        found.append(
            _formula("operations", "channels·Πk·Πo", f"{config.out_channels}·{k}·{o}", config.macs)
        )
        return found
    per = f"{config.out_channels}·({config.in_channels}/{config.groups})"
    found.append(_formula("parameters", "out·(in/groups)·Πk", f"{per}·{k}", config.params))
    if config.transposed:
        i = "·".join(map(str, config.input_size))
        per_t = f"{config.in_channels}·({config.out_channels}/{config.groups})"
        found.append(
            _formula("multiply-adds", "in·(out/groups)·Πk·Πi", f"{per_t}·{k}·{i}", config.macs)
        )
    else:
        o = "·".join(map(str, config.output_size))
        found.append(
            _formula("multiply-adds", "out·(in/groups)·Πk·Πo", f"{per}·{k}·{o}", config.macs)
        )
    return found
