"""Server time of /api/stack and /api/stack/parse, measured, never asserted.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/bench_stack.py``.

Times ``run_stack`` and ``parse_layers`` in-process (checking, resolving, describing,
exporting code: everything but HTTP): the first (cold: window tables not cached) and the
median CPU time of repeated runs, for a ResNet-50-like chain of 50 layers on 224×224 and
the stack limits all at once (256 layers, 4096 channels, a 4096×4096 input), each without
and with a probed cell (its field after every layer). Then ``parse_layers`` on the published
models of ``tests/stack/data`` and on the hostile inputs of ``tests/stack/test_hostile.py``
(each refused: how long a refusal takes).
"""

import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.arithmetic.stack import windows
from app.limits import LIMITS
from app.stack.build import StackRefusal, run_stack
from app.stack.parse import parse_layers
from app.stack.schemas import StackRequest


def resnet50_chain() -> list[dict[str, Any]]:
    """ResNet-50's main path: the stem, then 16 bottlenecks (1×1, 3×3, 1×1)."""
    layers: list[dict[str, Any]] = [
        {"kernel_size": 7, "stride": 2, "padding": 3, "out_channels": 64},
        {"op": "max_pool", "kernel_size": 3, "stride": 2, "padding": 1},
    ]
    for stage, (blocks, width) in enumerate([(3, 64), (4, 128), (6, 256), (3, 512)]):
        for block in range(blocks):
            stride = 2 if block == 0 and stage > 0 else 1
            layers += [
                {"kernel_size": 1, "out_channels": width},
                {"kernel_size": 3, "stride": stride, "padding": 1, "out_channels": width},
                {"kernel_size": 1, "out_channels": width * 4},
            ]
    return layers


def cpu_ms(run: Callable[[], object], repeat: int = 7) -> tuple[float, float]:
    """(first run, median of the next ``repeat``) in CPU milliseconds."""
    times = []
    for _ in range(repeat + 1):
        start = time.process_time()
        run()
        times.append((time.process_time() - start) * 1000)
    return times[0], statistics.median(times[1:])


def main() -> None:
    chain = resnet50_chain()
    biggest = [{"kernel_size": 3, "padding": 1, "out_channels": 4096}] * LIMITS.max_stack_layers
    cases = {
        f"ResNet-50 chain ({len(chain)} layers, 224×224)": ([224, 224], 3, chain, [3, 3]),
        f"limits ({LIMITS.max_stack_layers} layers, 4096 ch, 4096×4096)": (
            [4096, 4096],
            4096,
            biggest,
            [2048, 2048],
        ),
    }
    print("| case | probe | first ms | median ms |")
    print("|---|---|---|---|")
    for name, (size, channels, layers, cell) in cases.items():
        for probed in (False, True):
            body: dict[str, Any] = {"input_size": size, "in_channels": channels, "layers": layers}
            if probed:
                body["probe"] = {"layer": len(layers) - 1, "index": cell}
            request = StackRequest.model_validate(body)
            windows.cache_clear()
            first, median = cpu_ms(lambda request=request: run_stack(request))
            print(f"| {name} | {'yes' if probed else 'no'} | {first:.1f} | {median:.1f} |")
    code = (
        "nn.Sequential(\n" + "    nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(inplace=True),\n" * 128
    )
    code += ")\n"
    first, median = cpu_ms(lambda: parse_layers(code))
    print(
        f"| parse: 128 layers + 128 ReLU ({len(code):,} chars) | — | {first:.1f} | {median:.1f} |"
    )
    parse_published()
    offline_pages(chain, biggest)


def resnet18_chain() -> list[dict[str, Any]]:
    """ResNet-18's main path: the stem, then 4 stages of two blocks of two 3×3 convs."""
    layers: list[dict[str, Any]] = [
        {"kernel_size": 7, "stride": 2, "padding": 3, "out_channels": 64},
        {"op": "max_pool", "kernel_size": 3, "stride": 2, "padding": 1},
    ]
    for stage, width in enumerate([64, 128, 256, 512]):
        for conv in range(4):
            stride = 2 if conv == 0 and stage > 0 else 1
            layers.append({"kernel_size": 3, "stride": stride, "padding": 1, "out_channels": width})
    return layers


def offline_pages(resnet50: list[dict[str, Any]], biggest: list[dict[str, Any]]) -> None:
    """The offline stack page (``app.offline.stack_page``): CPU ms to build it, its bytes,
    and whether every cell's field is inline or only each layer's centre."""
    from app.offline.stack_page import growth_steps, stack_page
    from app.stack.build import resolve

    small = resnet18_chain()[:2] + [
        {"kernel_size": 3, "padding": 1, "out_channels": 8, "stride": s} for s in (1, 1, 2, 1, 1, 1)
    ]
    cases = {
        "8 layers, 64×64": ([64, 64], small),
        "ResNet-18 chain (18 layers, 224×224)": ([224, 224], resnet18_chain()),
        f"ResNet-50 chain ({len(resnet50)} layers, 224×224)": ([224, 224], resnet50),
        f"limits ({len(biggest)} layers, 4096×4096)": ([4096, 4096], biggest),
    }
    print("\n| offline stack page | growth entries | fields of | first ms | median ms | bytes |")
    print("|---|---|---|---|---|---|")
    for name, (size, layers) in cases.items():
        request = StackRequest.model_validate(
            {"input_size": size, "in_channels": 3, "layers": layers}
        )
        steps = growth_steps(resolve(request))
        windows.cache_clear()
        first, median = cpu_ms(lambda request=request: stack_page(request), repeat=2)
        page = stack_page(request)
        every = page.html.count('"growth":null') == 0
        print(f"| {name} | {steps:,} | {'every cell' if every else 'centres'} | {first:.0f} "
              f"| {median:.0f} | {len(page.html.encode()):,} |")  # fmt: skip


def parse_published() -> None:
    """Published models read, hostile inputs refused: CPU ms of ``parse_layers`` each."""
    from tests.stack.test_hostile import CASES

    data = Path(__file__).resolve().parent.parent / "tests" / "stack" / "data"
    print("\n| parse | chars | first ms | median ms | answer |")
    print("|---|---|---|---|---|")
    cases = [(path.name, path.read_text(encoding="utf-8")) for path in sorted(data.glob("*.txt"))]
    cases += [(f"hostile {i}", code.replace("{path}", "/nonexistent/pwned"))
              for i, (code, _, _) in enumerate(CASES)]  # fmt: skip
    for name, code in cases:
        answer = "read"

        def run(code: str = code) -> None:
            nonlocal answer
            try:
                parse_layers(code)
            except StackRefusal as exc:
                answer = exc.type

        first, median = cpu_ms(run, repeat=5)
        print(f"| {name} | {len(code):,} | {first:.1f} | {median:.1f} | {answer} |")


if __name__ == "__main__":
    main()
