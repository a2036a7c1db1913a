"""A trace's per-step list written straight to JSON bytes, by numpy.

The largest allowed trace has 500,000 taps; as Python lists that is millions of small
objects and seconds of work, most of it the garbage collector's. Here each tap is a
row of a byte table (``[[c,iy,ix],[w0,w1,ky,kx]],``) with its numbers written as
digits into fixed-width slots, and the unused slot bytes are dropped in one pass; the
step headers are rows of a second table, and one gather puts the pieces in order. The
result is the same JSON as ``json.dumps(steps(trace))`` without spaces
(``tests/test_steps_json.py`` checks this).
"""

from collections.abc import Sequence

import numpy as np
import orjson
from numpy.typing import NDArray

from app.arithmetic.trace import Trace, json_numbers, tap_table

Bytes = NDArray[np.uint8]
IntArray = NDArray[np.int64]
FILLER = 0  # a byte that never occurs in JSON text: marks unused slot positions


def rows(parts: Sequence[bytes | IntArray], count: int) -> tuple[Bytes, IntArray]:
    """``count`` rows of text, each the concatenation of ``parts`` (literal bytes, or one
    non-negative int per row), as one byte array and each row's length.

    >>> text, lengths = rows([b"[", np.array([7, 10, 123]), b"]"], 3)
    >>> text.tobytes(), lengths.tolist()
    (b'[7][10][123]', [3, 4, 5])
    """
    widths = [
        len(p) if isinstance(p, bytes) else len(str(int(p.max()))) if count else 1 for p in parts
    ]
    table = np.full((count, sum(widths)), FILLER, dtype=np.uint8)
    at = 0
    for part, width in zip(parts, widths, strict=True):
        if isinstance(part, bytes):
            table[:, at : at + width] = np.frombuffer(part, dtype=np.uint8)
        else:
            powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
            column = part.astype(np.int64)[:, None]
            digits = (column // powers % 10 + ord("0")).astype(np.uint8)
            digits[(column < powers) & (powers > 1)] = FILLER  # no leading zeros
            table[:, at : at + width] = digits
        at += width
    kept = table != FILLER
    return table[kept], kept.sum(axis=1)


def gather(sources: Sequence[tuple[Bytes, IntArray]]) -> Bytes:
    """Interleave row ``s`` of every source, for each ``s`` in turn: ``a0 b0 c0 a1 b1 c1 …``.

    >>> a, b = rows([b"<", np.array([1, 2])], 2), rows([np.array([30, 4]), b">"], 2)
    >>> gather([a, b]).tobytes()
    b'<130><24>'
    """
    buffer = np.concatenate([text for text, _ in sources])
    base = np.cumsum([0] + [text.size for text, _ in sources[:-1]])
    lengths = np.stack([length for _, length in sources], axis=1).ravel()  # row, then source
    starts = np.stack(
        [b + np.cumsum(length) - length for b, (_, length) in zip(base, sources, strict=True)],
        axis=1,
    ).ravel()
    out_starts = np.cumsum(lengths) - lengths
    index = np.repeat(starts - out_starts, lengths) + np.arange(int(lengths.sum()))
    gathered: Bytes = buffer[index]
    return gathered


def steps_json(result: Trace) -> bytes:
    """The JSON array of SPEC.md's steps: ``{"output","anchor","taps","value"}`` per output cell.

    >>> from app.arithmetic.config import build_config
    >>> from app.arithmetic.trace import trace
    >>> c = build_config([3], kernel_size=2)
    >>> steps_json(trace(c, np.array([[1.0, 2, 3]]), np.array([[[1.0, 1]]]))).split(b"},")[0]
    b'[{"output":[0,0],"anchor":[0],"taps":[[[0,0],[0,0,0]],[[0,1],[0,0,1]]],"value":3'
    """
    config = result.config
    table = tap_table(result)
    n_steps = table.start.size - 1
    taps = len(table.step)

    def separated(columns: IntArray) -> list[bytes | IntArray]:
        parts: list[bytes | IntArray] = []
        for i, column in enumerate(columns):
            parts += [b"," if i else b"", column]
        return [p for p in parts if not isinstance(p, bytes) or p]

    tap_text, tap_lengths = rows(
        [b"[[", *separated(table.input), b"],[", *separated(table.weight), b"]],"], taps
    )
    # Each step's taps as one piece, its last comma dropped.
    ends = np.concatenate([[0], np.cumsum(tap_lengths)])[table.start]
    per_step = np.diff(ends)
    keep = np.ones(tap_text.size, dtype=bool)
    keep[ends[1:][per_step > 0] - 1] = False
    tap_rows = (tap_text[keep], np.maximum(per_step - 1, 0))

    cells = np.unravel_index(np.arange(n_steps), config.output_shape)
    anchors = [a.anchor[p] for a, p in zip(result.axes, cells[1:], strict=True)]
    head = rows(
        [
            b'{"output":[',
            *separated(np.stack(cells)),
            b'],"anchor":[',
            *separated(np.stack(anchors)),
            b'],"taps":[',
        ],
        n_steps,
    )
    values = orjson.dumps(json_numbers(result.output.ravel()))[1:-1].split(b",")
    tails = [b'],"value":' + v + b"}," for v in values]
    tail = (
        np.frombuffer(b"".join(tails), dtype=np.uint8),
        np.fromiter(map(len, tails), dtype=np.int64, count=n_steps),
    )
    text = gather([head, tap_rows, tail])
    return b"[" + text[:-1].tobytes() + b"]"
