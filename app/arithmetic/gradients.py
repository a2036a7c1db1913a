"""The backward pass of one layer, tap by tap (SPEC.md, "Gradients").

One rule for every configuration, direct or transposed, any groups, dilation and padding:
each tap ``x[i]·w[k] → y[o]`` of the forward pass sends ``g[o]·w[k]`` back to ``dL/dX[i]``
and ``g[o]·x[i]`` back to ``dL/dW[k]``, where ``g = dL/dY`` is the upstream gradient;
``dL/db[o]`` is the sum of ``g`` over output channel ``o``. Padding and inserted zeros are
never taps, so they receive nothing. A max pool sends each ``g[o]`` to its window's first
maximum (PyTorch's choice, scanning the window in kernel order); an average pool sends
``g / divisor`` to every real cell of its window, PyTorch's divisor (``1/Πk`` by default;
``count_include_pad``, ``ceil_mode`` and ``divisor_override`` change it, see
``trace.pool_divisor``). ``g`` is given, or comes from a target through PyTorch's
``F.mse_loss`` (``mse_loss``: ``g = 2·(y − t)/N``).

For a direct convolution ``dL/dX`` is the twin (``app/arithmetic/twin.py``) applied to
``g`` with the same weight; for any convolution ``dL/dW`` is a correlation of the input
with ``g`` (dilated by the stride), which is what the weight's taps add up to.

``grad_terms`` lists the per-tap contributions of one cell (what the page steps through);
``backward`` is their sum for every cell at once.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.arithmetic.trace import Array, IntArray, TapTable, Trace, pool_divisor, tap_table


@dataclass(frozen=True)
class Gradients:
    """``dL/dX`` (input layout), ``dL/dW`` (weight layout; None for a pool) and ``dL/db``
    (None without bias), given the upstream gradient ``output`` (output layout)."""

    output: Array
    input: Array
    weight: Array | None
    bias: Array | None


@dataclass(frozen=True)
class MseLoss:
    """PyTorch's ``F.mse_loss(y, target)`` (mean reduction) and its gradient ``dL/dY``."""

    target: Array
    loss: float
    grad: Array


def mse_loss(y: Array, target: Array) -> MseLoss:
    """``L = Σ (y − t)² / N`` over the ``N`` output cells, and ``g = dL/dY = 2·(y − t)/N``:
    the upstream gradient a squared-error loss sends into the layer.

    >>> m = mse_loss(np.array([[1.0, 4.0]]), np.array([[0.0, 2.0]]))
    >>> m.loss, m.grad.tolist()  # ((1 − 0)² + (4 − 2)²)/2 = 2.5; 2·(1, 2)/2
    (2.5, [[1.0, 2.0]])
    """
    diff = y - target
    grad: Array = 2.0 * diff / diff.size
    return MseLoss(target=target, loss=float(np.mean(diff * diff)), grad=grad)


def _first_maxima(table: TapTable, x_at: Array) -> NDArray[np.bool_]:
    """Per tap: is it its window's first maximum? (Every max-pool window has a real cell:
    ``build_config`` refuses a window on padding alone.)

    >>> t = TapTable(step=np.array([0, 0, 0, 1]), input=np.zeros((1, 4), dtype=np.int64),
    ...              weight=np.zeros((2, 4), dtype=np.int64), start=np.array([0, 3, 4]))
    >>> _first_maxima(t, np.array([2.0, 5, 5, 1])).tolist()
    [False, True, False, True]
    """
    starts = table.start[:-1]
    largest = np.maximum.reduceat(x_at, starts)
    order = np.arange(x_at.size)
    candidate = np.where(x_at == largest[table.step], order, x_at.size)
    first = np.minimum.reduceat(candidate, starts)
    chosen: NDArray[np.bool_] = order == first[table.step]
    return chosen


def _scatter(index: IntArray, shape: tuple[int, ...], values: Array) -> Array:
    """Sum ``values`` into an array of ``shape`` at the multi-indices ``index`` (columns)."""
    flat = np.ravel_multi_index(tuple(index), shape)
    summed = np.bincount(flat, weights=values, minlength=int(np.prod(shape)))
    return np.asarray(summed, dtype=np.float64).reshape(shape)


def _pool_factor(result: Trace, table: TapTable) -> Array:
    """Per tap of an average pool: ``1/divisor`` of its output cell (PyTorch's divisor rule,
    ``count_include_pad`` and ``ceil_mode`` included), what ``g`` is scaled by on its way back.

    >>> from app.arithmetic.config import build_config
    >>> from app.arithmetic.trace import trace
    >>> c = build_config([3], kernel_size=2, stride=2, op="avg_pool", ceil_mode=True)
    >>> t = trace(c, np.array([[1.0, 3, 5]]), np.ones((1, 1, 2)))
    >>> _pool_factor(t, tap_table(t)).tolist()  # the last window holds one cell
    [0.5, 0.5, 1.0]
    """
    divisor = np.broadcast_to(pool_divisor(result.config), result.config.output_shape)
    factor: Array = 1.0 / divisor.ravel()[table.step]
    return factor


def backward(result: Trace, g: Array) -> Gradients:
    """The gradients of a traced layer for the upstream gradient ``g``.

    The seed example (TF ``conv2d_transpose``, 2×2 input, 3×3 ones, stride 2, "same"),
    with ``g`` all ones: each input cell collects ``g·w`` from the output cells it fed
    (9, less those "same" cropped at the end); each weight cell collects ``g·x`` from the
    input cells it met (torch.autograd gives the same numbers).

    >>> from app.arithmetic.config import build_config
    >>> from app.arithmetic.trace import trace
    >>> c = build_config([2, 2], kernel_size=3, stride=2, padding="same", transposed=True)
    >>> t = trace(c, np.array([[[1.0, 2], [3, 4]]]), np.ones((1, 1, 3, 3)))
    >>> grads = backward(t, np.ones((1, 4, 4)))
    >>> grads.input.tolist()
    [[[9.0, 6.0], [6.0, 4.0]]]
    >>> grads.weight[0, 0].tolist()
    [[10.0, 10.0, 4.0], [10.0, 10.0, 4.0], [3.0, 3.0, 1.0]]
    >>> grads.bias is None
    True
    """
    config = result.config
    table = tap_table(result)
    g_at = g.ravel()[table.step]  # step s is output cell s in row-major order
    x_at = result.input[tuple(table.input)]
    w_at = result.weight[tuple(table.weight)]
    if config.op == "max_pool":
        to_input = np.where(_first_maxima(table, x_at), g_at, 0.0)
        grad_weight = None
    elif config.op == "avg_pool":
        to_input = g_at * _pool_factor(result, table)
        grad_weight = None
    else:
        to_input = g_at * w_at
        grad_weight = None
        if not config.pooling:
            grad_weight = _scatter(table.weight, result.weight.shape, g_at * x_at)
    grad_input = _scatter(table.input, result.input.shape, to_input)
    grad_bias = None
    if result.bias is not None:
        grad_bias = g.reshape(config.out_channels, -1).sum(axis=1)
    return Gradients(output=g, input=grad_input, weight=grad_weight, bias=grad_bias)


def grad_terms(result: Trace, g: Array, of: str, index: tuple[int, ...]) -> list[dict[str, Any]]:
    """The contributions one cell collects, tap by tap, in step order: for ``of="input"``
    and input cell ``index``, each output cell it fed sends ``g[o]·w[k]`` (for a max pool
    ``g[o]`` when the cell is that window's first maximum, else nothing); for
    ``of="weight"`` and weight cell ``index``, each window position sends ``g[o]·x[i]``.
    Each term is ``{"output", "input", "weight", "g", "factor", "value"}``, where
    ``factor`` is ``w[k]`` (input) or ``x[i]`` (weight); their sum is the gradient.

    >>> from app.arithmetic.config import build_config
    >>> from app.arithmetic.trace import trace
    >>> c = build_config([4], kernel_size=2, stride=2)
    >>> t = trace(c, np.array([[1.0, 2, 3, 4]]), np.array([[[10.0, 1]]]))
    >>> [(term["output"], term["factor"], term["value"])
    ...  for term in grad_terms(t, np.array([[1.0, -1]]), "weight", (0, 0, 1))]
    [([0, 0], 2.0, 2.0), ([0, 1], 4.0, -4.0)]
    """
    config = result.config
    table = tap_table(result)
    cells = np.stack(np.unravel_index(table.step, config.output_shape))
    g_at = g.ravel()[table.step]
    x_at = result.input[tuple(table.input)]
    w_at = result.weight[tuple(table.weight)]
    if of == "input":
        keep = np.all(table.input == np.asarray(index)[:, None], axis=0)
        factor = w_at
        value = g_at * w_at
        if config.op == "max_pool":
            factor = np.where(_first_maxima(table, x_at), 1.0, 0.0)
            value = g_at * factor
        elif config.op == "avg_pool":
            factor = _pool_factor(result, table)
            value = g_at * factor
    else:
        keep = np.all(table.weight == np.asarray(index)[:, None], axis=0)
        factor, value = x_at, g_at * x_at
    found = np.flatnonzero(keep)
    return [
        {
            "output": cells[:, t].tolist(),
            "input": table.input[:, t].tolist(),
            "weight": table.weight[:, t].tolist(),
            "g": float(g_at[t]),
            "factor": float(factor[t]),
            "value": float(value[t]),
        }
        for t in found
    ]
