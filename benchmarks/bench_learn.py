"""Server time of the backward pass, pictures and /api/learn, measured, never asserted.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/bench_learn.py``.

Median CPU time (``time.process_time``) of repeated in-process runs and the size of each
answer: a trace with and without ``grad_output`` (what ``view=gradients`` adds), pictures
(``input=image:<name>``, ``steps=0``) up to ``max_picture_size``, and ``POST /api/learn``
from its defaults to every limit at once.
"""

import orjson

from app.layer.query import parse_query
from app.layer.schemas import TraceRequest
from app.layer.tracing import trace_json
from app.learning.schema import LearnRequest
from app.learning.service import run_learn
from benchmarks.bench_trace import median_ms  # the same timing as the trace bench

TRACES = [
    "input_size=64,64&kernel_size=3&padding=1",
    "input_size=64,64&kernel_size=3&padding=1&grad_output=random",
    "input_size=64,64&kernel_size=11&padding=5",
    "input_size=64,64&kernel_size=11&padding=5&grad_output=random",
    "input_size=128,128&input=image:astronaut&weight=-1,0,1;-2,0,2;-1,0,1&padding=1",
    "input_size=256,256&input=image:astronaut&weight=-1,0,1;-2,0,2;-1,0,1&padding=1",
    "input_size=256,256&in_channels=3&input=image:coffee&kernel_size=3&padding=1&fill=ones",
]
LEARNS = [
    {"task": "upsample2x"},
    {"task": "edges"},
    {"task": "upsample2x", "steps": 2000, "samples": 16, "size": 32},
    {"task": "kernel", "target_kernel": [[1.0] * 7] * 7, "steps": 2000, "samples": 16,
     "size": 32, "data": "image:chelsea"},
]  # fmt: skip


def main() -> None:
    print(f"{'trace (steps=0)':<92} {'ms':>8} {'KiB':>7}")
    for query in TRACES:
        fields, flat = parse_query(dict(part.split("=", 1) for part in query.split("&")))
        request = TraceRequest.model_validate({**fields, "steps": False})
        body = trace_json(request, flat)
        ms = median_ms(lambda: trace_json(request, flat), 7)  # noqa: B023
        print(f"{query[:92]:<92} {ms:>8.1f} {len(body) / 1024:>7.0f}")
    print(f"\n{'POST /api/learn':<92} {'ms':>8} {'KiB':>7}")
    for fields in LEARNS:
        learn = LearnRequest.model_validate(fields)
        body = orjson.dumps(run_learn(learn))
        ms = median_ms(lambda: orjson.dumps(run_learn(learn)), 5)  # noqa: B023
        text = ", ".join(f"{k}={v}" for k, v in fields.items() if k != "target_kernel")
        print(f"{text[:92]:<92} {ms:>8.1f} {len(body) / 1024:>7.0f}")


if __name__ == "__main__":
    main()
