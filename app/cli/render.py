"""``convscope trace``, ``convscope render`` and ``convscope figures``: the API's answers and
pictures as files, through the very functions the routes call (``app.layer.tracing``,
``app.api.render``, ``app.offline``), so a file and a download are the same bytes."""

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import TextIO
from urllib.parse import parse_qsl

from app.api.render import DRAW, picture
from app.arithmetic.errors import ConfigError
from app.i18n.messages import t
from app.layer.query import Pairs, request_from_query
from app.layer.tracing import config_of, run_trace
from app.offline import offline_from_query
from app.render import step_count
from app.web.paths import STATIC_DIR

FORMATS = ("svg", "png", "gif", "html")


def pairs_of(query: str) -> list[tuple[str, str]]:
    """A share query (a whole link is fine: ``http://…/?input_size=5``) as parameters."""
    return parse_qsl(query.split("?", 1)[-1] if "?" in query else query, keep_blank_values=True)


def trace_command(args: argparse.Namespace) -> int:
    params = [*pairs_of(args.query)]
    request, flat = request_from_query(params)
    body = run_trace(request.model_copy(update={"steps": not args.no_steps}), flat)
    text = json.dumps(body, indent=args.indent, ensure_ascii=False)
    _write(args.output, text.encode() + b"\n")
    return 0


def draw(fmt: str, pairs: Pairs) -> tuple[bytes, str]:
    """The file of a query in ``fmt`` and the name the server would give it."""
    if fmt == "html":
        page = offline_from_query(pairs)
        return page.html.encode(), page.filename
    return picture(DRAW[fmt], pairs)


def render_command(args: argparse.Namespace) -> int:
    pairs = pairs_of(args.query)
    own = {"view": args.view, "step": args.step, "fps": args.fps, "theme": args.theme}
    if args.format == "gif":
        own.pop("step")
    else:
        own.pop("fps")
    if args.format == "html":
        own["lang"] = args.lang
    else:
        own.pop("lang", None)
    given = {name for name, _ in pairs}
    pairs += [(name, str(value)) for name, value in own.items()
              if value is not None and name not in given]  # fmt: skip
    body, name = draw(args.format, pairs)
    target = args.output or name
    _write(target, body)
    if target != "-":
        print(f"{target} ({len(body):,} bytes)", file=sys.stderr)
    return 0


def _write(target: str | None, body: bytes) -> None:
    if target in (None, "-"):
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
    else:
        Path(target).write_bytes(body)


def presets() -> Iterator[dict[str, str]]:
    """Every preset of the one-layer page (``static/presets/layer.json``), the guide's
    figures first, as the page lists them."""
    data = json.loads((STATIC_DIR / "presets" / "layer.json").read_text(encoding="utf-8"))
    for group in data["groups"]:
        yield from group["items"]


def progress(done: int, total: int, label: str, stream: TextIO | None = None) -> None:
    """``[#######-----]  7/49 name``: one line redrawn on a terminal, one line each otherwise."""
    out = stream or sys.stderr
    width = 24
    bar = "#" * (width * done // max(total, 1))
    line = f"[{bar:<{width}}] {done:>{len(str(total))}}/{total} {label}"
    tty = getattr(out, "isatty", lambda: False)()
    print(("\r\033[K" if tty else "") + line, end="" if tty and done < total else "\n", file=out)


def figure(item: dict[str, str], folder: Path, fps: int, theme: str) -> tuple[list[str], list[str]]:
    """One preset's GIF and last-step SVG written into ``folder``: (names written, refusals)."""
    pairs = pairs_of(item["query"])
    view = item.get("view")
    if view:
        pairs.append(("view", view))
    request, _ = request_from_query([(k, v) for k, v in pairs if k != "view"])
    last = step_count(config_of(request), view or "canvas")  # counted from 1, as on the page
    written, skipped = [], []
    for fmt, extra in (("gif", [("fps", str(fps))]), ("svg", [("step", str(last))])):
        try:
            body, name = draw(fmt, [*pairs, *extra, ("theme", theme)])
        except ConfigError as exc:  # a figure too long for a GIF: said, not hidden
            skipped.append(f"{item['id']} ({fmt}): {t(exc.type, **exc.ctx)}")
            continue
        (folder / name).write_bytes(body)
        written.append(name)
    return written, skipped


def figures_command(
    args: argparse.Namespace, report: Callable[[int, int, str], None] = progress
) -> int:
    """A GIF of every preset (its view, every step) and an SVG of its last step, drawn by
    ``--jobs`` processes at once."""
    folder = Path(args.directory)
    folder.mkdir(parents=True, exist_ok=True)
    items = list(presets())
    written: set[str] = set()
    skipped: list[str] = []
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(figure, item, folder, args.fps, args.theme): item for item in items}
        for done, future in enumerate(as_completed(futures), 1):
            names, refused = future.result()
            written.update(names)
            skipped.extend(refused)
            report(done, len(items), futures[future]["id"])
    for line in sorted(skipped):
        print(f"convscope: skipped {line}", file=sys.stderr)
    print(f"{len(written)} files in {folder}", file=sys.stderr)
    return 0
