"""How a framework really computes a convolution: one dense matrix product (im2col, GEMM).

A direct convolution unfolds its input into the *patch matrix* (PyTorch's ``F.unfold``):
one row per (input channel, kernel position), one column per window, in output order. The
weight, one row per output channel (zero outside its group's block), times the patch matrix
is the output, flattened. A transposed convolution runs the other way: the weight
(``(out·Πk) × in``) times the input flattened (``in × Πi``) gives every input cell's scaled
kernel as a column, and *col2im* (``F.fold``) adds each column onto the full output at its
window, where overlaps add up; the padding is then cropped (SPEC.md, "im2col").

The matrix view (``app/arithmetic/matrix.py``) shows the same numbers as one sparse matrix C;
here they are dense, and the price is memory: the patch matrix holds every input cell once
per window that reads it, about ``Πk`` times the input for stride 1.
"""

from dataclasses import dataclass
from math import prod

import numpy as np
from numpy.typing import NDArray

from app.arithmetic.config import ConvConfig
from app.arithmetic.trace import Trace, windows

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Im2col:
    """``product = weight_matrix @ input_matrix``; ``rows``/``columns`` name the product's
    rows and columns, ``inner`` the dimension they share (all channel first). ``output`` is
    the layer's output (direct: the product plus bias, reshaped; transposed: col2im of the
    product, cropped, plus bias)."""

    weight_matrix: Array
    input_matrix: Array
    product: Array
    rows: list[list[int]]
    columns: list[list[int]]
    inner: list[list[int]]
    output: Array


def _names(shape: tuple[int, ...]) -> list[list[int]]:
    """Every index of ``shape`` in row-major order, as lists."""
    if not shape:
        return [[]]
    return np.stack(np.unravel_index(np.arange(prod(shape)), shape), axis=1).tolist()  # type: ignore[no-any-return]


def group_weight_matrix(config: ConvConfig, w: Array) -> Array:
    """``[out, in·Πk]`` (direct, PyTorch's ``[out, in/groups, *k]``) with each output channel's
    weights in its group's block of columns and zeros elsewhere.

    >>> from app.arithmetic.config import build_config
    >>> c = build_config([3], kernel_size=1, in_channels=2, out_channels=2, groups=2)
    >>> group_weight_matrix(c, np.array([[[5.0]], [[7.0]]])).tolist()
    [[5.0, 0.0], [0.0, 7.0]]
    """
    g, k = config.groups, prod(config.kernel_size)
    cin_g, cout_g = config.in_channels // g, config.out_channels // g
    matrix = np.zeros((config.out_channels, config.in_channels * k))
    flat = w.reshape(config.out_channels, cin_g * k)
    for o in range(config.out_channels):
        start = (o // cout_g) * cin_g * k
        matrix[o, start : start + cin_g * k] = flat[o]
    return matrix


def im2col(result: Trace) -> Im2col:
    """The dense GEMM of a traced convolution (not a pool: nothing to multiply).

    The guide's 4×4 input, 3×3 kernel: a 9×4 patch matrix, a 1×9 weight, a 1×4 product.

    >>> from app.arithmetic.config import build_config
    >>> from app.arithmetic.trace import trace
    >>> c = build_config([4, 4], kernel_size=3)
    >>> g = im2col(trace(c, np.arange(16.0).reshape(1, 4, 4), np.ones((1, 1, 3, 3))))
    >>> g.input_matrix.shape, g.input_matrix[:, 0].tolist()  # window 0: rows 0–2, columns 0–2
    ((9, 4), [0.0, 1.0, 2.0, 4.0, 5.0, 6.0, 8.0, 9.0, 10.0])
    >>> g.product.tolist(), g.columns
    ([[45.0, 54.0, 81.0, 90.0]], [[0, 0], [0, 1], [1, 0], [1, 1]])

    Transposed, the seed's 2×2 input with a 3×3 kernel of ones, stride 2, "same": each input
    cell's column is its value times the kernel; col2im adds them onto the 5×5 full output
    and the crop (0 before, 1 after) leaves TensorFlow's answer.

    >>> t = build_config([2, 2], kernel_size=3, stride=2, padding="same", transposed=True)
    >>> g = im2col(trace(t, np.array([[[1.0, 2], [3, 4]]]), np.ones((1, 1, 3, 3))))
    >>> g.weight_matrix.shape, g.input_matrix.tolist(), g.product.shape
    ((9, 1), [[1.0, 2.0, 3.0, 4.0]], (9, 4))
    >>> g.output[0].tolist()
    [[1.0, 1.0, 3.0, 2.0], [1.0, 1.0, 3.0, 2.0], [4.0, 4.0, 10.0, 6.0], [3.0, 3.0, 7.0, 4.0]]
    """
    config = result.config
    x, w, b = result.input, result.weight, result.bias
    k = prod(config.kernel_size)
    if not config.transposed:
        patches = windows(config, result.axes, x)  # [G, cells, cin_g·Πk], padding_mode applied
        input_matrix = patches.transpose(0, 2, 1).reshape(config.in_channels * k, -1)
        weight_matrix = group_weight_matrix(config, w)
        product = weight_matrix @ input_matrix
        output = product.reshape(config.output_shape)
        if b is not None:
            output = output + b.reshape(-1, *([1] * config.ndim))
        return Im2col(
            weight_matrix, input_matrix, product,
            rows=_names((config.out_channels,)),
            columns=_names(config.output_size),
            inner=_names((config.in_channels, *config.kernel_size)),
            output=output,
        )  # fmt: skip
    # Transposed: weight [in, out/groups, *k] → [(out, *k), in], zero outside a group's block.
    g = config.groups
    cin_g, cout_g = config.in_channels // g, config.out_channels // g
    weight_matrix = np.zeros((config.out_channels * k, config.in_channels))
    for c in range(config.in_channels):
        group = c // cin_g
        block = w[c].reshape(cout_g * k)
        weight_matrix[group * cout_g * k : (group + 1) * cout_g * k, c] = block
    input_matrix = x.reshape(config.in_channels, -1)
    product = weight_matrix @ input_matrix
    output = col2im(config, product)
    if b is not None:
        output = output + b.reshape(-1, *([1] * config.ndim))
    return Im2col(
        weight_matrix, input_matrix, product,
        rows=_names((config.out_channels, *config.kernel_size)),
        columns=_names(config.input_size),
        inner=_names((config.in_channels,)),
        output=output,
    )  # fmt: skip


def full_size(config: ConvConfig) -> tuple[int, ...]:
    """The full output of a transposed convolution before its crop: ``(i − 1)·s + k_eff``.

    >>> from app.arithmetic.config import build_config
    >>> full_size(build_config([3], stride=2, padding=1, output_padding=1, transposed=True))
    (7,)
    """
    return tuple((a.input_size - 1) * a.stride + a.k_eff for a in config.axes)


def col2im(config: ConvConfig, product: Array) -> Array:
    """``F.fold``: column ``j`` (input cell ``j``) holds its scaled kernel, ``[(out, *k)]``; each
    kernel cell lands at ``j·s + d·k`` of the full output, where overlaps add up. Then the
    padding is cropped and ``output_padding`` cells (reached by no window) are added after.

    >>> from app.arithmetic.config import build_config
    >>> c = build_config([2], kernel_size=3, stride=2, transposed=True)
    >>> col2im(c, np.array([[1.0, 10], [2, 20], [3, 30]])).tolist()  # 1 2 (3+10) 20 30
    [[1.0, 2.0, 13.0, 20.0, 30.0]]
    """
    full = full_size(config)
    grown = tuple(f + a.output_padding for f, a in zip(full, config.axes, strict=True))
    out = np.zeros((config.out_channels, *grown))
    blocks = product.reshape(config.out_channels, *config.kernel_size, *config.input_size)
    for kernel in np.ndindex(*config.kernel_size):
        where = tuple(
            slice(a.dilation * kk, a.dilation * kk + (a.input_size - 1) * a.stride + 1, a.stride)
            for kk, a in zip(kernel, config.axes, strict=True)
        )
        out[(slice(None), *where)] += blocks[(slice(None), *kernel)]
    crop = tuple(
        slice(a.padding[0], g - a.padding[1]) for a, g in zip(config.axes, grown, strict=True)
    )
    cropped: Array = out[(slice(None), *crop)]
    return cropped


def patch_cost(config: ConvConfig) -> dict[str, int]:
    """What the dense form costs in memory: the patch matrix's cells (direct:
    ``in·Πk × Πo``; transposed: the product's ``out·Πk × Πi``) against the input's.

    >>> from app.arithmetic.config import build_config
    >>> patch_cost(build_config([8, 8], kernel_size=3, padding=1))
    {'input_cells': 64, 'matrix_cells': 576}
    """
    k = prod(config.kernel_size)
    if config.transposed:
        cells = config.out_channels * k * prod(config.input_size)
    else:
        cells = config.in_channels * k * prod(config.output_size)
    return {"input_cells": config.in_channels * prod(config.input_size), "matrix_cells": cells}
