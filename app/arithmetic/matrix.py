"""A convolution as a matrix: ``output.flatten() = matrix @ input.flatten() (+ bias)``.

The view that explains the name "transposed convolution": the matrix of a
transposed convolution is the transpose of the matrix of the direct convolution
with the same kernel, stride, dilation and padding that maps back the other way.
"""

import numpy as np
from numpy.typing import NDArray

from app.arithmetic.trace import Trace, pool_divisor, tap_table


def conv_matrix(result: Trace) -> tuple[NDArray[np.float64], list[list[int]], list[list[int]]]:
    """``(matrix, rows, columns)``: row ``r`` is output cell ``rows[r]``, column ``c`` input
    cell ``columns[c]`` (both with their channel first). Built from the trace's taps: entry
    ``(step, input cell)`` adds the weight that tap multiplies.

    >>> from app.arithmetic.config import build_config
    >>> from app.arithmetic.trace import trace
    >>> t = trace(build_config([3], kernel_size=2), np.ones((1, 3)), np.array([[[1.0, 2.0]]]))
    >>> matrix, rows, columns = conv_matrix(t)
    >>> matrix.tolist(), rows, columns
    ([[1.0, 2.0, 0.0], [0.0, 1.0, 2.0]], [[0, 0], [0, 1]], [[0, 0], [0, 1], [0, 2]])
    """
    config = result.config
    table = tap_table(result)
    matrix = np.zeros((int(np.prod(config.output_shape)), int(np.prod(config.input_shape))))
    columns_of_taps = np.ravel_multi_index(tuple(table.input), config.input_shape)
    values = result.weight[tuple(table.weight)]
    if config.op == "avg_pool":  # each window divides by its own count (pool_divisor)
        cells = int(np.prod(config.output_size))
        values = 1.0 / pool_divisor(config).ravel()[table.step % cells]
    np.add.at(matrix, (table.step, columns_of_taps), values)
    rows = np.stack(np.unravel_index(np.arange(matrix.shape[0]), config.output_shape), axis=1)
    columns = np.stack(np.unravel_index(np.arange(matrix.shape[1]), config.input_shape), axis=1)
    return matrix, rows.tolist(), columns.tolist()
