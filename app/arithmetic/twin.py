"""The twin of a convolution: the layer that undoes its shape, and computes its backward pass.

For a direct convolution, the twin is the transposed convolution with the same kernel,
stride, dilation, padding and groups (channels swapped) whose ``output_padding`` gives
back the rows the direct one's floor division dropped, so it maps the output size back
exactly to the input size. With the same weight tensor, it computes the gradient of the
direct convolution with respect to its input (``tests/arithmetic/test_twin.py`` checks
this against ``torch.autograd.grad``). For a transposed convolution, the twin is that
direct convolution.
"""

from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.errors import ConfigError


def dropped_rows(config: ConvConfig) -> tuple[int, ...]:
    """Per dimension, the rows of the padded input a direct convolution never reaches:
    ``(i + p_before + p_after − k_eff) mod s``.

    >>> dropped_rows(build_config([6], kernel_size=3, stride=2, padding=1))
    (1,)
    """
    return tuple((a.input_size + sum(a.padding) - a.k_eff) % a.stride for a in config.axes)


def twin(config: ConvConfig) -> ConvConfig:
    """The twin configuration (numeric padding, PyTorch's meaning).

    >>> t = twin(build_config([6], kernel_size=3, stride=2, padding=1))
    >>> t.transposed, t.input_size, t.output_padding, t.output_size
    (True, (3,), (1,), (6,))
    >>> twin(t).transposed, twin(t).output_size
    (False, (3,))
    >>> twin(build_config([5, 5], padding="same", in_channels=2, out_channels=4)).in_channels
    4
    """
    return build_config(
        input_size=list(config.output_size),
        kernel_size=list(config.kernel_size),
        stride=list(config.stride),
        dilation=list(config.dilation),
        padding=[list(p) for p in config.padding],
        output_padding=None if config.transposed else list(dropped_rows(config)),
        transposed=not config.transposed,
        in_channels=config.out_channels,
        out_channels=config.in_channels,
        groups=config.groups,
    )


def twin_or_none(config: ConvConfig) -> ConvConfig | None:
    """The twin, or None for a pool (no weights to share) or, defensively, a twin the maths
    would refuse: a valid layer is never refused because of its twin.

    >>> twin_or_none(build_config([4], kernel_size=2, op="max_pool")) is None
    True

    A ``padding_mode`` other than zeros has none either: the transposed layer with zero
    padding still undoes the shape, but it is no longer the backward pass (a copied cell's
    gradient goes back to its source), and ``ConvTranspose`` takes no other mode.

    >>> twin_or_none(build_config([4], padding=1, padding_mode="reflect")) is None
    True
    """
    if config.pooling or config.padding_mode != "zeros":
        return None
    try:
        return twin(config)
    except ConfigError:
        return None
