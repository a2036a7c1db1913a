"""im2col against PyTorch: the patch matrix is ``F.unfold``, col2im is ``F.fold``, and the
product (folded, for a transposed layer) is the layer's output, in 1-D, 2-D and 3-D."""

import numpy as np
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.arithmetic.config import ConvConfig
from app.arithmetic.im2col import full_size, im2col
from app.arithmetic.trace import trace
from app.arithmetic.values import resolve_values
from tests.reference import torch_output
from tests.strategies import configs

SOME = settings(max_examples=80, suppress_health_check=[HealthCheck.filter_too_much])


def _as_2d(config: ConvConfig, x: np.ndarray) -> tuple[torch.Tensor, dict]:
    """The input padded as the layer pads it (``padding_mode`` included), batched, 1-D as a
    1×L image; and ``F.unfold``'s arguments."""
    xt = torch.tensor(x, dtype=torch.float64)[None]
    pads = [side for pair in reversed(config.padding) for side in pair]
    mode = "constant" if config.padding_mode == "zeros" else config.padding_mode
    xt = F.pad(xt, pads, mode=mode)
    args = {"kernel_size": config.kernel_size, "dilation": config.dilation,
            "stride": config.stride}  # fmt: skip
    if config.ndim == 1:
        xt = xt[:, :, None, :]
        args = {name: (1, *value) for name, value in args.items()}
    return xt, args


@SOME
@given(configs(transposed=False), st.integers(0, 2**16))
def test_patch_matrix_is_unfold(config: ConvConfig, seed: int) -> None:
    x, w, _ = resolve_values(config, seed=seed)
    gemm = im2col(trace(config, x, w))
    xt, args = _as_2d(config, x)
    np.testing.assert_array_equal(gemm.input_matrix, F.unfold(xt, **args)[0].numpy())


@SOME
@given(configs(transposed=True), st.integers(0, 2**16))
def test_col2im_is_fold_cropped(config: ConvConfig, seed: int) -> None:
    x, w, _ = resolve_values(config, seed=seed)
    gemm = im2col(trace(config, x, w))
    n = config.ndim
    full = full_size(config)
    lift = (lambda v: (1, *v)) if n == 1 else tuple
    folded = F.fold(
        torch.tensor(gemm.product)[None], output_size=lift(full),
        kernel_size=lift(config.kernel_size), dilation=lift(config.dilation),
        stride=lift(config.stride),
    )[0]  # fmt: skip
    folded = folded.reshape(config.out_channels, *full)
    grown = F.pad(folded, [q for a in reversed(config.axes) for q in (0, a.output_padding)])
    crop = tuple(slice(b, g - a) for (b, a), g in zip(config.padding, grown.shape[1:], strict=True))
    np.testing.assert_allclose(gemm.output, grown[(slice(None), *crop)].numpy(), atol=1e-9)


@SOME
@given(configs(dims=(1, 2, 3)), st.integers(0, 2**16), st.booleans())
def test_product_is_the_layer_output(config: ConvConfig, seed: int, with_bias: bool) -> None:
    """Every layer, 3-D included: weight_matrix @ input_matrix (then col2im) is PyTorch's."""
    x, w, _ = resolve_values(config, seed=seed)
    b = np.arange(config.out_channels, dtype=float) - 1 if with_bias else None
    gemm = im2col(trace(config, x, w, b))
    np.testing.assert_array_equal(gemm.product, gemm.weight_matrix @ gemm.input_matrix)
    np.testing.assert_allclose(gemm.output, torch_output(config, x, w, b), atol=1e-9)
    assert len(gemm.rows) == gemm.product.shape[0] and len(gemm.columns) == gemm.product.shape[1]
    assert len(gemm.inner) == gemm.input_matrix.shape[0]
