"""Server time of /api/trace, measured, never asserted.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/bench_trace.py``.

Times ``trace_json`` in-process (checking, computing and encoding: everything but HTTP)
with the full per-step list and with ``steps=false`` (what the page asks for): median CPU
time of repeated runs (CPU, not wall-clock, so a busy machine does not blur it; the engine
runs on one thread), and the size of each answer, raw and gzipped.
"""

import gzip
import statistics
import time
from collections.abc import Callable

from app.arithmetic.trace import count_taps
from app.layer.query import parse_query
from app.layer.schemas import TraceRequest
from app.layer.tracing import config_of, encode, run_im2col, run_matrix, trace_json

CASES = [
    "input_size=5,5&kernel_size=3&stride=2&padding=1",
    "input_size=2,2&kernel_size=3&stride=2&padding=same&transposed=1&input=1,2;3,4&fill=ones",
    "input_size=32,32&kernel_size=3&padding=1&in_channels=3&out_channels=4",
    "input_size=64,64&kernel_size=3&padding=1",
    "input_size=64,64&kernel_size=5&padding=2&in_channels=2&out_channels=2",
    "input_size=512&kernel_size=15&in_channels=4&out_channels=8&padding=same",
    "input_size=64,64&kernel_size=11&padding=5",
    # issue 20: padding modes, 3-D at its limits, pooling options
    "input_size=64,64&kernel_size=5&padding=2&padding_mode=reflect",
    "input_size=16,16,16&kernel_size=3&padding=1",
    "input_size=16,16,16&kernel_size=3&padding=1&in_channels=2&out_channels=2&padding_mode=circular",
    "input_size=8,8,8&kernel_size=3&stride=2&padding=1&transposed=1&output_padding=1",
    "input_size=63,63&kernel_size=2&stride=2&op=avg_pool&ceil_mode=1&count_include_pad=0",
    # the backward pass: g given (ones) against g from a target (F.mse_loss); divisor_override
    "input_size=64,64&kernel_size=11&padding=5&grad_output=ones",
    "input_size=64,64&kernel_size=11&padding=5&grad_output=mse&target=random",
    "input_size=63,63&kernel_size=3&stride=2&padding=1&op=avg_pool&divisor_override=4",
]
# /api/im2col (dense matrices: small sizes only, max_matrix_entries)
IM2COL_CASES = [
    "input_size=4,4&kernel_size=3",
    "input_size=32,32&kernel_size=3&padding=1&in_channels=3&out_channels=4",
    "input_size=16,16&kernel_size=4&stride=2&padding=1&transposed=1&in_channels=4&out_channels=2",
]
# /api/matrix (dense C: small sizes only, max_matrix_entries), 2-D and 3-D
MATRIX_CASES = [
    "input_size=5,5&kernel_size=3&stride=2&padding=1",
    "input_size=4,4,4&kernel_size=3&padding=1",
    "input_size=6,6,6&kernel_size=2&in_channels=2",
    "input_size=4,4,4&kernel_size=3&stride=2&padding=1&transposed=1&output_padding=1",
]


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    print(
        f"{'query':<78} {'taps':>7} {'full ms':>8} {'KiB':>6} {'gz KiB':>6}"
        f" {'compact ms':>10} {'KiB':>5} {'gz KiB':>6}"
    )
    for query in CASES:
        params = dict(part.split("=", 1) for part in query.split("&"))
        fields, flat = parse_query(params)
        full = TraceRequest.model_validate(fields)
        compact = full.model_copy(update={"steps": False})
        taps = count_taps(config_of(full))
        repeat = 20 if taps < 100_000 else 7
        row = f"{query[:78]:<78} {taps:>7}"
        for request in (full, compact):
            body = trace_json(request, flat)
            ms = median_ms(lambda: trace_json(request, flat), repeat)  # noqa: B023
            zipped = len(gzip.compress(body, 6))
            row += f" {ms:>8.2f} {len(body) / 1024:>6.0f} {zipped / 1024:>6.0f}"
        print(row)
    print(f"\n{'im2col query':<78} {'ms':>8} {'KiB':>6}")
    for query in IM2COL_CASES:
        params = dict(part.split("=", 1) for part in query.split("&"))
        fields, flat = parse_query(params)
        request = TraceRequest.model_validate(fields)
        size = len(encode(run_im2col(request, flat)))
        ms = median_ms(lambda: run_im2col(request, flat), 10)  # noqa: B023
        print(f"{query[:78]:<78} {ms:>8.2f} {size / 1024:>6.0f}")
    print(f"\n{'matrix query':<78} {'entries':>7} {'ms':>8} {'KiB':>6}")
    for query in MATRIX_CASES:
        params = dict(part.split("=", 1) for part in query.split("&"))
        fields, flat = parse_query(params)
        request = TraceRequest.model_validate(fields)
        body = run_matrix(request, flat)
        entries = len(body["matrix"]) * len(body["matrix"][0])
        ms = median_ms(lambda: run_matrix(request, flat), 10)  # noqa: B023
        print(f"{query[:78]:<78} {entries:>7} {ms:>8.2f} {len(encode(body)) / 1024:>6.0f}")


if __name__ == "__main__":
    main()
