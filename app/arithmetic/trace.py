"""The trace of a convolution: everything the diagram draws, computed once, here.

A *tap* is one (input cell, weight) pair that meets in one output cell. Padding and
inserted zeros add nothing, so they are never taps. The geometry factorises: a step's
taps are the product of its output channel's channel taps and, per spatial dimension,
the taps of its output position along that dimension. ``Trace`` keeps the factors;
the per-step list is their product, built on demand.

What a ``Trace`` holds (the page, ``app/layer/tracing.py`` and ``app/render/scene.py`` read
these names; nobody re-derives them):

- ``config``, ``input``, ``weight``, ``bias``, ``output``: PyTorch layouts, unbatched.
- ``axes``: one ``AxisTaps`` per spatial dimension: ``anchor[o]``, the canvas coordinate
  of the window of output position ``o``; ``taps(o)``, its ``(kernel index, input index)``
  pairs in kernel order (arrays ``kernel``, ``input`` cut by ``start``).
- ``channel_taps``: int array ``[out_channels, in_channels/groups, 3]``: for each output
  channel, the ``(c, w0, w1)`` it reads: input channel ``c`` through ``weight[w0, w1]``.
- ``overlap``: int array of ``output_size``: real input cells (per input channel) under
  each output cell's window, or, transposed, input cells scattering onto it.
- ``unused_input``: per dimension, the input indices no window reaches.
- ``twin``: the twin's ``ConvConfig`` (``app/arithmetic/twin.py``); None for a pool.

A pool (``config.op``) is traced as the depthwise convolution it resembles: ``weight``
is ``pool_weight(config)`` (``1/Πk`` for the average, ones for the max, whose output is
the largest tap, not the sum); an average whose windows count differently
(``count_include_pad=False``, ``ceil_mode``) divides each sum by ``pool_divisor``.

``tap_table(trace)`` lists every tap in step order, as arrays; ``steps(trace)`` as
SPEC.md's step dicts.
"""

from dataclasses import dataclass
from functools import lru_cache
from math import prod
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.arithmetic.config import ConvConfig
from app.arithmetic.geometry import Axis
from app.arithmetic.twin import twin_or_none

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class AxisTaps:
    """One spatial dimension's windows, by output position along it.

    >>> a = axis_taps(Axis(input_size=5, kernel_size=3, stride=2, padding=(1, 1)))
    >>> a.anchor.tolist(), a.taps(0), a.counts.tolist()
    ([0, 2, 4], [(1, 0), (2, 1)], [2, 3, 2])
    """

    anchor: IntArray
    kernel: IntArray
    input: IntArray
    start: IntArray

    @property
    def counts(self) -> IntArray:
        """Real taps of each output position."""
        return np.diff(self.start)

    def taps(self, o: int) -> list[tuple[int, int]]:
        """``(kernel index, input index)`` pairs of output position ``o``, in kernel order."""
        a, b = self.start[o], self.start[o + 1]
        return list(zip(self.kernel[a:b].tolist(), self.input[a:b].tolist(), strict=True))


@lru_cache(maxsize=1024)
def axis_taps(axis: Axis) -> AxisTaps:
    """The windows of one dimension: kernel cell ``k`` covers canvas cell ``anchor + d·k``
    (``anchor + d·(K − 1 − k)`` when transposed: the kernel rotated by 180° in the
    zero-insertion view); it is a tap when an input index ``i`` sits there, at
    ``origin + i·step``. Remembered per axis: one request asks for them several times, and a
    lecture hall asks for the same few axes again and again.

    >>> t = axis_taps(Axis(input_size=2, kernel_size=3, stride=2, transposed=True))
    >>> [t.taps(o) for o in range(5)]
    [[(0, 0)], [(1, 0)], [(0, 1), (2, 0)], [(1, 1)], [(2, 1)]]
    >>> r = axis_taps(Axis(input_size=3, kernel_size=2, padding=(1, 1), padding_mode="reflect"))
    >>> [r.taps(o) for o in range(4)]  # the padding cells copy input 1 (reflect)
    [[(0, 1), (1, 0)], [(0, 0), (1, 1)], [(0, 1), (1, 2)], [(0, 2), (1, 1)]]
    """
    anchor = np.arange(axis.output_size, dtype=np.int64) * axis.window_stride
    k = np.arange(axis.kernel_size, dtype=np.int64)
    placed = axis.kernel_size - 1 - k if axis.transposed else k
    coord = anchor[:, None] + axis.dilation * placed[None, :]
    source = np.array([-1 if i is None else i for i in axis.sources], dtype=np.int64)
    index = source[coord]  # a copied padding cell reads its source (padding_mode)
    real = index >= 0
    rows, kernel = np.nonzero(real)  # row-major: by output position, then kernel index
    start = np.zeros(axis.output_size + 1, dtype=np.int64)
    np.cumsum(real.sum(axis=1), out=start[1:])
    arrays = (anchor, kernel.astype(np.int64), index[rows, kernel], start)
    for array in arrays:
        array.flags.writeable = False  # shared between callers by the cache
    return AxisTaps(*arrays)


def channel_taps(config: ConvConfig) -> IntArray:
    """``[out_channels, in_channels/groups, 3]``: per output channel, ``(c, w0, w1)``: the input
    channels of its group and the weight's first two indices for each (PyTorch's layouts:
    ``weight[o, c − g·in/groups]`` direct, ``weight[c, o − g·out/groups]`` transposed).

    >>> from app.arithmetic.config import build_config
    >>> channel_taps(build_config([5], in_channels=4, out_channels=2, groups=2)).tolist()
    [[[0, 0, 0], [1, 0, 1]], [[2, 1, 0], [3, 1, 1]]]
    >>> channel_taps(build_config([5], in_channels=2, out_channels=4, groups=2,
    ...                           transposed=True)).tolist()
    [[[0, 0, 0]], [[0, 0, 1]], [[1, 1, 0]], [[1, 1, 1]]]
    """
    cin_g = config.in_channels // config.groups
    cout_g = config.out_channels // config.groups
    o = np.arange(config.out_channels, dtype=np.int64)[:, None]
    local = np.arange(cin_g, dtype=np.int64)[None, :]
    group = o // cout_g
    c = group * cin_g + local
    if config.transposed:
        w0, w1 = c, np.broadcast_to(o - group * cout_g, c.shape)
    else:
        w0, w1 = np.broadcast_to(o, c.shape), np.broadcast_to(local, c.shape)
    return np.stack([c, w0, w1], axis=-1)


def overlap(axes: tuple[AxisTaps, ...]) -> IntArray:
    """Taps per input channel under each output cell: the outer product of each dimension's
    counts. Uneven counts of a strided transposed convolution are its checkerboard.

    >>> from app.arithmetic.config import build_config
    >>> c = build_config([3], kernel_size=3, stride=2, transposed=True)
    >>> overlap(tuple(axis_taps(a) for a in c.axes)).tolist()
    [1, 1, 2, 1, 2, 1, 1]
    """
    counts = np.ones((), dtype=np.int64)
    for a in axes:
        counts = np.multiply.outer(counts, a.counts)
    return counts


def unused_input(axis: Axis, taps: AxisTaps) -> list[int]:
    """Input indices that no window reads.

    >>> axis = Axis(input_size=6, kernel_size=3, stride=2)
    >>> unused_input(axis, axis_taps(axis))
    [5]
    """
    used = np.zeros(axis.input_size, dtype=bool)
    used[taps.input] = True
    return np.flatnonzero(~used).tolist()


def count_taps(config: ConvConfig) -> int:
    """Real taps in the whole trace (no padding, no inserted zeros), without building it.

    >>> from app.arithmetic.config import build_config
    >>> count_taps(build_config([5, 5], kernel_size=3, stride=2, padding=1))
    49
    """
    spatial = prod(len(axis_taps(a).kernel) for a in config.axes)
    return config.out_channels * (config.in_channels // config.groups) * spatial


def json_numbers(array: Array) -> Any:
    """Nested lists for JSON: ints when every value is a whole number, so ``7`` reads as 7.

    >>> json_numbers(np.array([1.0, 2.0])), json_numbers(np.array([0.5]))
    ([1, 2], [0.5])
    """
    return whole_or_float(array).tolist()


def whole_or_float(array: Array) -> NDArray[Any]:
    """``array`` as int64 when every value is a whole number (so JSON reads ``7``, not ``7.0``).

    >>> whole_or_float(np.array([1.0, -2.0])).dtype, whole_or_float(np.array([0.5])).dtype
    (dtype('int64'), dtype('float64'))
    """
    if np.all(np.mod(array, 1) == 0) and np.all(np.abs(array) < 2**53):
        return np.ascontiguousarray(array.astype(np.int64))
    return np.ascontiguousarray(array)


@dataclass(frozen=True)
class Trace:
    config: ConvConfig
    input: Array
    weight: Array
    bias: Array | None
    output: Array
    axes: tuple[AxisTaps, ...]
    channel_taps: IntArray
    overlap: IntArray
    unused_input: list[list[int]]
    twin: ConvConfig | None


def windows(config: ConvConfig, axes: tuple[AxisTaps, ...], x: Array, fill: float = 0.0) -> Array:
    """Every window's cells, ``[groups, output cells, in_channels/groups · Πk]``: per
    dimension, each (output position, kernel index) reads at most one input index, so
    gathering those (``fill`` where the kernel cell is on padding or an inserted zero)
    turns each input dimension into (output, kernel).

    >>> from app.arithmetic.config import build_config
    >>> c = build_config([3], kernel_size=2, padding=1)
    >>> windows(c, tuple(axis_taps(a) for a in c.axes), np.array([[1.0, 2, 3]])).tolist()
    [[[0.0, 1.0], [1.0, 2.0], [2.0, 3.0], [3.0, 0.0]]]
    """
    n, g = config.ndim, config.groups
    cin_g = config.in_channels // g
    spread = x.reshape(g, cin_g, *config.input_size)
    for d, (axis, taps) in enumerate(zip(config.axes, axes, strict=True)):
        at = 2 + 2 * d  # [G, C, O1, K1, …, O_d−1, K_d−1, I_d, …]
        index = np.full((axis.output_size, axis.kernel_size), axis.input_size)  # past the end
        index[np.repeat(np.arange(axis.output_size), taps.counts), taps.kernel] = taps.input
        pad = np.full((*spread.shape[:at], 1, *spread.shape[at + 1 :]), fill)
        spread = np.take(np.concatenate([spread, pad], axis=at), index, axis=at)
    # [G, C, O1, K1, …] → [G, O1…On, C·K1…Kn]
    order = [0, *range(2, 2 + 2 * n, 2), 1, *range(3, 3 + 2 * n, 2)]
    cells, per_cell = prod(config.output_size), cin_g * prod(config.kernel_size)
    return spread.transpose(order).reshape(g, cells, per_cell)


def convolve(config: ConvConfig, axes: tuple[AxisTaps, ...], x: Array, w: Array) -> Array:
    """The output without bias: each window times the weight, one product per group.

    >>> from app.arithmetic.config import build_config
    >>> c = build_config([4], kernel_size=2)
    >>> convolve(c, tuple(axis_taps(a) for a in c.axes), np.array([[1.0, 2, 3, 4]]),
    ...          np.array([[[1.0, 10]]])).tolist()
    [[21.0, 32.0, 43.0]]
    """
    g = config.groups
    cin_g, cout_g = config.in_channels // g, config.out_channels // g
    spread = windows(config, axes, x)
    if config.transposed:  # [in, out/groups, *k] → [G, O, C, *k]
        wg = w.reshape(g, cin_g, cout_g, -1).transpose(0, 2, 1, 3)
    else:
        wg = w.reshape(g, cout_g, cin_g, -1)
    # einsum, not matmul: no BLAS threads to contend with on a busy server
    y = np.einsum("gok,gpk->gop", wg.reshape(g, cout_g, spread.shape[2]), spread)
    return np.asarray(y, dtype=np.float64).reshape(config.output_shape)


def max_pool(config: ConvConfig, axes: tuple[AxisTaps, ...], x: Array) -> Array:
    """The largest real cell under each window (padding is −∞, as in ``F.max_pool*d``;
    ``build_config`` refuses a max pool with a window on padding alone).

    >>> from app.arithmetic.config import build_config
    >>> c = build_config([4], kernel_size=2, stride=2, padding=1, op="max_pool")
    >>> max_pool(c, tuple(axis_taps(a) for a in c.axes), np.array([[-1.0, -5, 3, -2]])).tolist()
    [[-1.0, 3.0, -2.0]]
    """
    largest: Array = windows(config, axes, x, fill=-np.inf).max(axis=2)
    return largest.reshape(config.output_shape)


def pool_divisor(config: ConvConfig) -> Array:
    """What each output cell of an average pool divides by, PyTorch's rule per dimension:
    the window clipped to the padded input (``count_include_pad=True``) or to the input alone
    (``False``); a ``ceil_mode`` window hanging past the padded input never counts that part.
    The product over dimensions, shaped like the output (without channels); with
    ``divisor_override`` (PyTorch's, 2-D and 3-D), that number for every window instead.

    >>> from app.arithmetic.config import build_config
    >>> pool_divisor(build_config([5], kernel_size=2, stride=2, op="avg_pool",
    ...                           ceil_mode=True)).tolist()  # the last window holds one cell
    [2.0, 2.0, 1.0]
    >>> pool_divisor(build_config([4], kernel_size=3, padding=1, op="avg_pool",
    ...                           count_include_pad=False)).tolist()
    [2.0, 3.0, 3.0, 2.0]
    >>> pool_divisor(build_config([4, 4], kernel_size=2, stride=2, op="avg_pool",
    ...                           divisor_override=3)).tolist()
    [[3.0, 3.0], [3.0, 3.0]]
    """
    if config.divisor_override is not None:
        return np.full(config.output_size, float(config.divisor_override))
    divisor: Array = np.ones(())
    for axis in config.axes:
        start = np.arange(axis.output_size) * axis.stride - axis.padding[0]
        end = start + axis.kernel_size
        if config.count_include_pad:
            counts = np.minimum(end, axis.input_size + axis.padding[1]) - start
        else:
            counts = np.minimum(end, axis.input_size) - np.maximum(start, 0)
        divisor = np.multiply.outer(divisor, counts.astype(np.float64))
    return divisor


def avg_pool(config: ConvConfig, axes: tuple[AxisTaps, ...], x: Array) -> Array:
    """The sum of each window's real cells over ``pool_divisor``.

    >>> from app.arithmetic.config import build_config
    >>> c = build_config([3], kernel_size=2, stride=2, op="avg_pool", ceil_mode=True)
    >>> avg_pool(c, tuple(axis_taps(a) for a in c.axes), np.array([[1.0, 3, 5]])).tolist()
    [[2.0, 5.0]]
    """
    sums = windows(config, axes, x).sum(axis=2).reshape(config.output_shape)
    averaged: Array = sums / pool_divisor(config)
    return averaged


def pool_weight(config: ConvConfig) -> Array:
    """The weight a pool amounts to, ``[channels, 1, *k]``: ``1/Πk`` for the average
    (padding counts, PyTorch's ``count_include_pad=True``), ones for the max (whose taps
    are compared, not multiplied).

    >>> from app.arithmetic.config import build_config
    >>> pool_weight(build_config([4], kernel_size=2, op="avg_pool")).tolist()
    [[[0.5, 0.5]]]
    """
    ones: Array = np.ones(config.weight_shape)
    return ones / prod(config.kernel_size) if config.op == "avg_pool" else ones


def trace(config: ConvConfig, x: Array, w: Array, b: Array | None = None) -> Trace:
    """Every output cell of ``config`` on input ``x``, weight ``w`` and bias ``b``.

    >>> from app.arithmetic.config import build_config
    >>> c = build_config([2, 2], kernel_size=3, stride=2, padding="same", transposed=True)
    >>> t = trace(c, np.array([[[1.0, 2], [3, 4]]]), np.ones((1, 1, 3, 3)))
    >>> t.output[0].tolist()
    [[1.0, 1.0, 3.0, 2.0], [1.0, 1.0, 3.0, 2.0], [4.0, 4.0, 10.0, 6.0], [3.0, 3.0, 7.0, 4.0]]
    >>> t.overlap.tolist()
    [[1, 1, 2, 1], [1, 1, 2, 1], [2, 2, 4, 2], [1, 1, 2, 1]]
    >>> steps(t)[2]["taps"]  # output (0, 0, 2) = input (0, 1)·w(0, 0) + input (0, 0)·w(0, 2)
    [[[0, 0, 1], [0, 0, 0, 0]], [[0, 0, 0], [0, 0, 0, 2]]]
    """
    axes = tuple(axis_taps(a) for a in config.axes)
    if config.op == "max_pool":
        output = max_pool(config, axes, x)
    elif config.op == "avg_pool":
        output = avg_pool(config, axes, x)
    else:
        output = convolve(config, axes, x, w)
    if b is not None:
        output = output + b.reshape(-1, *([1] * config.ndim))
    return Trace(
        config=config,
        input=x,
        weight=w,
        bias=b,
        output=output,
        axes=axes,
        channel_taps=channel_taps(config),
        overlap=overlap(axes),
        unused_input=[unused_input(a, t) for a, t in zip(config.axes, axes, strict=True)],
        twin=twin_or_none(config),
    )


@dataclass(frozen=True)
class TapTable:
    """Every tap of a trace in step order, as columns: ``step[t]`` (index of the step,
    output channel then row-major output cell), ``input[:, t]`` (``[c, *i]``) and
    ``weight[:, t]`` (``[w0, w1, *k]``); the taps of step ``s`` are ``start[s]:start[s + 1]``."""

    step: IntArray
    input: IntArray
    weight: IntArray
    start: IntArray


def tap_table(result: Trace) -> TapTable:
    """The product of the factors, in SPEC.md's order: for each step, channel taps, then the
    taps of each dimension in turn (the last dimension varies fastest).

    >>> from app.arithmetic.config import build_config
    >>> c = build_config([3], kernel_size=2, in_channels=2)
    >>> t = tap_table(trace(c, np.ones((2, 3)), np.ones((1, 2, 2))))
    >>> t.start.tolist(), t.input[:, :4].T.tolist()
    ([0, 4, 8], [[0, 0], [0, 1], [1, 0], [1, 1]])
    """
    config = result.config
    cells = prod(config.output_size)
    position = np.unravel_index(np.arange(cells), config.output_size)
    per_cell = np.ones(cells, dtype=np.int64)
    for taps, pos in zip(result.axes, position, strict=True):
        per_cell *= taps.counts[pos]
    cin_g = result.channel_taps.shape[1]
    # Blocks of spatial taps, one per (output channel, output cell, channel tap), in order.
    sizes = np.broadcast_to(per_cell[None, :, None], (config.out_channels, cells, cin_g)).ravel()
    block = np.repeat(np.arange(sizes.size, dtype=np.int64), sizes)
    block_start = np.cumsum(sizes) - sizes
    local = np.arange(block.size, dtype=np.int64) - block_start[block]
    channel_tap, cell, out_channel = (
        block % cin_g,
        (block // cin_g) % cells,
        block // (cin_g * cells),
    )
    spatial_input: list[IntArray] = []
    spatial_kernel: list[IntArray] = []
    for taps, pos in reversed(list(zip(result.axes, position, strict=True))):
        radix = taps.counts[pos[cell]]
        index = taps.start[pos[cell]] + local % np.maximum(radix, 1)
        local = local // np.maximum(radix, 1)
        spatial_input.insert(0, taps.input[index])
        spatial_kernel.insert(0, taps.kernel[index])
    c, w0, w1 = result.channel_taps[out_channel, channel_tap].T
    step = out_channel * cells + cell
    start = np.zeros(config.out_channels * cells + 1, dtype=np.int64)
    np.cumsum(np.bincount(step, minlength=start.size - 1), out=start[1:])
    return TapTable(
        step=step,
        input=np.stack([c, *spatial_input]).reshape(config.ndim + 1, -1),
        weight=np.stack([w0, w1, *spatial_kernel]).reshape(config.ndim + 2, -1),
        start=start,
    )


def steps(result: Trace) -> list[dict[str, Any]]:
    """SPEC.md's per-step list: ``{"output", "anchor", "taps", "value"}`` per output cell,
    as plain Python data (the API writes the same list straight to JSON: app/layer/steps_json.py).

    >>> from app.arithmetic.config import build_config
    >>> c = build_config([3], kernel_size=2)
    >>> step = steps(trace(c, np.array([[1.0, 2, 3]]), np.array([[[1.0, 1]]])))[1]
    >>> step["output"], step["anchor"], step["value"]
    ([0, 1], [1], 5)
    >>> step["taps"]
    [[[0, 1], [0, 0, 0]], [[0, 2], [0, 0, 1]]]
    """
    config = result.config
    table = tap_table(result)
    n = config.ndim
    rows = np.concatenate([table.input, table.weight]).T.tolist()
    taps = [[row[: n + 1], row[n + 1 :]] for row in rows]
    bounds = table.start.tolist()
    cells = np.stack(np.unravel_index(np.arange(len(bounds) - 1), config.output_shape))
    anchors = np.stack([a.anchor[p] for a, p in zip(result.axes, cells[1:], strict=True)])
    values = json_numbers(result.output.ravel())
    return [
        {
            "output": cell,
            "anchor": anchor,
            "taps": taps[bounds[s] : bounds[s + 1]],
            "value": values[s],
        }
        for s, (cell, anchor) in enumerate(zip(cells.T.tolist(), anchors.T.tolist(), strict=True))
    ]
