"""``convscope stack SOURCE -o page.html``: the offline stack explorer (``app.offline.stack_page``)
of a ``/stack`` share query, or of a file of PyTorch or Keras code, ``print(model)``'s text or
a Keras model's JSON, read as ``POST /api/stack/parse`` reads pasted code (never run)."""

import argparse
import sys
from pathlib import Path
from typing import Any

from app.layer.query import parse_int
from app.offline.stack_page import request_of, stack_page
from app.stack.build import StackRefusal
from app.stack.parse import parse_layers
from app.stack.schemas import StackRequest


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        help='a /stack share query or link (e.g. "input_size=64,64&in_channels=3&'
        'layer=conv,c8,k7,s2,p3&layer=maxpool,k3,s2,p1"), or a FILE of PyTorch or Keras code '
        "or print(model)'s text (read, never run)",
    )
    parser.add_argument("--input-size", help="the input's spatial size for code that does "
                        "not say it, e.g. 224,224")  # fmt: skip
    parser.add_argument("--in-channels", type=int, default=None,
                        help="the input's channels for code that does not say them")  # fmt: skip
    parser.add_argument("--lang", default=None, help="the page's language (en, bn, vi, hi)")
    parser.add_argument("--theme", choices=["light", "dark"], default="light")
    parser.add_argument("-o", "--output", help="FILE, or - for standard output (default: "
                        "the page's name, e.g. stack-3x64x64-9-layers.html)")  # fmt: skip


def _from_code(code: str, args: argparse.Namespace) -> tuple[StackRequest, dict[str, Any]]:
    parsed = parse_layers(code)
    size = parsed["input_size"]
    if args.input_size:
        size = [parse_int("input_size", part) for part in args.input_size.split(",")]
    if size is None:  # as the page does: a square input of the layers' dimensions
        size = [224] * (parsed["ndim"] or 2)
    channels = args.in_channels or parsed["in_channels"] or 3
    request = StackRequest.model_validate(
        {"input_size": size, "in_channels": channels, "layers": parsed["layers"]}
    )
    return request, {"head": parsed["head"], "branches": parsed["branches"]}


def run(args: argparse.Namespace) -> int:
    source = Path(args.source)
    left_out = None
    try:
        if "=" not in args.source and source.is_file():
            request, left_out = _from_code(source.read_text(encoding="utf-8"), args)
        else:
            request = request_of(args.source)
        page = stack_page(request, left_out=left_out, lang=args.lang or "en", theme=args.theme)
    except StackRefusal as exc:
        for entry in exc.detail():
            loc = ".".join(str(part) for part in entry["loc"][1:])
            print(f"convscope: {loc}: {entry['msg']}", file=sys.stderr)
        return 1
    body = page.html.encode()
    target = args.output or page.filename
    if target == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return 0
    Path(target).write_bytes(body)
    print(f"{target} ({len(body):,} bytes, {len(request.layers)} layers)", file=sys.stderr)
    return 0
