"""A convolution as a matrix: ``output.flatten() = matrix @ input.flatten() (+ bias)``.

The view that explains the name "transposed convolution": the matrix of a
transposed convolution is the transpose of the matrix of the direct convolution
with the same kernel, stride, dilation and padding that maps back the other way.
"""

import numpy as np
from numpy.typing import NDArray

from app.arithmetic.trace import Trace


def conv_matrix(result: Trace) -> tuple[NDArray[np.float64], list[list[int]], list[list[int]]]:
    """``(matrix, rows, columns)``: row ``r`` is output cell ``rows[r]``, column ``c`` input
    cell ``columns[c]`` (both with their channel first).

    >>> from app.arithmetic.config import build_config
    >>> from app.arithmetic.trace import trace
    >>> t = trace(build_config([3], kernel_size=2), np.ones((1, 3)), np.array([[[1.0, 2.0]]]))
    >>> matrix, rows, columns = conv_matrix(t)
    >>> matrix.tolist(), rows, columns
    ([[1.0, 2.0, 0.0], [0.0, 1.0, 2.0]], [[0, 0], [0, 1]], [[0, 0], [0, 1], [0, 2]])
    """
    config = result.config
    matrix = np.zeros((len(result.steps), int(np.prod(config.input_shape))))
    for row, step in enumerate(result.steps):
        for x_index, w_index in step["taps"]:
            column = np.ravel_multi_index(tuple(x_index), config.input_shape)
            matrix[row, column] += result.weight[tuple(w_index)]
    rows = [list(index) for index in np.ndindex(*config.output_shape)]
    columns = [list(index) for index in np.ndindex(*config.input_shape)]
    return matrix, rows, columns
