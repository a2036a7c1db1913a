"""What a picture of the canvas needs from the geometry beyond the trace's real taps: what
each canvas cell holds and where every kernel cell of a window sits, padding and inserted
zeros included. Pure functions of ``Axis``; pictures only read them.

The canvas is SPEC.md's ("API contract", ``canvas``): input index ``i`` sits at
``origin + i·step``; a canvas cell between two input cells is an inserted zero, one outside
the input's span is padding.
"""

from typing import Literal

from app.arithmetic.geometry import Axis

CellKind = Literal["input", "zero", "padding"]


def canvas_cell(axis: Axis, coord: int) -> tuple[CellKind, int | None]:
    """What canvas coordinate ``coord`` holds along ``axis``: ``("input", i)``, an inserted
    ``("zero", None)`` or ``("padding", None)``.

    The seed's transposed layer (i=2, k=3, s=2, ``"same"`` crops 0 before, 1 after): origin 2,
    step 2, canvas 6.

    >>> seed = Axis(input_size=2, kernel_size=3, stride=2, padding=(0, 1), transposed=True)
    >>> [canvas_cell(seed, c) for c in range(seed.canvas_size)]  # doctest: +NORMALIZE_WHITESPACE
    [('padding', None), ('padding', None), ('input', 0), ('zero', None), ('input', 1),
     ('padding', None)]
    """
    offset = coord - axis.canvas_origin
    if not 0 <= offset <= (axis.input_size - 1) * axis.canvas_step:
        return "padding", None
    index, rest = divmod(offset, axis.canvas_step)
    return ("input", index) if rest == 0 else ("zero", None)


def combine(kinds: list[CellKind]) -> CellKind:
    """A cell of several axes: input when every axis lands on an input index, padding when
    any axis is outside the input's span, otherwise an inserted zero.

    >>> combine(["input", "input"]), combine(["input", "zero"]), combine(["zero", "padding"])
    ('input', 'zero', 'padding')
    """
    if "padding" in kinds:
        return "padding"
    return "zero" if "zero" in kinds else "input"


def window(axis: Axis, out_index: int) -> list[tuple[int, int]]:
    """``(kernel_index, canvas_coord)`` of every kernel cell of output ``out_index``, in kernel
    order, padding and inserted zeros included. A transposed kernel is rotated by 180° on the
    canvas: kernel index ``k`` covers ``anchor + d·(K − 1 − k)``.

    >>> window(Axis(input_size=5, kernel_size=3, stride=2, padding=(1, 1)), 1)
    [(0, 2), (1, 3), (2, 4)]
    >>> window(Axis(input_size=2, kernel_size=3, stride=2, transposed=True), 0)
    [(0, 2), (1, 1), (2, 0)]
    >>> window(Axis(input_size=9, kernel_size=3, dilation=4), 0)
    [(0, 0), (1, 4), (2, 8)]
    """
    anchor = out_index * axis.window_stride
    k = axis.kernel_size
    return [(i, anchor + axis.dilation * (k - 1 - i if axis.transposed else i)) for i in range(k)]


UnusedReason = Literal["floor", "dilation", "stride"]


def unused_reason(axis: Axis, index: int) -> UnusedReason:
    """Why no window reads input ``index`` along ``axis``: ``floor``, it lies past the last
    window (the output size was rounded down); ``dilation``, a window spans it but its dilated
    taps land around it; ``stride``, it lies between two windows.

    >>> unused_reason(Axis(input_size=6, kernel_size=3, stride=2), 5)  # SPEC: o = 2
    'floor'
    >>> unused_reason(Axis(input_size=9, kernel_size=3, dilation=4), 1)
    'dilation'
    >>> a = Axis(input_size=7, kernel_size=2, stride=3)  # windows over 0–1 and 3–4
    >>> [(i, unused_reason(a, i)) for i in (2, 5, 6)]
    [(2, 'stride'), (5, 'floor'), (6, 'floor')]
    """
    coord = axis.canvas_origin + index * axis.canvas_step
    span = axis.dilation * (axis.kernel_size - 1)
    anchors = [o * axis.window_stride for o in range(axis.output_size)]
    if coord > anchors[-1] + span:
        return "floor"
    if any(a <= coord <= a + span for a in anchors):
        return "dilation"
    return "stride"
