"""Server time of /api/trace, measured, never asserted.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/bench_trace.py``.

Times ``run_trace`` in-process (the route adds only JSON encoding) and the whole
HTTP answer through the ASGI app, median of repeated runs, for a range of sizes.
"""

import statistics
import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from app.main import create_app
from app.query import parse_query
from app.schemas import TraceRequest
from app.tracing import run_trace

CASES = [
    "input_size=5,5&kernel_size=3&stride=2&padding=1",
    "input_size=2,2&kernel_size=3&stride=2&padding=same&transposed=1&input=1,2;3,4&fill=ones",
    "input_size=32,32&kernel_size=3&padding=1&in_channels=3&out_channels=4",
    "input_size=64,64&kernel_size=3&padding=1",
    "input_size=64,64&kernel_size=5&padding=2&in_channels=2&out_channels=2",
    "input_size=512&kernel_size=15&in_channels=4&out_channels=8&padding=same",
]


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    client = TestClient(create_app())
    print(f"{'query':<92} {'steps':>6} {'taps':>8} {'engine ms':>10} {'http ms':>8} {'KiB':>7}")
    for query in CASES:
        params = dict(part.split("=", 1) for part in query.split("&"))
        fields, flat = parse_query(params)
        request = TraceRequest.model_validate(fields)
        body = run_trace(request, flat)
        taps = sum(len(s["taps"]) for s in body["steps"])
        repeat = 20 if taps < 100_000 else 5
        engine = median_ms(lambda: run_trace(request, flat), repeat)  # noqa: B023
        http = median_ms(lambda: client.get(f"/api/trace?{query}"), repeat)  # noqa: B023
        size = len(client.get(f"/api/trace?{query}").content) / 1024
        print(
            f"{query:<92} {len(body['steps']):>6} {taps:>8} "
            f"{engine:>10.2f} {http:>8.2f} {size:>7.0f}"
        )


if __name__ == "__main__":
    main()
