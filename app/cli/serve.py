"""``convscope serve`` (and ``python -m app``): serve ConvScope with uvicorn.

As deployed: uvloop and httptools (``uvicorn[standard]``), no access log (it costs
a sixth of the throughput; ``--access-log`` turns it on), ``--workers N`` processes
sharing the port (the app keeps no state between requests but its caches).
``CONVSCOPE_PUBLIC_URL`` defaults to the address served, ``http://HOST:PORT``.
"""

import argparse
import os


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to bind (default 8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.add_argument(
        "--public-url",
        help="the URL people reach the app at, for absolute links "
        "(default $CONVSCOPE_PUBLIC_URL, else http://HOST:PORT)",
    )
    parser.add_argument("--reload", action="store_true", help="restart on code changes")


def run(args: argparse.Namespace) -> int:
    import uvicorn

    if args.public_url:
        os.environ["CONVSCOPE_PUBLIC_URL"] = args.public_url
    else:
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
        os.environ.setdefault("CONVSCOPE_PUBLIC_URL", f"http://{host}:{args.port}")
    uvicorn.run(
        "app.main:app",
        host=args.host,
        port=args.port,
        workers=None if args.reload else args.workers,
        reload=args.reload,
        access_log=args.access_log,
        proxy_headers=True,
        server_header=False,
    )
    return 0
