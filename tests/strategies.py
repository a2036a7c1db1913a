"""Hypothesis strategies: every request field in every form it takes.

``conv_fields`` draws keyword arguments of ``build_config``: 1-D and 2-D (3-D when asked
for: ``dims=(1, 2, 3)``), direct and transposed, every ``padding_mode`` of a direct one,
padding as an int, one per dimension, [before, after] pairs, or a name
("valid", "same", and for a direct convolution "full", and in 1-D "causal"),
``output_padding`` not given (None) or given (an int or one per dimension) with every
padding form, groups, dilation and stride. ``pool_fields`` draws PyTorch pools.
"""

from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.errors import ConfigError


def _per_dim(draw: st.DrawFn, values: list[int]) -> int | list[int]:
    """An int when every dimension agrees and a coin says so, else one per dimension."""
    if len(set(values)) == 1 and draw(st.booleans()):
        return values[0]
    return values


@st.composite
def conv_fields(
    draw: st.DrawFn,
    ndim: int | None = None,
    transposed: bool | None = None,
    dims: tuple[int, ...] = (1, 2),
    modes: tuple[str, ...] = ("zeros", "reflect", "replicate", "circular"),
) -> dict[str, Any]:
    """Keyword arguments of ``build_config`` that the maths accepts (most of the time)."""
    n = draw(st.sampled_from(dims)) if ndim is None else ndim
    longest = {1: 14, 2: 9, 3: 5}[n]
    t = draw(st.booleans()) if transposed is None else transposed
    dims = lambda lo, hi: st.lists(st.integers(lo, hi), min_size=n, max_size=n)  # noqa: E731
    stride, dilation = draw(dims(1, 3)), draw(dims(1, 3))
    groups = draw(st.integers(1, 3))
    names = ["valid", "same"] + ([] if t else ["full"]) + (["causal"] if n == 1 and not t else [])
    kind = draw(st.sampled_from(["int", "per_dim", "pairs", "name"]))
    padding: Any
    if kind == "int":
        padding = draw(st.integers(0, 3))
    elif kind == "per_dim":
        padding = draw(dims(0, 3))
    elif kind == "pairs":
        padding = [list(p) for p in draw(st.lists(st.tuples(st.integers(0, 3),
                   st.integers(0, 3)), min_size=n, max_size=n))]  # fmt: skip
    else:
        padding = draw(st.sampled_from(names))
    output_padding: Any = None  # not given
    if draw(st.booleans()):
        if t:
            q = [draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True)]
        else:
            q = [0] * n  # given, and 0: allowed for a direct convolution
        output_padding = _per_dim(draw, q)
    return {
        "padding_mode": "zeros" if t else draw(st.sampled_from(modes)),
        "input_size": draw(dims(1, longest)),
        "kernel_size": _per_dim(draw, draw(dims(1, 4))),
        "stride": _per_dim(draw, stride),
        "dilation": _per_dim(draw, dilation),
        "padding": padding,
        "output_padding": output_padding,
        "transposed": t,
        "groups": groups,
        "in_channels": groups * draw(st.integers(1, 2)),
        "out_channels": groups * draw(st.integers(1, 2)),
    }


@st.composite
def configs(
    draw: st.DrawFn,
    ndim: int | None = None,
    transposed: bool | None = None,
    dims: tuple[int, ...] = (1, 2),
    modes: tuple[str, ...] = ("zeros", "reflect", "replicate", "circular"),
) -> ConvConfig:
    fields = draw(conv_fields(ndim, transposed, dims, modes))
    try:
        return build_config(**fields)
    except ConfigError:
        assume(False)
        raise


@st.composite
def pool_fields(
    draw: st.DrawFn, ndim: int | None = None, dims: tuple[int, ...] = (1, 2)
) -> dict[str, Any]:
    """PyTorch pools: max or average, padding up to half the kernel, dilation for the max,
    ``ceil_mode`` for both, ``count_include_pad`` for the average, ``divisor_override`` for a
    2-D or 3-D average (None: not given)."""
    n = draw(st.sampled_from(dims)) if ndim is None else ndim
    op = draw(st.sampled_from(["max_pool", "avg_pool"]))
    kernel = draw(st.lists(st.integers(1, 4), min_size=n, max_size=n))
    padding: Any = (
        "valid" if draw(st.booleans()) else [draw(st.integers(0, k // 2)) for k in kernel]
    )
    dilation = [1] * n if op == "avg_pool" else draw(st.lists(st.integers(1, 3), min_size=n,
                                                              max_size=n))  # fmt: skip
    divisor = None  # PyTorch's divisor_override: AvgPool2d/3d only, any non-zero int
    if op == "avg_pool" and n > 1 and draw(st.booleans()):
        divisor = draw(st.integers(-3, 9).filter(bool))
    return {
        "op": op,
        "divisor_override": divisor,
        "input_size": draw(
            st.lists(st.integers(1, {1: 14, 2: 9, 3: 6}[n]), min_size=n, max_size=n)
        ),
        "ceil_mode": draw(st.booleans()),
        "count_include_pad": op == "max_pool" or draw(st.booleans()),
        "kernel_size": _per_dim(draw, kernel),
        "stride": _per_dim(draw, draw(st.lists(st.integers(1, 3), min_size=n, max_size=n))),
        "dilation": _per_dim(draw, dilation),
        "padding": padding,
        "in_channels": draw(st.integers(1, 3)),
    }


@st.composite
def pools(draw: st.DrawFn, ndim: int | None = None, dims: tuple[int, ...] = (1, 2)) -> ConvConfig:
    fields = draw(pool_fields(ndim, dims))
    try:
        return build_config(**fields)
    except ConfigError:
        assume(False)
        raise
