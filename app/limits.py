"""Every limit of ConvScope, in one place (reported by ``GET /api/limits``).

They keep one request from tying up the server or the browser: a trace of
500,000 taps is already a multi-megabyte JSON answer, a 255×255 canvas takes
seconds to draw. Every check here runs before any trace work, in microseconds;
exceeding a limit is a 422 (a 413 for the body) whose ``ctx`` names the limit
(``limit_name``, a key of ``GET /api/limits``), never a silent clamp.

>>> from app.layer.schemas import TraceRequest
>>> check_request(TraceRequest(input_size=[1, 1], padding=127))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
app.arithmetic.errors.ConfigError: padding: above_limit {'value': 127, 'limit': 64, ...}
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from math import prod
from typing import Any, Protocol

from app.arithmetic.config import ConvConfig
from app.arithmetic.errors import ConfigError
from app.arithmetic.trace import count_taps


class SizedRequest(Protocol):
    """What ``check_request`` reads of a request (``app.layer.schemas.TraceRequest`` has it).

    Structural, so this module imports no schema: the schema reads ``LIMITS`` for ``/docs``.
    """

    @property
    def input_size(self) -> list[int]: ...
    @property
    def seed(self) -> int: ...
    @property
    def divisor_override(self) -> int | None: ...


@dataclass(frozen=True)
class Limits:
    max_spatial_size_1d: int = 512
    max_spatial_size_2d: int = 64
    max_spatial_size_3d: int = 16  # a row of 16 slices of 16×16 still draws fast
    max_kernel_size: int = 15
    max_stride: int = 16
    max_dilation: int = 16
    max_channels: int = 64
    max_padding_1d: int = 512  # per side
    max_padding_2d: int = 64
    max_padding_3d: int = 16
    max_canvas_size_1d: int = 2048  # per dimension; the output too
    max_canvas_size_2d: int = 256
    max_canvas_size_3d: int = 48
    max_taps: int = 500_000
    max_output_cells: int = 65_536
    max_matrix_entries: int = 65_536
    max_abs_value: float = 1e6
    max_seed: int = 2**32 - 1
    max_divisor_override: int = 1_000_000  # either sign (PyTorch divides by a negative too)
    # The request itself: a body above this is a 413 before it is read; a longer query a 422.
    max_body_bytes: int = 2 * 1024 * 1024
    max_query_bytes: int = 16 * 1024
    # Pictures (/api/render.*): a side in pixels; GIF frames (one per step), their total
    # pixels (Pillow keeps every frame in memory, one byte a pixel) and frames per second.
    max_render_side: int = 2048
    max_gif_frames: int = 1024
    max_gif_pixels: int = 64_000_000
    max_gif_fps: int = 20
    # The page's player and oEmbed's requested size.
    max_speed: float = 64
    max_oembed_side: int = 100_000
    # Stacks (/api/stack, /api/stack/parse): shapes only, no values, so a real network fits:
    # a second of 16 kHz audio in 1-D, a 1024×1024 image (and more) in 2-D, a 512³ volume in
    # 3-D; kernels as wide as audio front ends use (80 samples and more); per dimension, for
    # the input, every layer's output, stride, dilation and padding.
    max_stack_size_1d: int = 65_536
    max_stack_size_2d: int = 4096
    max_stack_size_3d: int = 512
    max_stack_kernel_size: int = 255
    max_stack_channels: int = 4096
    max_stack_layers: int = 256
    max_stack_code_chars: int = 20_000
    # Pictures as input (``input=image:<name>``, asked with steps=0): a side, and the taps.
    max_picture_size: int = 256
    max_picture_taps: int = 2_000_000
    # /api/learn: full-batch gradient descent on one small layer.
    max_learn_steps: int = 2000
    max_learn_samples: int = 16
    max_learn_size: int = 32
    max_learn_rate: float = 100.0

    def as_dict(self) -> dict[str, Any]:
        """The one-layer limits, and the stack's apart under ``"stack"``.

        >>> sorted(LIMITS.as_dict()["stack"])[:2]
        ['max_stack_channels', 'max_stack_code_chars']
        """
        every = asdict(self)
        stack = {k: v for k, v in every.items() if k.startswith("max_stack_")}
        return {**{k: v for k, v in every.items() if k not in stack}, "stack": stack}

    def stack_size(self, ndim: int) -> int:
        """A stack's largest size per dimension for ``ndim`` spatial dimensions."""
        size: int = getattr(self, f"max_stack_size_{ndim}d")
        return size


LIMITS = Limits()


def for_picture(limits: Limits = LIMITS) -> Limits:
    """The limits of a trace whose input is a shipped picture asked with ``steps=0`` (the
    picture view draws images, not cells): sides up to ``max_picture_size``, and more taps.

    >>> for_picture().max_spatial_size_2d, for_picture().max_taps
    (256, 2000000)
    """
    return replace(
        limits,
        max_spatial_size_2d=limits.max_picture_size,
        max_canvas_size_2d=2 * limits.max_picture_size,  # the padding around a whole picture
        max_taps=limits.max_picture_taps,
    )


def above(field: str, value: float, name: str, limits: Limits = LIMITS, **ctx: Any) -> None:
    """Refuse ``value`` if it is above the limit ``name``.

    >>> above("stride", 17, "max_stride")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    app.arithmetic.errors.ConfigError: stride: above_limit {'value': 17, 'limit': 16, ...}
    """
    limit = getattr(limits, name)
    if value > limit:
        raise ConfigError(field, "above_limit", value=value, limit=limit, limit_name=name, **ctx)


def _ints(value: Any) -> list[int]:
    """Every integer in a field's value (an int, a list, a list of pairs); names give none."""
    if value is None or isinstance(value, bool | str):
        return []
    if isinstance(value, int):
        return [value]
    return [n for item in value for n in _ints(item)]


def check_dimensions(ndim: int) -> None:
    """The API and the page draw 1-D, 2-D and 3-D (depth as a row of slices)."""
    if ndim not in (1, 2, 3):
        raise ConfigError("input_size", "wrong_dimensions", value=ndim)


def check_request(request: SizedRequest, limits: Limits = LIMITS) -> None:
    """Refuse any number above its limit before the configuration is even built."""
    ndim = len(request.input_size)
    check_dimensions(ndim)
    d = f"{ndim}d"
    per_field = {
        "input_size": f"max_spatial_size_{d}",
        "kernel_size": "max_kernel_size",
        "stride": "max_stride",
        "dilation": "max_dilation",
        "padding": f"max_padding_{d}",
        "output_padding": f"max_padding_{d}",
        "in_channels": "max_channels",
        "out_channels": "max_channels",
        "groups": "max_channels",
        "seed": "max_seed",
    }
    for field, name in per_field.items():
        for value in _ints(getattr(request, field)):
            above(field, value, name, limits)
    if request.seed < 0:
        raise ConfigError("seed", "too_small", minimum=0, value=request.seed)
    if request.divisor_override is not None:
        above("divisor_override", abs(request.divisor_override), "max_divisor_override", limits)


def check_config(config: ConvConfig, limits: Limits = LIMITS) -> None:
    """Refuse a configuration whose canvas, output or taps are above the limits."""
    d = f"{config.ndim}d"
    for axis, name in zip(config.axes, config.axis_names, strict=True):
        for side in axis.padding:
            above("padding", side, f"max_padding_{d}", limits)
        canvas = f"max_canvas_size_{d}"
        if axis.canvas_size > getattr(limits, canvas):
            raise ConfigError(
                "padding" if sum(axis.padding) else "input_size", "canvas_above_limit",
                value=axis.canvas_size, axis=name, limit=getattr(limits, canvas),
                limit_name=canvas,
            )  # fmt: skip
        if axis.output_size > getattr(limits, canvas):
            raise ConfigError(
                "input_size", "output_above_limit", value=axis.output_size, axis=name,
                limit=getattr(limits, canvas), limit_name=canvas,
            )  # fmt: skip
    cells = config.out_channels * prod(config.output_size)
    if cells > limits.max_output_cells:
        raise ConfigError(
            "input_size", "too_many_output_cells", value=cells,
            limit=limits.max_output_cells, limit_name="max_output_cells",
        )  # fmt: skip
    taps = count_taps(config)
    if taps > limits.max_taps:
        raise ConfigError(
            "input_size", "too_many_taps", value=taps, limit=limits.max_taps,
            limit_name="max_taps",
        )  # fmt: skip


def check_matrix(config: ConvConfig, limits: Limits = LIMITS) -> None:
    """Refuse a matrix view with more entries than the limit (it is dense)."""
    rows = config.out_channels * prod(config.output_size)
    columns = config.in_channels * prod(config.input_size)
    if rows * columns > limits.max_matrix_entries:
        raise ConfigError(
            "input_size", "too_many_matrix_entries", rows=rows, columns=columns,
            value=rows * columns, limit=limits.max_matrix_entries,
            limit_name="max_matrix_entries",
        )  # fmt: skip


def check_im2col(config: ConvConfig, limits: Limits = LIMITS) -> None:
    """Refuse an im2col view whose three dense matrices hold more entries than the limit."""
    k = prod(config.kernel_size)
    if config.transposed:
        inner, rows, columns = config.in_channels, config.out_channels * k, prod(config.input_size)
    else:
        inner = config.in_channels * k
        rows, columns = config.out_channels, prod(config.output_size)
    entries = rows * inner + inner * columns + rows * columns
    if entries > limits.max_matrix_entries:
        raise ConfigError(
            "input_size", "too_many_matrix_entries", rows=rows + inner, columns=columns + inner,
            value=entries, limit=limits.max_matrix_entries, limit_name="max_matrix_entries",
        )  # fmt: skip


def check_picture(
    steps: int,
    step: int | None = None,
    fps: int | None = None,
    limits: Limits = LIMITS,
) -> None:
    """Refuse a picture's own parameters (``step``, ``fps``, GIF frames) before drawing.

    Steps are counted from 1, as the page shows them ("Step 9 of 9" is ``step=9``):

    >>> check_picture(9, step=9)
    >>> check_picture(9, step=0)
    Traceback (most recent call last):
    ...
    app.arithmetic.errors.ConfigError: step: step_out_of_range {'last': 9, 'value': 0}
    """
    if step is not None and not 1 <= step <= steps:
        raise ConfigError("step", "step_out_of_range", last=steps, value=step)
    if fps is not None:
        if fps < 1:
            raise ConfigError("fps", "too_small", minimum=1, value=fps)
        above("fps", fps, "max_gif_fps", limits)
        above("input_size", steps, "max_gif_frames", limits)
