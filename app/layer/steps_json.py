"""A trace's per-step list written straight to JSON bytes, by numpy.

The largest allowed trace has 500,000 taps; as Python lists that is millions of small
objects and seconds of work, most of it the garbage collector's. Here each tap is a
row of a byte table (``[[c,iy,ix],[w0,w1,ky,kx]],``) with its numbers written as
digits into fixed-width slots, and the unused slot bytes are dropped in one pass; the
step headers are rows of a second table, and one join puts the pieces in order. The
result is the same JSON as ``json.dumps(steps(trace))`` without spaces
(``tests/test_steps_json.py`` checks this).
"""

import sys
from collections.abc import Sequence
from math import prod

import numpy as np
import orjson
from numpy.typing import NDArray

from app.arithmetic.trace import Trace, json_numbers, steps, tap_table

Bytes = NDArray[np.uint8]
IntArray = NDArray[np.int64]
FILLER = 0  # a byte that never occurs in JSON text: marks unused positions
SMALL = 256  # taps below which plain lists are quicker
WORD = 8  # bytes of text per table entry (a number with the literals around it)
Words = NDArray[np.uint64]


def _word(text: bytes) -> np.uint64:
    """Up to ``WORD`` bytes as one machine word, the rest ``FILLER``."""
    return np.uint64(int.from_bytes(text.ljust(WORD, bytes([FILLER])), sys.byteorder))


def number_words(largest: int, before: bytes, after: bytes) -> tuple[Words, IntArray]:
    """For each of ``0..largest``: ``before + digits + after`` as one word, and its length.

    >>> words, lengths = number_words(12, b"[", b",")
    >>> words[[0, 12]].view(np.uint8).reshape(2, WORD)[:, :4].tolist(), int(lengths[12])
    ([[91, 48, 44, 0], [91, 49, 50, 44]], 4)
    """
    texts = [before + str(v).encode() + after for v in range(largest + 1)]
    words = np.frombuffer(b"".join(t.ljust(WORD, bytes([FILLER])) for t in texts), np.uint64)
    return words, np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))


def rows(parts: Sequence[bytes | IntArray], count: int) -> tuple[Bytes, IntArray]:
    """``count`` rows of text, each the concatenation of ``parts`` (literal bytes, or one
    non-negative int per row), as one byte array and each row's length.

    Each number is written with the literals around it as one 8-byte word looked up in a
    table of every value it takes (literals too long to share a word get words of their
    own), the words of a row side by side, and the ``FILLER`` bytes dropped at the end.

    >>> text, lengths = rows([b"[", np.array([7, 10, 123]), b"]"], 3)
    >>> text.tobytes(), lengths.tolist()
    (b'[7][10][123]', [3, 4, 5])
    >>> rows([b'{"output":[', np.array([1024]), b'],"anchor":['], 1)[0].tobytes()
    b'{"output":[1024],"anchor":['
    """
    columns: list[Words] = []
    lengths = np.zeros(count, dtype=np.int64)

    def literal(text: bytes) -> None:
        for at in range(0, len(text), WORD):
            columns.append(np.full(count, _word(text[at : at + WORD]), dtype=np.uint64))
            lengths[:] += len(text[at : at + WORD])

    tokens: list[tuple[bytes, IntArray]] = []  # (literal before, numbers)
    pending = b""
    for part in parts:
        if isinstance(part, bytes):
            pending += part
        else:
            tokens.append((pending, part))
            pending = b""
    if not tokens:
        literal(pending)
    for j, (before, numbers) in enumerate(tokens):
        after = tokens[j + 1][0] if j + 1 < len(tokens) else pending
        before = before if j == 0 else b""  # later literals travel as the previous "after"
        largest = int(numbers.max()) if count else 0
        width = len(str(largest))
        if len(before) + width > WORD:
            literal(before)
            before = b""
        fits = after[: max(WORD - len(before) - width, 0)]
        words, sizes = number_words(largest, before, fits)
        columns.append(words[numbers])
        lengths += sizes[numbers]
        literal(after[len(fits) :])
    block = np.stack(columns, axis=1).view(np.uint8) if columns else np.zeros(0, np.uint8)
    text: Bytes = block[block != FILLER]
    return text, lengths


def steps_json(result: Trace, small: int = SMALL) -> bytes:
    """The JSON array of SPEC.md's steps: ``{"output","anchor","taps","value"}`` per output cell.

    A trace of fewer than ``small`` taps goes through plain lists (numpy's per-call cost
    is more than their work there); both ways give the same bytes.

    >>> from app.arithmetic.config import build_config
    >>> from app.arithmetic.trace import trace
    >>> c = build_config([3], kernel_size=2)
    >>> t = trace(c, np.array([[1.0, 2, 3]]), np.array([[[1.0, 1]]]))
    >>> steps_json(t, small=0).split(b"},")[0]
    b'[{"output":[0,0],"anchor":[0],"taps":[[[0,0],[0,0,0]],[[0,1],[0,0,1]]],"value":3'
    >>> steps_json(t, small=0) == steps_json(t)
    True
    """
    spatial = prod(len(a.kernel) for a in result.axes)
    if result.channel_taps[:, :, 0].size * spatial < small:
        return orjson.dumps(steps(result))
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
    heads = head[0].tobytes()
    head_ends = np.cumsum(head[1]).tolist()
    tap_bytes = tap_text.tobytes()
    # A step's taps end with the comma of its last tap, dropped (none when it has no tap).
    tap_ends = np.concatenate([[0], np.cumsum(tap_lengths)])[table.start].tolist()
    pieces = []
    for s in range(n_steps):
        first, last = tap_ends[s], tap_ends[s + 1]
        pieces += [
            heads[head_ends[s - 1] if s else 0 : head_ends[s]],
            tap_bytes[first : max(first, last - 1)],
            b'],"value":' + values[s] + b"},",
        ]
    return b"[" + b"".join(pieces)[:-1] + b"]"
