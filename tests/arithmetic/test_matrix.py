"""The matrix view against PyTorch, and the transposed convolution as a transposed matrix."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.arithmetic.config import ConvConfig, build_config
from app.arithmetic.matrix import conv_matrix
from app.arithmetic.trace import trace
from app.arithmetic.values import resolve_values
from tests.arithmetic.test_pool import torch_pool
from tests.reference import torch_output, transposed_twin
from tests.strategies import configs, pools

SOME = settings(max_examples=80, suppress_health_check=[HealthCheck.filter_too_much])


@SOME
@given(configs(), st.integers(0, 2**16))
def test_matrix_times_input_is_the_pytorch_output(config: ConvConfig, seed: int) -> None:
    x, w, _ = resolve_values(config, seed=seed)
    b = np.arange(config.out_channels, dtype=float)
    matrix, rows, columns = conv_matrix(trace(config, x, w, b))
    expected = torch_output(config, x, w, b)
    bias_per_row = b[[row[0] for row in rows]]
    np.testing.assert_allclose(matrix @ x.ravel() + bias_per_row, expected.ravel())
    assert [x[tuple(c)] for c in columns] == x.ravel().tolist()


@SOME
@given(configs(transposed=False, modes=("zeros",)), st.integers(0, 2**16))
def test_transposed_matrix_is_the_direct_matrix_transposed(direct: ConvConfig, seed: int) -> None:
    x, w, _ = resolve_values(direct, seed=seed)
    back = transposed_twin(direct)
    y = np.zeros(direct.output_shape)
    forward, _, _ = conv_matrix(trace(direct, x, w))
    backward, _, _ = conv_matrix(trace(back, y, w))
    np.testing.assert_array_equal(backward, forward.T)


def test_a_padding_mode_repeats_columns() -> None:
    """Reflect padding: a copied cell's weight lands in its source's column, so an edge
    window reads input 1 twice (SPEC.md, "Padding modes"), as PyTorch's reflect-padded layer."""
    config = build_config([3], kernel_size=3, padding=1, padding_mode="reflect")
    result = trace(config, np.array([[1.0, 2, 3]]), np.array([[[1.0, 10, 100]]]))
    matrix, _, _ = conv_matrix(result)
    assert matrix.tolist() == [[10, 101, 0], [1, 10, 100], [0, 101, 10]]
    assert (matrix @ result.input.ravel()).tolist() == result.output.ravel().tolist()


@settings(max_examples=40, suppress_health_check=[HealthCheck.filter_too_much])
@given(pools().filter(lambda c: c.op == "avg_pool"))
def test_average_pooling_matrix_is_pytorchs_column_by_column(config: ConvConfig) -> None:
    """Column j of the matrix is F.avg_pool*d of the j-th unit input: 1/divisor where a
    window reads the cell (count_include_pad), 0 elsewhere."""
    x, w, _ = resolve_values(config, fill="ones")
    matrix, _, _ = conv_matrix(trace(config, x, w))
    size = int(np.prod(config.input_shape))
    for j in range(size):
        unit = np.zeros(size)
        unit[j] = 1.0
        expected = torch_pool(config, unit.reshape(config.input_shape)).ravel()
        np.testing.assert_allclose(matrix[:, j], expected, atol=1e-12)
