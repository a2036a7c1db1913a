"""Server time of pictures (``/api/render.{svg,png,gif}``), measured, never asserted.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/bench_render.py``, or as the ``pictures``
part of ``scripts/bench``.

Median CPU time (``time.process_time``) of the very function a route calls
(``app.api.render.DRAW``: check, trace, lay out, draw, encode) for each view a picture has:
the classic 2-D canvas, im2col, the gradients view, the picture view of a shipped photograph, and
3-D layers as depth slices (the largest 3-D input, 16³, included), as SVG, PNG and GIF.
"""

from urllib.parse import parse_qsl

from app.api.render import DRAW, picture
from benchmarks.bench_trace import median_ms  # the same timing as the trace bench

GRADIENTS = "input_size=5,5&stride=2&padding=1&view=gradients"
PICTURES = [
    ("canvas 5×5 k3 s2 p1, step 5", "svg", "input_size=5,5&stride=2&padding=1&step=5"),
    ("canvas 5×5 k3 s2 p1, step 5", "png", "input_size=5,5&stride=2&padding=1&step=5"),
    ("canvas 5×5 k3 s2 p1, 9 steps", "gif", "input_size=5,5&stride=2&padding=1"),
    ("im2col 5×5 k3 s2 p1, step 5", "png", "input_size=5,5&stride=2&padding=1&view=im2col&step=5"),
    ("gradients 5×5 k3 s2 p1, step 30", "svg", f"{GRADIENTS}&step=30"),
    ("gradients 5×5 k3 s2 p1, step 30", "png", f"{GRADIENTS}&step=30"),
    ("gradients 5×5 k3 s2 p1, 34 steps", "gif", "input_size=5,5&stride=2&padding=1&view=gradients"),
    ("gradients 16×16 k3 p1, 2→2 channels, step 300", "png",
     "input_size=16,16&padding=1&in_channels=2&out_channels=2&view=gradients&step=300"),
    ("picture, astronaut 128² Sobel", "svg",
     "input_size=128,128&input=image:astronaut&weight=-1,0,1;-2,0,2;-1,0,1&padding=1&view=picture"),
    ("picture, astronaut 128² Sobel", "png",
     "input_size=128,128&input=image:astronaut&weight=-1,0,1;-2,0,2;-1,0,1&padding=1&view=picture"),
    ("picture, astronaut 128² Sobel (1 frame)", "gif",
     "input_size=128,128&input=image:astronaut&weight=-1,0,1;-2,0,2;-1,0,1&padding=1&view=picture"),
    ("picture, coffee 256² RGB 3×3 blur", "png",
     "input_size=256,256&in_channels=3&input=image:coffee&kernel_size=3&padding=1&fill=ones"
     "&view=picture"),
    ("Conv3d 4×6×6 k3 s2 p1, step 5", "svg", "input_size=4,6,6&stride=2&padding=1&step=5"),
    ("Conv3d 4×6×6 k3 s2 p1, step 5", "png", "input_size=4,6,6&stride=2&padding=1&step=5"),
    ("Conv3d 4×6×6 k3 s2 p1, 18 steps", "gif", "input_size=4,6,6&stride=2&padding=1"),
    ("ConvTranspose3d 3×3×3 k3 s2, step 40", "png",
     "input_size=3,3,3&stride=2&transposed=1&step=40"),
    ("MaxPool3d 2×8×8×8 k2 s2, 128 steps", "gif",
     "input_size=8,8,8&in_channels=2&kernel_size=2&stride=2&op=max_pool"),
    ("Conv3d 16³ k3 p1 (largest input), step 1", "png", "input_size=16,16,16&padding=1"),
    ("Conv3d 8³ k3 s2 p1, 64 steps", "gif", "input_size=8,8,8&stride=2&padding=1"),
]  # fmt: skip


def measure(repeat: int = 5) -> list[tuple[str, str, float, int]]:
    """``(name, format, median ms, bytes)`` of each picture."""
    rows = []
    for name, fmt, query in PICTURES:
        pairs = parse_qsl(query)
        body, _ = picture(DRAW[fmt], pairs)
        ms = median_ms(lambda: picture(DRAW[fmt], pairs), repeat)  # noqa: B023
        rows.append((name, fmt, ms, len(body)))
    return rows


def main() -> None:
    print(f"{'picture':<52} {'format':>6} {'ms':>8} {'KiB':>7}")
    for name, fmt, ms, size in measure():
        print(f"{name:<52} {fmt:>6} {ms:>8.1f} {size / 1024:>7.0f}")


if __name__ == "__main__":
    main()
