"""Hypothesis strategies: valid convolution configurations, direct and transposed, 1-D and 2-D."""

from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.errors import ConfigError


@st.composite
def conv_fields(
    draw: st.DrawFn, ndim: int | None = None, transposed: bool | None = None
) -> dict[str, Any]:
    """Keyword arguments of ``build_config`` that the maths accepts."""
    n = draw(st.sampled_from([1, 2])) if ndim is None else ndim
    longest = {1: 14, 2: 9, 3: 5}[n]
    t = draw(st.booleans()) if transposed is None else transposed
    per_dim = lambda lo, hi: st.lists(st.integers(lo, hi), min_size=n, max_size=n)  # noqa: E731
    stride, dilation = draw(per_dim(1, 3)), draw(per_dim(1, 3))
    groups = draw(st.integers(1, 3))
    padding_kind = draw(st.sampled_from(["int", "per_dim", "pairs", "same", "valid", "full"]))
    if padding_kind == "int":
        padding: Any = draw(st.integers(0, 3))
    elif padding_kind == "per_dim":
        padding = draw(per_dim(0, 3))
    elif padding_kind == "pairs":
        padding = [
            list(p)
            for p in draw(
                st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=n, max_size=n)
            )
        ]
    else:
        padding = padding_kind
    output_padding: Any = 0
    if t and padding != "same":
        output_padding = [
            draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True)
        ]
    return {
        "input_size": draw(per_dim(1, longest)),
        "kernel_size": draw(per_dim(1, 4)),
        "stride": stride,
        "dilation": dilation,
        "padding": padding,
        "output_padding": output_padding,
        "transposed": t,
        "groups": groups,
        "in_channels": groups * draw(st.integers(1, 2)),
        "out_channels": groups * draw(st.integers(1, 2)),
    }


@st.composite
def configs(draw: st.DrawFn, ndim: int | None = None, transposed: bool | None = None) -> ConvConfig:
    fields = draw(conv_fields(ndim, transposed))
    try:
        return build_config(**fields)
    except ConfigError:
        assume(False)
        raise
