"""Security headers on every answer, and CORS on the API.

Every HTML page gets a strict ``Content-Security-Policy``: its own origin only,
no inline script or style, no plugins, no ``<base>``. Who may frame it: only
``/embed`` is for other sites' pages (``frame-ancestors * file:``, ``file:`` for
a teacher's slide deck opened from disk); everything else only ConvScope itself
(with the old ``X-Frame-Options: SAMEORIGIN`` too). Every answer gets
``X-Content-Type-Options: nosniff``, ``Referrer-Policy`` and ``Permissions-Policy``.
A route's own CSP is kept; ``frame-ancestors`` is added to it.

CORS is Starlette's ``CORSMiddleware``, on ``/api/`` only (pages keep their framing
rules and get no CORS): any origin, ``GET``/``HEAD``/``POST``, any request header, no
credentials; a preflight answers ``204`` with ``Access-Control-Max-Age``, so a course page
on another site may ``POST /api/trace`` as JSON and pay for one preflight a day.
"""

from collections.abc import Mapping

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FRAMEABLE = ("/embed", "/stack/embed")
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)
REFERRER_POLICY = "strict-origin-when-cross-origin"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
EXPOSED = ("ETag", "Server-Timing", "Retry-After")
API_METHODS = ("GET", "HEAD", "POST")
# How long a browser may reuse a preflight's answer (Firefox keeps up to a day, Chromium
# clamps to two hours).
PREFLIGHT_MAX_AGE = 86400


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
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ApiCORS(CORSMiddleware):
    """Starlette's CORS protocol on ``/api/`` paths only; a preflight it allows is a ``204``
    (no body) instead of Starlette's ``200 OK``, as the Fetch standard's examples answer."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            await super().__call__(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def send(self, message: Message, send: Send, request_headers: Headers) -> None:
        """Every API answer allows any origin, whether the request named one or not, so an
        answer never varies by ``Origin``: one cached copy (ours, a browser's, or nginx's,
        which keeps one per URL and ignores ``Vary``) serves every page, course pages included
        (Starlette would add the headers only when ``Origin`` is sent, and ``Vary: Origin``)."""
        if message["type"] == "http.response.start":
            MutableHeaders(scope=message).update(self.simple_headers)
        await send(message)

    def preflight_response(self, request_headers: Headers) -> Response:
        answer = super().preflight_response(request_headers)
        if answer.status_code != 200:
            return answer  # a 400 naming what is disallowed
        kept: Mapping[str, str] = {
            k: v for k, v in answer.headers.items() if k not in ("content-length", "content-type")
        }
        return Response(status_code=204, headers=dict(kept))


def install(app: FastAPI) -> None:
    """CORS inside the security headers (a preflight gets them too), outside the cache."""
    app.add_middleware(
        ApiCORS,
        allow_origins=["*"],
        allow_methods=API_METHODS,
        allow_headers=["*"],
        allow_credentials=False,
        expose_headers=EXPOSED,
        max_age=PREFLIGHT_MAX_AGE,
    )
    app.add_middleware(SecurityHeaders)
