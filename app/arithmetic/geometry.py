"""Shapes, padding and the canvas of a convolution, one spatial dimension at a time.

Notation follows Dumoulin & Visin (2016), "A guide to convolution arithmetic for
deep learning": ``i`` input size, ``k`` kernel size, ``s`` stride, ``d`` dilation,
``p_before``/``p_after`` the padding on each side. Transposed convolutions follow
PyTorch's ``ConvTranspose``: ``padding`` is what is cropped from the full output.
"""

from dataclasses import dataclass
from typing import Literal

from app.arithmetic.errors import ConfigError

PaddingName = Literal["valid", "same", "full", "causal"]
PADDING_NAMES: tuple[str, ...] = ("valid", "same", "full", "causal")
PADDING_MODES: tuple[str, ...] = ("zeros", "reflect", "replicate", "circular")


def effective_kernel(kernel_size: int, dilation: int = 1) -> int:
    """Span of a dilated kernel: ``d·(k − 1) + 1``.

    >>> effective_kernel(3, dilation=4)
    9
    """
    return dilation * (kernel_size - 1) + 1


def output_size(
    input_size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int = 1,
) -> int:
    """Output size of a direct convolution: ``floor((i + p_b + p_a − k_eff) / s) + 1``.

    >>> output_size(5, kernel_size=3, stride=2, padding=1)
    3
    >>> output_size(6, kernel_size=3, stride=2)  # floor: the last row is never reached
    2
    >>> output_size(9, kernel_size=3, dilation=4)
    1
    """
    before, after = (padding, padding) if isinstance(padding, int) else padding
    span = input_size + before + after - effective_kernel(kernel_size, dilation)
    return span // stride + 1


def ceil_output_size(
    input_size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int = 1,
) -> int:
    """Output size of a pool with ``ceil_mode=True`` (PyTorch's ``pooling_output_shape``):
    ``o = ceil((i + p_b + p_a − k_eff) / s) + 1``, then one less when the last window would
    start past the input and its left padding (``(o − 1)·s ≥ i + p_b``).

    >>> ceil_output_size(6, kernel_size=3, stride=2)  # floor gives 2; ceil keeps index 5
    3
    >>> ceil_output_size(4, kernel_size=2, stride=3, padding=1)  # the exception: 2, not 3
    2
    >>> ceil_output_size(5, kernel_size=3, stride=2, padding=1)  # exact division: as floor
    3
    """
    before, after = (padding, padding) if isinstance(padding, int) else padding
    span = input_size + before + after - effective_kernel(kernel_size, dilation)
    out = -(-span // stride) + 1
    if (out - 1) * stride >= input_size + before:
        out -= 1
    return out


def padding_source(mode: str, index: int, input_size: int) -> int | None:
    """The input index a padded position shows under PyTorch's ``padding_mode`` (``index``
    is the position's input index, negative before the input, ``≥ n`` after it); None for
    a zero. ``reflect`` mirrors without repeating the edge, ``replicate`` repeats the edge,
    ``circular`` wraps around.

    >>> [padding_source("reflect", j, 4) for j in (-2, -1, 4, 5)]
    [2, 1, 2, 1]
    >>> [padding_source("replicate", j, 4) for j in (-2, 5)]
    [0, 3]
    >>> [padding_source("circular", j, 4) for j in (-2, -1, 4, 5)]
    [2, 3, 0, 1]
    >>> padding_source("zeros", -1, 4) is None
    True
    """
    if 0 <= index < input_size:
        return index
    if mode == "reflect":
        return -index if index < 0 else 2 * (input_size - 1) - index
    if mode == "replicate":
        return min(max(index, 0), input_size - 1)
    if mode == "circular":
        return index % input_size
    return None


def transposed_output_size(
    input_size: int,
    kernel_size: int,
    stride: int = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int = 1,
    output_padding: int = 0,
) -> int:
    """Output size of a transposed convolution (PyTorch):
    ``(i − 1)·s − p_b − p_a + k_eff + output_padding``.

    >>> transposed_output_size(3, kernel_size=3, stride=2, padding=1, output_padding=1)
    6
    >>> transposed_output_size(9, kernel_size=3)
    11
    """
    before, after = (padding, padding) if isinstance(padding, int) else padding
    k_eff = effective_kernel(kernel_size, dilation)
    return (input_size - 1) * stride - before - after + k_eff + output_padding


def same_padding(
    input_size: int, kernel_size: int, stride: int = 1, dilation: int = 1, transposed: bool = False
) -> tuple[int, int, int]:
    """TensorFlow/Keras ``"same"`` as ``(before, after, output_padding)``.

    Direct: ``o = ceil(i / s)``, ``total = max((o − 1)·s + k_eff − i, 0)``, the odd
    cell goes after (bottom/right). Transposed (``output_padding`` not given):
    ``o = i·s``, ``total = k_eff − s`` cropped the same way, or, when negative,
    ``−total`` of output_padding.

    >>> same_padding(5, 3, stride=2)            # o = 3, total = 2
    (1, 1, 0)
    >>> same_padding(6, 3, stride=2)            # o = 3, total = 1: the extra cell after
    (0, 1, 0)
    >>> same_padding(2, 3, stride=2, transposed=True)  # the seed: 2×2 → 4×4
    (0, 1, 0)
    >>> same_padding(2, 1, stride=2, transposed=True)  # k_eff < s: grow instead of crop
    (0, 0, 1)
    """
    if transposed:
        return keras_transposed_padding("same", kernel_size, stride, dilation)
    k_eff = effective_kernel(kernel_size, dilation)
    out = -(-input_size // stride)
    total = max((out - 1) * stride + k_eff - input_size, 0)
    return total // 2, total - total // 2, 0


def keras_transposed_padding(
    name: str, kernel_size: int, stride: int, dilation: int = 1, output_padding: int | None = None
) -> tuple[int, int, int]:
    """Keras ``Conv*Transpose(padding=name, output_padding=…)`` in PyTorch's terms:
    ``(before, after)`` cropped from the full output ``F = (i − 1)·s + k_eff``, and the
    ``output_padding`` added after it. ``output_padding=None`` is "not given".

    - ``"valid"``, not given: nothing cropped, ``max(s − k_eff, 0)`` of output_padding,
      so ``o = i·s + max(k_eff − s, 0)``; given ``q``: ``o = F + q``.
    - ``"same"``, not given: ``total = k_eff − s`` (``o = i·s``); given ``q``:
      ``total = 2·floor(k_eff/2) − q``. ``before = floor(total/2)``, ``after = total − before``
      are cropped; a negative total crops nothing and is ``−total`` of output_padding.

    >>> keras_transposed_padding("valid", kernel_size=1, stride=2)  # i=8 → 16, PyTorch 15
    (0, 0, 1)
    >>> keras_transposed_padding("valid", kernel_size=4, stride=2, dilation=2, output_padding=1)
    (0, 0, 1)
    >>> keras_transposed_padding("same", kernel_size=2, stride=3, output_padding=1)  # i=4 → 10
    (0, 1, 0)
    >>> keras_transposed_padding("same", kernel_size=4, stride=1)  # i=2 → 2
    (1, 2, 0)
    >>> keras_transposed_padding("same", kernel_size=4, stride=1, output_padding=0)  # i=2 → 1
    (2, 2, 0)
    """
    k_eff = effective_kernel(kernel_size, dilation)
    if name == "valid":
        return 0, 0, max(stride - k_eff, 0) if output_padding is None else output_padding
    total = k_eff - stride if output_padding is None else 2 * (k_eff // 2) - output_padding
    if total < 0:
        return 0, 0, -total
    return total // 2, total - total // 2, 0


def resolve_named_padding(
    name: str,
    input_size: int,
    kernel_size: int,
    stride: int,
    dilation: int,
    transposed: bool,
    output_padding: int | None = None,
) -> tuple[int, int, int]:
    """``"valid"``, ``"same"``, ``"full"`` or ``"causal"`` as ``(before, after, output_padding)``.

    A transposed convolution takes ``"valid"`` and ``"same"`` as Keras defines them
    (``keras_transposed_padding``); ``output_padding`` is the one given, or None.

    >>> resolve_named_padding("full", 5, 3, 1, 1, False)
    (2, 2, 0)
    >>> resolve_named_padding("causal", 8, 2, 1, 4, False)
    (4, 0, 0)
    >>> resolve_named_padding("full", 5, 3, 1, 1, True)
    Traceback (most recent call last):
    ...
    app.arithmetic.errors.ConfigError: padding: padding_name_transposed {'name': 'full'}
    """
    if name not in PADDING_NAMES:
        raise ConfigError(
            "padding", "padding_unknown_name", name=name, names=", ".join(PADDING_NAMES)
        )
    if transposed:
        if name not in ("valid", "same"):
            raise ConfigError("padding", "padding_name_transposed", name=name)
        return keras_transposed_padding(name, kernel_size, stride, dilation, output_padding)
    if name == "valid":
        return 0, 0, 0
    if name == "same":
        return same_padding(input_size, kernel_size, stride, dilation)
    reach = dilation * (kernel_size - 1)
    return (reach, reach, 0) if name == "full" else (reach, 0, 0)


@dataclass(frozen=True)
class Axis:
    """One spatial dimension of a convolution, with everything the diagram needs.

    The *canvas* is the grid the kernel slides over with ``canvas_stride``:
    the padded input for a direct convolution; for a transposed one, the input
    with ``s − 1`` zeros inserted between cells and ``k_eff − 1 − p`` of padding
    on each side (negative: cropped), slid over with stride 1.

    >>> axis = Axis(input_size=5, kernel_size=3, stride=2, padding=(1, 1))
    >>> axis.output_size, axis.canvas_size, axis.canvas_origin, axis.canvas_step
    (3, 7, 1, 1)
    >>> t = Axis(input_size=3, kernel_size=3, stride=2, padding=(1, 1), output_padding=1,
    ...          transposed=True)
    >>> t.output_size, t.canvas_size, t.canvas_origin, t.canvas_step
    (6, 8, 1, 2)
    """

    input_size: int
    kernel_size: int
    stride: int = 1
    padding: tuple[int, int] = (0, 0)
    dilation: int = 1
    output_padding: int = 0
    transposed: bool = False
    padding_mode: str = "zeros"
    ceil_mode: bool = False

    @property
    def k_eff(self) -> int:
        return effective_kernel(self.kernel_size, self.dilation)

    @property
    def output_size(self) -> int:
        if self.ceil_mode:
            return ceil_output_size(
                self.input_size, self.kernel_size, self.stride, self.padding, self.dilation
            )
        if self.transposed:
            return transposed_output_size(
                self.input_size,
                self.kernel_size,
                self.stride,
                self.padding,
                self.dilation,
                self.output_padding,
            )
        return output_size(
            self.input_size, self.kernel_size, self.stride, self.padding, self.dilation
        )

    @property
    def canvas_origin(self) -> int:
        """Canvas coordinate of input index 0."""
        if self.transposed:
            return self.k_eff - 1 - self.padding[0]
        return self.padding[0]

    @property
    def canvas_step(self) -> int:
        """Canvas distance between neighbouring input cells (``s`` when zeros are inserted)."""
        return self.stride if self.transposed else 1

    @property
    def canvas_size(self) -> int:
        """Cells the window slides over. With ``ceil_mode`` the last window may hang past
        the padded input: the canvas grows to hold it (cells no pool counts).

        >>> Axis(input_size=6, kernel_size=3, stride=2, ceil_mode=True).canvas_size
        7
        """
        before, after = self.padding
        if self.transposed:
            grow_after = self.k_eff - 1 - after + self.output_padding
            return (self.input_size - 1) * self.stride + 1 + self.canvas_origin + grow_after
        padded = self.input_size + before + after
        if self.ceil_mode:
            return max(padded, (self.output_size - 1) * self.stride + self.k_eff)
        return padded

    @property
    def padded_size(self) -> int:
        """The padded input's extent on the canvas (direct): ``i + p_before + p_after``."""
        return self.input_size + sum(self.padding)

    def source(self, coord: int) -> int | None:
        """The input index canvas cell ``coord`` shows: its own, a copied one under a
        ``padding_mode``, or None for a zero (padding, an inserted zero, past the input).

        >>> a = Axis(input_size=3, kernel_size=3, padding=(2, 2), padding_mode="reflect")
        >>> [a.source(c) for c in range(a.canvas_size)]
        [2, 1, 0, 1, 2, 1, 0]
        >>> t = Axis(input_size=2, kernel_size=3, stride=2, transposed=True)
        >>> [t.source(c) for c in range(t.canvas_size)]
        [None, None, 0, None, 1, None, None]
        """
        offset = coord - self.canvas_origin
        if self.transposed:
            index, rest = divmod(offset, self.stride)
            return index if rest == 0 and 0 <= index < self.input_size else None
        if not 0 <= coord < self.padded_size:
            return None
        return padding_source(self.padding_mode, offset, self.input_size)

    @property
    def sources(self) -> list[int | None]:
        """``source`` of every canvas cell (SPEC.md's ``canvas.source`` for one dimension)."""
        return [self.source(c) for c in range(self.canvas_size)]

    @property
    def window_stride(self) -> int:
        """How far the window moves on the canvas per output cell."""
        return 1 if self.transposed else self.stride


def receptive_fields(
    kernel_sizes: list[int], strides: list[int], dilations: list[int]
) -> list[tuple[int, int]]:
    """``(receptive_field, jump)`` after each layer of a stack, on the stack's input:
    ``r = 1 + Σ_l d_l·(k_l − 1)·Π_{m<l} s_m``, jump ``Π s``.

    >>> [r for r, _ in receptive_fields([3, 3, 3, 3], [1, 1, 1, 1], [1, 2, 4, 8])]
    [3, 7, 15, 31]
    """
    field, jump, result = 1, 1, []
    for k, s, d in zip(kernel_sizes, strides, dilations, strict=True):
        field += d * (k - 1) * jump
        jump *= s
        result.append((field, jump))
    return result
