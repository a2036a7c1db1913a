"""The step-by-step trace of a convolution: one step per output cell.

A step lists the *taps* of one output cell, the (input cell, weight) pairs that
meet there, and its value, their products summed (plus bias). The output of the
whole convolution is nothing but these values; tests check it against PyTorch.

Each axis knows its own ``(output, kernel, input)`` index triples (see
``Axis.taps``); a step's spatial taps are their cartesian product, so the work
is proportional to the real taps, never to the padding.
"""

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from math import prod
from typing import Any

import numpy as np
from numpy.typing import NDArray

from app.arithmetic.config import ConvConfig

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Trace:
    config: ConvConfig
    input: Array
    weight: Array
    bias: Array | None
    output: Array
    steps: list[dict[str, Any]]
    unused_input: list[list[int]]


def axis_triples(config: ConvConfig) -> list[IntArray]:
    """Per axis, the ``(output, kernel, input)`` index triples of every real tap, by output
    then kernel index.

    >>> from app.arithmetic.config import build_config
    >>> axis_triples(build_config([4], kernel_size=3))[0].tolist()
    [[0, 0, 0], [0, 1, 1], [0, 2, 2], [1, 0, 1], [1, 1, 2], [1, 2, 3]]
    """
    triples = []
    for axis in config.axes:
        rows = [(o, k, i) for o in range(axis.output_size) for k, i in axis.taps(o)]
        triples.append(np.array(rows, dtype=np.int64).reshape(-1, 3))
    return triples


def count_taps(config: ConvConfig) -> int:
    """Real taps in the whole trace (no padding, no inserted zeros), without building it.

    >>> from app.arithmetic.config import build_config
    >>> count_taps(build_config([5, 5], kernel_size=3, stride=2, padding=1))
    49
    """
    spatial = prod(len(t) for t in axis_triples(config))
    return config.out_channels * (config.in_channels // config.groups) * spatial


def _spatial_taps(config: ConvConfig) -> tuple[IntArray, IntArray, IntArray]:
    """Output, kernel and input coordinates (each ``[ndim, S]``) of every spatial tap,
    sorted by output cell in row-major order, then kernel cell."""
    triples = axis_triples(config)
    grids = np.meshgrid(*[np.arange(len(t)) for t in triples], indexing="ij")
    rows = [g.ravel() for g in grids]
    out = np.stack([t[r, 0] for t, r in zip(triples, rows, strict=True)]).reshape(config.ndim, -1)
    ker = np.stack([t[r, 1] for t, r in zip(triples, rows, strict=True)]).reshape(config.ndim, -1)
    inp = np.stack([t[r, 2] for t, r in zip(triples, rows, strict=True)]).reshape(config.ndim, -1)
    # The product runs axis by axis; a stable sort by output cell keeps kernel order within it.
    order = np.argsort(np.ravel_multi_index(tuple(out), config.output_size), kind="stable")
    return out[:, order], ker[:, order], inp[:, order]


def json_numbers(array: Array) -> Any:
    """Nested lists for JSON: ints when every value is a whole number, so ``7`` reads as 7.

    >>> json_numbers(np.array([1.0, 2.0])), json_numbers(np.array([0.5]))
    ([1, 2], [0.5])
    """
    if np.all(np.mod(array, 1) == 0) and np.all(np.abs(array) < 2**53):
        return array.astype(np.int64).tolist()
    return array.tolist()


def trace(config: ConvConfig, x: Array, w: Array, b: Array | None = None) -> Trace:
    """Every output cell of ``config`` on input ``x``, weight ``w`` and bias ``b``.

    >>> from app.arithmetic.config import build_config
    >>> c = build_config([2, 2], kernel_size=3, stride=2, padding="same", transposed=True)
    >>> t = trace(c, np.array([[[1.0, 2], [3, 4]]]), np.ones((1, 1, 3, 3)))
    >>> t.output[0].tolist()
    [[1.0, 1.0, 3.0, 2.0], [1.0, 1.0, 3.0, 2.0], [4.0, 4.0, 10.0, 6.0], [3.0, 3.0, 7.0, 4.0]]
    >>> t.steps[2]["taps"]  # output (0, 0, 2) = input (0, 1)·w(0, 0) + input (0, 0)·w(0, 2)
    [[[0, 0, 1], [0, 0, 0, 0]], [[0, 0, 0], [0, 0, 0, 2]]]
    """
    n, cin_g, cout_g = (
        config.ndim,
        config.in_channels // config.groups,
        config.out_channels // config.groups,
    )
    out_cells = prod(config.output_size)
    o_sp, k_sp, i_sp = _spatial_taps(config)
    spatial = o_sp.shape[1]
    flat_out = (
        np.ravel_multi_index(tuple(o_sp), config.output_size) if spatial else np.zeros(0, np.int64)
    )

    # Every tap as (output channel, input channel in the group, spatial tap), ordered by
    # step (output channel, then output cell), then input channel, then kernel cell.
    oc, cl, sp = (
        a.ravel()
        for a in np.meshgrid(
            np.arange(config.out_channels), np.arange(cin_g), np.arange(spatial), indexing="ij"
        )
    )
    step = oc * out_cells + flat_out[sp]
    order = np.lexsort((sp, cl, step))
    oc, cl, sp, step = oc[order], cl[order], sp[order], step[order]
    group = oc // cout_g
    c = group * cin_g + cl
    if config.transposed:
        w_index = np.stack([c, oc - group * cout_g, *k_sp[:, sp]])
    else:
        w_index = np.stack([oc, cl, *k_sp[:, sp]])
    x_index = np.stack([c, *i_sp[:, sp]])

    n_steps = config.out_channels * out_cells
    products = x[tuple(x_index)] * w[tuple(w_index)]
    values = np.bincount(step, weights=products, minlength=n_steps).astype(np.float64)
    if b is not None:
        values = values + np.repeat(b, out_cells)
    output = values.reshape(config.output_shape)

    with _collector_paused():
        rows = np.concatenate([x_index, w_index]).T.tolist()
        taps = [[row[: n + 1], row[n + 1 :]] for row in rows]
    bounds = np.concatenate([[0], np.cumsum(np.bincount(step, minlength=n_steps))]).tolist()
    cells = np.stack(np.unravel_index(np.arange(n_steps), config.output_shape))
    anchors = (cells[1:] * np.array(_window_strides(config))[:, None]).T.tolist()
    value_list = json_numbers(values)
    steps = [
        {
            "output": cell,
            "anchor": anchor,
            "taps": taps[bounds[s] : bounds[s + 1]],
            "value": value_list[s],
        }
        for s, (cell, anchor) in enumerate(zip(cells.T.tolist(), anchors, strict=True))
    ]
    unused = [axis.unused_inputs() for axis in config.axes]
    return Trace(config, x, w, b, output, steps, unused)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small acyclic lists:
    its passes, triggered by allocation counts, tripled the time of a large trace."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _window_strides(config: ConvConfig) -> list[int]:
    return [axis.window_stride for axis in config.axes]
