"""Security headers on every answer, and CORS on the read-only API.

Every HTML page gets a strict ``Content-Security-Policy``: its own origin only,
no inline script or style, no plugins, no ``<base>``. Who may frame it: only
``/embed`` is for other sites' pages (``frame-ancestors * file:``, ``file:`` for
a teacher's slide deck opened from disk); everything else only ConvScope itself
(with the old ``X-Frame-Options: SAMEORIGIN`` too). Every answer gets
``X-Content-Type-Options: nosniff``, ``Referrer-Policy`` and ``Permissions-Policy``.
A route's own CSP is kept; ``frame-ancestors`` is added to it.

``GET``/``HEAD`` under ``/api/`` answer ``Access-Control-Allow-Origin: *`` (no
credentials), so a course page on another site can fetch traces.
"""

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FRAMEABLE = ("/embed", "/stack/embed")
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)
REFERRER_POLICY = "strict-origin-when-cross-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
EXPOSED = "ETag, Server-Timing, Retry-After"


class SecurityHeaders:
    """Pure ASGI middleware (no buffering of the body)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        frameable = scope["path"] in FRAMEABLE
        cors = scope["path"].startswith("/api/") and scope["method"] in ("GET", "HEAD")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                ancestors = "frame-ancestors " + ("* file:" if frameable else "'self'")
                policy = headers.get("content-security-policy")
                if policy is None and headers.get("content-type", "").startswith("text/html"):
                    policy = PAGE_POLICY
                if policy is None:
                    headers["Content-Security-Policy"] = ancestors
                elif "frame-ancestors" not in policy:
                    headers["Content-Security-Policy"] = f"{policy}; {ancestors}"
                if not frameable:
                    headers.setdefault("X-Frame-Options", "SAMEORIGIN")
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", REFERRER_POLICY)
                headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
                if cors:
                    headers["Access-Control-Allow-Origin"] = "*"
                    headers["Access-Control-Expose-Headers"] = EXPOSED
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install(app: FastAPI) -> None:
    app.add_middleware(SecurityHeaders)
