"""3-D layers as matrices and overlap counts (issue 20 item 2), against PyTorch.

The matrix C of a layer is checked column by column: ``C[:, j]`` is the layer applied to
the j-th unit input (bias-free), flattened channel, then z, y, x, which is exactly how
PyTorch's ``F.conv3d``/``F.conv_transpose3d``/``F.avg_pool3d`` lay out their tensors.
The overlap counts are checked against an independent count: the layer's own PyTorch
function applied to a volume of ones with a kernel of ones.
"""

from typing import Any

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.errors import ConfigError
from app.arithmetic.matrix import conv_matrix
from app.arithmetic.trace import trace
from app.arithmetic.values import resolve_values
from tests.arithmetic.test_pool import torch_pool
from tests.reference import torch_output, transposed_twin
from tests.strategies import configs, conv_fields, pools

SMALL = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


def units(config: ConvConfig) -> np.ndarray:
    """Every unit input of the layer's input shape: ``units[j]`` has a 1 at flat index j."""
    size = int(np.prod(config.input_shape))
    return np.eye(size).reshape((size, *config.input_shape))


@SMALL
@given(configs(ndim=3, dims=(3,)), st.integers(0, 2**16))
def test_3d_matrix_is_pytorchs_layer_column_by_column(config: ConvConfig, seed: int) -> None:
    """Conv3d (every padding mode) and ConvTranspose3d: C[:, j] = layer(e_j), no bias."""
    x, w, _ = resolve_values(config, seed=seed)
    matrix, rows, columns = conv_matrix(trace(config, x, w))
    assert matrix.shape == (int(np.prod(config.output_shape)), int(np.prod(config.input_shape)))
    for j, unit in enumerate(units(config)):
        expected = torch_output(config, unit, w, None).ravel()
        np.testing.assert_allclose(matrix[:, j], expected, atol=1e-9)
    # rows and columns name (c, z, y, x) in PyTorch's flattening order
    assert columns == [list(i) for i in np.ndindex(*config.input_shape)]
    assert rows == [list(i) for i in np.ndindex(*config.output_shape)]


@SMALL
@given(configs(ndim=3, dims=(3,), transposed=False, modes=("zeros",)), st.integers(0, 2**16))
def test_3d_transposed_matrix_is_the_direct_one_transposed(direct: ConvConfig, seed: int) -> None:
    """ConvTranspose3d multiplies by Cᵀ, C the matrix of its direct twin."""
    x, w, _ = resolve_values(direct, seed=seed)
    back = transposed_twin(direct)
    forward, _, _ = conv_matrix(trace(direct, x, w))
    backward, _, _ = conv_matrix(trace(back, np.zeros(direct.output_shape), w))
    np.testing.assert_array_equal(backward, forward.T)


@SMALL
@given(pools(dims=(3,)).filter(lambda c: c.op == "avg_pool"))
def test_3d_average_pooling_matrix_is_pytorchs_column_by_column(config: ConvConfig) -> None:
    """AvgPool3d: 1/divisor where a window reads the cell (count_include_pad, ceil_mode)."""
    x, w, _ = resolve_values(config, fill="ones")
    matrix, _, _ = conv_matrix(trace(config, x, w))
    for j, unit in enumerate(units(config)):
        np.testing.assert_allclose(matrix[:, j], torch_pool(config, unit).ravel(), atol=1e-12)


@SMALL
@given(conv_fields(ndim=3, dims=(3,), modes=("zeros",)))
def test_3d_overlap_counts_are_pytorchs_layer_of_ones(fields: dict[str, Any]) -> None:
    """How many windows cover each input cell's output (direct), how many taps write each
    output cell (transposed): F.conv3d / F.conv_transpose3d of ones, one channel."""
    try:
        config = build_config(**fields)
        one = build_config(**{**fields, "in_channels": 1, "out_channels": 1, "groups": 1})
    except ConfigError:
        assume(False)  # a configuration the maths refuses has no counts
        raise
    x, w, _ = resolve_values(config, fill="ones")
    counts = trace(config, x, w).overlap
    ones = np.ones(one.input_shape)
    kernel = np.ones((1, 1, *one.kernel_size))
    expected = torch_output(one, ones, kernel, None)[0]
    np.testing.assert_array_equal(counts, np.rint(expected).astype(int))
