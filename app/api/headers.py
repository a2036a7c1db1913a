"""Who may frame ConvScope: only ``/embed`` is for other sites' pages.

Every response gets ``Content-Security-Policy: frame-ancestors 'self'`` (and the
old ``X-Frame-Options: SAMEORIGIN``), except ``/embed``, which any site may put in
an ``<iframe>`` (``frame-ancestors *``). ``X-Content-Type-Options: nosniff`` everywhere.
A route's own CSP is kept; ``frame-ancestors`` is added to it.
"""

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FRAMEABLE = ("/embed", "/stack/embed")


class SecurityHeaders:
    """Pure ASGI middleware (no buffering of the body)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        frameable = scope["path"] in FRAMEABLE

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                ancestors = "frame-ancestors " + ("*" if frameable else "'self'")
                policy = headers.get("content-security-policy")
                if policy is None:
                    headers["Content-Security-Policy"] = ancestors
                elif "frame-ancestors" not in policy:
                    headers["Content-Security-Policy"] = f"{policy}; {ancestors}"
                if not frameable:
                    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
                headers.setdefault("X-Content-Type-Options", "nosniff")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI) -> None:
    app.add_middleware(SecurityHeaders)
