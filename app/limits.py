"""Every size limit of ConvScope, in one place (reported by ``GET /api/limits``).

They keep one request from tying up the server or the browser: a trace of
500,000 taps is already a multi-megabyte JSON answer. Exceeding one is a 422
that names the limit, never a silent clamp.
"""

from dataclasses import asdict, dataclass
from math import prod
from typing import Any

from app.arithmetic.config import ConvConfig
from app.arithmetic.errors import ConfigError
from app.arithmetic.trace import count_taps


@dataclass(frozen=True)
class Limits:
    max_spatial_size_1d: int = 512
    max_spatial_size_2d: int = 64
    max_kernel_size: int = 15
    max_stride: int = 16
    max_dilation: int = 16
    max_channels: int = 64
    max_taps: int = 500_000
    max_output_cells: int = 65_536
    max_matrix_entries: int = 65_536
    max_abs_value: float = 1e6
    max_seed: int = 2**32 - 1
    # Pictures (/api/render.*): a side in pixels; GIF frames (one per step), their total
    # pixels (Pillow keeps every frame in memory, one byte a pixel) and frames per second.
    max_render_side: int = 2048
    max_gif_frames: int = 1024
    max_gif_pixels: int = 64_000_000
    max_gif_fps: int = 20
    # Stacks (/api/stack, /api/stack/parse): shapes only, no values, so a real network fits.
    max_stack_size: int = 4096
    max_stack_channels: int = 4096
    max_stack_layers: int = 128
    max_stack_code_chars: int = 20_000

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


LIMITS = Limits()


def _check_max(field: str, values: list[int], limit: int, what: str) -> None:
    for value in values:
        if value > limit:
            raise ConfigError(field, f"{field} {value} is above the limit of {limit} ({what})")


def check_dimensions(ndim: int) -> None:
    """The API and the page draw 1-D and 2-D (the engine also computes 3-D)."""
    if ndim not in (1, 2):
        raise ConfigError(
            "input_size", f"input_size needs 1 number (1-D) or 2 numbers (2-D); got {ndim}"
        )


def check_request(
    input_size: list[int],
    kernel_size: list[int],
    stride: list[int],
    dilation: list[int],
    channels: dict[str, int],
    limits: Limits = LIMITS,
) -> None:
    """Refuse sizes above the limits before any work is done."""
    ndim = len(input_size)
    size_limit = limits.max_spatial_size_1d if ndim == 1 else limits.max_spatial_size_2d
    _check_max("input_size", input_size, size_limit, f"per dimension in {ndim}-D")
    _check_max("kernel_size", kernel_size, limits.max_kernel_size, "per dimension")
    _check_max("stride", stride, limits.max_stride, "per dimension")
    _check_max("dilation", dilation, limits.max_dilation, "per dimension")
    for field, value in channels.items():
        _check_max(field, [value], limits.max_channels, "channels")


def check_trace(config: ConvConfig, limits: Limits = LIMITS) -> None:
    """Refuse a trace whose steps or taps are above the limits, before it is built."""
    cells = config.out_channels * prod(config.output_size)
    if cells > limits.max_output_cells:
        raise ConfigError(
            "input_size",
            f"this configuration has {cells:,} output cells, above the limit of "
            f"{limits.max_output_cells:,}; use a smaller input, fewer channels or a smaller stride",
        )
    taps = count_taps(config)
    if taps > limits.max_taps:
        raise ConfigError(
            "input_size",
            f"this trace would have {taps:,} taps (multiplications), above the limit of "
            f"{limits.max_taps:,}; use a smaller input, kernel or fewer channels",
        )


def check_matrix(config: ConvConfig, limits: Limits = LIMITS) -> None:
    """Refuse a matrix view with more entries than the limit (it is dense)."""
    rows = config.out_channels * prod(config.output_size)
    columns = config.in_channels * prod(config.input_size)
    if rows * columns > limits.max_matrix_entries:
        raise ConfigError(
            "input_size",
            f"the matrix would be {rows}×{columns} = {rows * columns:,} entries, above the limit "
            f"of {limits.max_matrix_entries:,}; the matrix view is for small examples",
        )
