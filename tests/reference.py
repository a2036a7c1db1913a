"""Independent references for the engine: PyTorch, and a plain loop over the SPEC's contract."""

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from app.arithmetic.config import ConvConfig, build_config

CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


def torch_output(
    config: ConvConfig, x: np.ndarray, w: np.ndarray, b: np.ndarray | None
) -> np.ndarray:
    """The same convolution computed by PyTorch (float64, unbatched layouts).

    Symmetric padding goes through PyTorch's own ``padding`` argument, so its
    semantics are what is tested; asymmetric padding is done the way PyTorch
    users do it: ``F.pad`` before a direct convolution, cropping after a transposed one.
    """
    xt = torch.tensor(x, dtype=torch.float64)[None]
    wt = torch.tensor(w, dtype=torch.float64)
    bt = None if b is None else torch.tensor(b, dtype=torch.float64)
    n = config.ndim
    symmetric = all(before == after for before, after in config.padding)
    common: dict[str, Any] = {
        "stride": config.stride,
        "dilation": config.dilation,
        "groups": config.groups,
    }
    if not config.transposed:
        if config.padding_mode != "zeros":
            return _torch_padding_mode(config, xt, wt, bt, symmetric)
        if symmetric:
            y = CONV[n](xt, wt, bt, padding=[p for p, _ in config.padding], **common)
        else:
            pads = [side for pair in reversed(config.padding) for side in pair]
            y = CONV[n](F.pad(xt, pads), wt, bt, padding=0, **common)
        return y[0].numpy()
    if symmetric:
        y = CONV_T[n](
            xt, wt, bt, padding=[p for p, _ in config.padding],
            output_padding=config.output_padding, **common,
        )  # fmt: skip
        return y[0].numpy()
    y = CONV_T[n](xt, wt, bt, padding=0, output_padding=config.output_padding, **common)
    crop = tuple(
        slice(before, size - after)
        for (before, after), size in zip(config.padding, y.shape[2:], strict=True)
    )
    return y[0][(slice(None), *crop)].numpy()


CONV_LAYER = {1: torch.nn.Conv1d, 2: torch.nn.Conv2d, 3: torch.nn.Conv3d}


def _torch_padding_mode(
    config: ConvConfig,
    xt: torch.Tensor,
    wt: torch.Tensor,
    bt: torch.Tensor | None,
    symmetric: bool,
) -> np.ndarray:
    """A ``padding_mode`` through PyTorch's own layer (``nn.Conv*d(padding_mode=…)``) when the
    padding is symmetric, else ``F.pad(mode=…)`` first, as a PyTorch user would."""
    n = config.ndim
    if symmetric:
        layer = CONV_LAYER[n](
            config.in_channels, config.out_channels, config.kernel_size, config.stride,
            [p for p, _ in config.padding], config.dilation, config.groups, bias=bt is not None,
            padding_mode=config.padding_mode, dtype=torch.float64,
        )  # fmt: skip
        with torch.no_grad():
            layer.weight.copy_(wt)
            if bt is not None:
                layer.bias.copy_(bt)
            return layer(xt)[0].numpy()
    pads = [side for pair in reversed(config.padding) for side in pair]
    padded = F.pad(xt, pads, mode=config.padding_mode)
    common = {"stride": config.stride, "dilation": config.dilation, "groups": config.groups}
    return CONV[n](padded, wt, bt, padding=0, **common)[0].numpy()


def transposed_twin(direct: ConvConfig) -> ConvConfig:
    """The transposed convolution with the same kernel, stride, dilation and padding that maps
    the direct one's output size back to its input size (and uses the same weight tensor)."""
    return build_config(
        input_size=list(direct.output_size),
        kernel_size=list(direct.kernel_size),
        stride=list(direct.stride),
        dilation=list(direct.dilation),
        padding=[list(p) for p in direct.padding],
        # The direct convolution's floor dropped `remainder` cells; output_padding gives them back.
        output_padding=[(a.input_size + sum(a.padding) - a.k_eff) % a.stride for a in direct.axes],
        transposed=True,
        in_channels=direct.out_channels,
        out_channels=direct.in_channels,
        groups=direct.groups,
    )


MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def torch_layer(
    config: ConvConfig, xt: torch.Tensor, wt: torch.Tensor, bt: torch.Tensor | None
) -> torch.Tensor:
    """The layer as differentiable PyTorch ops on batched tensors (for autograd): convolutions
    padded by ``F.pad`` in their ``padding_mode``, pools with PyTorch's own
    ``F.max_pool*d``/``F.avg_pool*d`` and their ``ceil_mode``/``count_include_pad``/
    ``divisor_override`` (given only when set: ``F.avg_pool1d`` has no such argument)."""
    n = config.ndim
    if config.op == "max_pool":
        padding = [b for b, _ in config.padding]
        return MAX_POOL[n](
            xt, config.kernel_size, config.stride, padding, config.dilation,
            ceil_mode=config.ceil_mode,
        )  # fmt: skip
    if config.op == "avg_pool":
        padding = [b for b, _ in config.padding]
        extra = (
            {} if config.divisor_override is None else {"divisor_override": config.divisor_override}
        )
        return AVG_POOL[n](
            xt, config.kernel_size, config.stride, padding, ceil_mode=config.ceil_mode,
            count_include_pad=config.count_include_pad, **extra,
        )  # fmt: skip
    common: dict[str, Any] = {
        "stride": config.stride,
        "dilation": config.dilation,
        "groups": config.groups,
    }
    if not config.transposed:
        pads = [side for pair in reversed(config.padding) for side in pair]
        mode = "constant" if config.padding_mode == "zeros" else config.padding_mode
        return CONV[n](F.pad(xt, pads, mode=mode), wt, bt, padding=0, **common)
    y = CONV_T[n](xt, wt, bt, padding=0, output_padding=config.output_padding, **common)
    crop = tuple(
        slice(before, size - after)
        for (before, after), size in zip(config.padding, y.shape[2:], strict=True)
    )
    return y[(slice(None), slice(None), *crop)]


def torch_gradients(
    config: ConvConfig, x: np.ndarray, w: np.ndarray, b: np.ndarray | None, g: np.ndarray
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """dL/dX, dL/dW (None for a pool) and dL/db by ``torch.autograd.grad`` of ``Σ y·g``."""
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    wt = None if config.pooling else torch.tensor(w, dtype=torch.float64, requires_grad=True)
    bt = None if b is None else torch.tensor(b, dtype=torch.float64, requires_grad=True)
    y = torch_layer(config, xt[None], wt, bt)[0]
    wanted = [t for t in (xt, wt, bt) if t is not None]
    found = iter(torch.autograd.grad(y, wanted, torch.tensor(g, dtype=torch.float64)))
    dx = next(found).numpy()
    dw = None if wt is None else next(found).numpy()
    db = None if bt is None else next(found).numpy()
    return dx, dw, db
