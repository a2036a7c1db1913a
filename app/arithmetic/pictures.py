"""A photograph as a trace's input (SPEC.md, "Pictures"): resized by a box filter, then
luma for one channel or RGB for three, as whole numbers 0–255.

The box filter gives each new pixel the mean of the old pixels its box covers, weighted
by how much of each it covers, in each direction: a matrix per direction whose rows sum
to 1, so ``small = rows · picture · columnsᵀ`` (per channel).
"""

import numpy as np
from numpy.typing import NDArray

from app.arithmetic.errors import ConfigError

Array = NDArray[np.float64]

# ITU-R BT.601 luma, as Pillow's "L" mode.
LUMA = np.array([0.299, 0.587, 0.114])


def box_weights(old: int, new: int) -> Array:
    """``[new, old]``: how much of old pixel ``j`` new pixel ``i``'s box covers, as a share.

    >>> box_weights(4, 2).tolist()
    [[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]]
    >>> box_weights(3, 2).tolist()
    [[0.6666666666666666, 0.3333333333333333, 0.0], [0.0, 0.3333333333333333, 0.6666666666666666]]
    """
    edges = np.arange(new + 1) * (old / new)  # new pixel i spans [edges[i], edges[i+1]) of old
    left = np.maximum(edges[:-1, None], np.arange(old)[None, :])
    right = np.minimum(edges[1:, None], np.arange(1, old + 1)[None, :])
    cover = np.clip(right - left, 0, None)
    shares: Array = cover / cover.sum(axis=1, keepdims=True)
    return shares


def box_resize(pixels: Array, size: tuple[int, int]) -> Array:
    """``pixels`` ``[H, W, C]`` resized to ``size`` ``(h, w)`` by the box filter (floats).

    >>> box_resize(np.arange(16.0).reshape(4, 4, 1), (2, 2))[..., 0].tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """
    rows = box_weights(pixels.shape[0], size[0])
    cols = box_weights(pixels.shape[1], size[1])
    tall = np.tensordot(rows, pixels.astype(np.float64), axes=(1, 0))  # [h, W, C]
    resized: Array = np.tensordot(cols, tall, axes=(1, 1)).transpose(1, 0, 2)  # [h, w, C]
    return resized


def picture_input(pixels: NDArray[np.uint8], size: tuple[int, ...], channels: int) -> Array:
    """A trace's input ``[channels, *size]`` from an RGB picture ``[H, W, 3]``: luma for one
    channel, RGB for three, rounded to whole numbers 0–255.

    >>> rgb = np.zeros((2, 2, 3), dtype=np.uint8); rgb[..., 0] = 255
    >>> picture_input(rgb, (1, 1), 1).tolist(), picture_input(rgb, (1, 1), 3)[:, 0, 0].tolist()
    ([[[76.0]]], [255.0, 0.0, 0.0])
    """
    if len(size) != 2:
        raise ConfigError("input", "image_needs_2d", ndim=len(size))
    if channels not in (1, 3):
        raise ConfigError("input", "image_channels", channels=channels)
    resized = box_resize(pixels.astype(np.float64), (size[0], size[1]))
    planes = resized @ LUMA if channels == 1 else resized
    planes = planes[..., None] if channels == 1 else planes
    whole: Array = np.clip(np.rint(planes), 0, 255).transpose(2, 0, 1)
    return whole
