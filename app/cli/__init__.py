"""The ``convscope`` command: ``serve``, ``trace``, ``render``, ``figures``, ``stack`` (``--help``
on each).

A refused field ends with exit code 1 and the API's own message naming it
(``convscope: stride: stride must be at least 1 (got 0)``); a bad command line with 2
(argparse); a file that cannot be written with 3.
"""

import argparse
import os
import sys
from collections.abc import Sequence

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app import __version__
from app.arithmetic.errors import ConfigError
from app.cli import render, serve, stack
from app.render import VIEWS

COMMANDS = ("serve", "trace", "render", "figures", "stack")
EXAMPLE = "input_size=5,5&kernel_size=3&stride=2&padding=1"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="convscope",
        description="Convolution arithmetic, cell by cell: serve the visualizer, or write a "
        "trace, a picture, an offline page or every figure of the guide from a share query.",
        epilog=f'example: convscope render "{EXAMPLE}" --format gif',
    )
    top.add_argument("--version", action="version", version=f"convscope {__version__}")
    commands = top.add_subparsers(dest="command", metavar="COMMAND")

    serve_parser = commands.add_parser(
        "serve", help="serve the web app (what python -m app does)",
        description="Serve ConvScope with uvicorn.",
    )  # fmt: skip
    serve.add_arguments(serve_parser)
    serve_parser.set_defaults(run=serve.run)

    query_help = f'a share query (or a whole link), e.g. "{EXAMPLE}"'
    trace_parser = commands.add_parser(
        "trace", help="print the trace of a query as JSON (GET /api/trace)",
        description="The trace of a share query as JSON, as GET /api/trace answers.",
    )  # fmt: skip
    trace_parser.add_argument("query", help=query_help)
    trace_parser.add_argument("--no-steps", action="store_true",
                              help="leave the per-step list out (steps=0)")  # fmt: skip
    trace_parser.add_argument("--indent", type=int, default=None, help="indent the JSON")
    trace_parser.add_argument("-o", "--output", help="write to FILE (default: standard output)")
    trace_parser.set_defaults(run=render.trace_command)

    render_parser = commands.add_parser(
        "render", help="write a picture (svg, png), the animation (gif) or the offline page (html)",
        description="One step of a view as SVG or PNG, every step as a GIF, or the offline "
        "page (one HTML file that works with no network), named like the page's downloads.",
    )  # fmt: skip
    render_parser.add_argument("query", help=query_help)
    render_parser.add_argument("--view", choices=list(VIEWS), default=None,
                               help="the view, as on the page (default canvas)")  # fmt: skip
    render_parser.add_argument(
        "--step", type=int, default=None,
        help='the step, counted from 1 as the page shows it ("Step 5 of 9" is 5)',
    )  # fmt: skip
    render_parser.add_argument("--format", choices=render.FORMATS, default="svg",
                               help="svg (default), png, gif or html")  # fmt: skip
    render_parser.add_argument("--fps", type=int, default=None, help="GIF frames a second")
    render_parser.add_argument("--theme", choices=["light", "dark"], default=None)
    render_parser.add_argument("--lang", default=None, help="the offline page's language")
    render_parser.add_argument("-o", "--output",
                               help="FILE, or - for standard output (default: the page's "
                               "download name, e.g. conv2d-5x5-k3-s2-p1.gif)")  # fmt: skip
    render_parser.set_defaults(run=render.render_command)

    figures_parser = commands.add_parser(
        "figures", help="write every preset and the guide's figures as GIF and SVG",
        description="Every preset of the page (the guide's fifteen figures first) as an "
        "animated GIF and an SVG of its last step, named like the page's downloads.",
    )  # fmt: skip
    figures_parser.add_argument("directory", help="folder to write into (created if missing)")
    figures_parser.add_argument("--fps", type=int, default=2, help="GIF frames a second")
    figures_parser.add_argument("--theme", choices=["light", "dark"], default="light")
    figures_parser.add_argument(
        "--jobs", type=int, default=min(4, os.cpu_count() or 1),
        help="figures drawn at once (default: the CPUs, at most 4)",
    )  # fmt: skip
    figures_parser.set_defaults(run=render.figures_command)

    stack_parser = commands.add_parser(
        "stack", help="write the stack explorer of a /stack query or a model's code, offline",
        description="The stack explorer (shapes, params, multiply-adds, receptive fields) of "
        "a /stack share query or of a file of PyTorch/Keras code, as one HTML file that works "
        "with no network.",
    )  # fmt: skip
    stack.add_arguments(stack_parser)
    stack_parser.set_defaults(run=stack.run)
    return top


def _refused(detail: list[dict[str, object]]) -> int:
    for entry in detail:
        loc = [str(part) for part in entry["loc"][1:]] or ["query"]  # type: ignore[index]
        print(f"convscope: {'.'.join(loc)}: {entry['msg']}", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; ``python -m app`` with no command (or only serve's flags) serves."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-")
                         and args_list[0] not in ("-h", "--help", "--version")):  # fmt: skip
        args_list = ["serve", *args_list]
    top = parser()
    args = top.parse_args(args_list)
    if args.command is None:
        top.print_help()
        return 2
    from app.api.errors import friendly, item

    try:
        code: int = args.run(args)
        return code
    except ConfigError as exc:
        return _refused([item(["query", exc.field], exc.type, **exc.ctx)])
    except (RequestValidationError, ValidationError) as exc:
        return _refused(friendly([dict(e) for e in exc.errors()]))
    except OSError as exc:
        print(f"convscope: {exc}", file=sys.stderr)
        return 3
