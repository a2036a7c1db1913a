"""One error path: every refusal is JSON ``{"detail": [{"loc", "msg", "type", "ctx"}]}``.

Whatever refused the request, our own checks (``ConfigError``), pydantic, the body
reader, the router (404, 405 with ``Allow``), a limit (413 for the body, 422 for
the query) or, as a last resort, an unexpected exception (500), the answer has the
same shape and goes through the security-header middleware. ``type`` is a stable
code, ``ctx`` its numbers and words, and ``msg`` the English sentence rendered from
the message catalogue (``app.i18n.messages.t``), stable for clients that read it; with
``?lang=`` the same sentence in that language is added as ``msg_local``. A value
echoed in a message is cut to ``SHOWN`` characters. Pydantic's kinds of error are mapped
to our own types and words.
"""

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.arithmetic.errors import ConfigError
from app.i18n.languages import ENGLISH, requested
from app.i18n.messages import catalogue, t
from app.layer.fields import FIELD_NAMES, FIELDS
from app.limits import LIMITS, Limits

SHOWN = 60
# ctx entries we write ourselves (lists of valid names): never cut, unlike anything echoed.
OUR_WORDS = {"fields", "choices", "allowed", "names", "fills", "layout", "valid", "supported"}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
LOG = logging.getLogger("convscope")
# Pydantic names the member of a union that failed (``int``, ``list[int]``…) in ``loc``.
UNION_TAG = re.compile(r"^([a-z_-]+\[.*\]|int|float|str|bool|none|list|dict)$")


def shown(value: Any) -> Any:
    """A value fit to echo in a message: numbers as they are, anything else cut to 60.

    >>> shown(3), shown("x" * 100)[-5:], shown([1, 2])
    (3, 'xx...', '[1, 2]')
    """
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int) and abs(value) < 10**15:
        return value
    if isinstance(value, float) and abs(value) < 1e300:
        return value
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, allow_nan=True)
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 3] + "..."


def message(type: str, ctx: dict[str, Any], language: str = ENGLISH) -> str:
    """The sentence of an error (English unless ``language``): the catalogue's entry for
    ``type`` with ``ctx``. ``{valid}`` is the catalogue's ``valid.<field>``: what the
    field accepts.

    >>> message("too_small", {"field": "stride", "minimum": 1, "value": 0})
    'stride must be at least 1 (got 0)'
    >>> message("too_small", {"field": "stride", "minimum": 1, "value": 0}, "hi")
    'stride कम से कम 1 होना चाहिए (मिला 0)'
    """
    field = str(ctx.get("field", ""))
    known = f"valid.{field}" in catalogue()
    valid = t(f"valid.{field}", language=language) if known else "described at /docs"
    return t(type, language=language, **{"valid": valid, **ctx})


def item(loc: Iterable[str | int], type: str, **ctx: Any) -> dict[str, Any]:
    """One entry of ``detail``; a type missing from the catalogue becomes ``value_error``.
    ``msg`` is English; ``msg_local`` is added when the request named a language."""
    ctx = {key: value if key in OUR_WORDS else shown(value) for key, value in ctx.items()}
    entry = {
        "loc": [shown(part) for part in loc],  # an unknown name can be long too
        "msg": message(type, ctx),
        "type": type if type in catalogue() else "value_error",
        "ctx": ctx,
    }
    local = requested()
    if local is not None:
        entry["msg_local"] = message(type, ctx, local)
    return entry


def refusal(
    status: int, items: list[dict[str, Any]], headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"detail": items}, status_code=status, headers=headers)


class Refused(HTTPException):
    """An HTTP refusal (404, 501…) in the one shape: raise ``Refused(404, loc, type, **ctx)``."""

    def __init__(self, status: int, loc: Iterable[str | int], type: str, **ctx: Any) -> None:
        super().__init__(status, type)
        self.items = [item(loc, type, **ctx)]


class BodyTooLarge(HTTPException):
    """Raised while the body arrives; an ``HTTPException`` so FastAPI lets it through."""

    def __init__(self) -> None:
        super().__init__(413, "body_too_large")


def _trim(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """``loc`` up to the field it names: without union members or a list item's index."""
    for index, part in enumerate(loc):
        if isinstance(part, str) and UNION_TAG.match(part):
            loc = loc[:index]
            break
    while len(loc) > 1 and isinstance(loc[-1], int):
        loc = loc[:-1]
    return loc


def friendly(
    errors: list[dict[str, Any]], fields: Iterable[str] | None = FIELD_NAMES
) -> list[dict[str, Any]]:
    """Pydantic's errors as ours: one per field (a union gives one per member), our types.

    ``fields`` are the valid field names a "not a field" message lists (the trace's, by
    default; ``None`` points to /docs, for a body of another shape).

    >>> [e["type"] for e in friendly([{"type": "int_type", "loc": ("body", "stride", "int"),
    ...   "input": "3"}, {"type": "list_type", "loc": ("body", "stride", "list[int]")}])]
    ['wrong_type']
    """
    result: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    literal = {_trim(tuple(e["loc"])) for e in errors if e.get("type") == "literal_error"}
    for error in errors:
        loc = _trim(tuple(error.get("loc", ())) or ("body",))
        names = [part for part in loc[1:] if isinstance(part, str)]
        key = loc if names else loc[:1]
        if key in seen:
            continue
        seen.add(key)
        kind = str(error.get("type", ""))
        if key in literal and isinstance(error.get("input"), str):
            kind = "literal_error"  # "SAME" for padding: a name, not a number, was meant
        value = error.get("input")
        if kind == "json_invalid":
            result.append(item(loc[:1], "json_invalid"))
        elif not names:
            result.append(item(loc[:1], "body_not_object", value=value))
        elif kind == "missing":
            result.append(item(key, "required", field=names[-1]))
        elif kind == "extra_forbidden":
            valid = "those described at /docs" if fields is None else ", ".join(fields)
            result.append(item(key, "not_a_field", field=names[-1], fields=valid))
        elif kind == "literal_error":
            choices = FIELDS[names[-1]].choices if names[-1] in FIELDS else ()
            expected = ", ".join(choices) or str((error.get("ctx") or {}).get("expected", ""))
            result.append(item(key, "not_a_choice", field=names[-1], value=value, choices=expected))
        elif kind in ("not_numbers", "number_too_large") or (
            isinstance(value, float) and not abs(value) <= 1e300
        ):
            kind = kind if kind == "not_numbers" else "number_too_large"
            result.append(item(key, kind, field=names[-1], value=value))
        elif kind in ("greater_than_equal", "greater_than"):
            minimum = (error.get("ctx") or {}).get("ge", (error.get("ctx") or {}).get("gt"))
            result.append(item(key, "too_small", field=names[-1], minimum=minimum, value=value))
        else:
            result.append(item(key, "wrong_type", field=names[-1], value=value))
    return result


def allowed_methods(request: Request) -> list[str]:
    """Every method some route accepts at this path (``/api/trace`` has a GET and a POST
    route), found by asking each route whether it would take the request with that method.
    """
    methods: set[str] = set()
    for method in METHODS:
        probe = {**request.scope, "method": method}
        for route in request.app.router.routes:
            match, _ = route.matches(probe)
            if match == Match.FULL:
                if not isinstance(route, Mount) or method == "GET":  # static files: GET only
                    methods.add(method)
                break
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


def _where(request: Request) -> str:
    return "body" if request.method in ("POST", "PUT", "PATCH") else "query"


async def http_error(request: Request, exc: HTTPException) -> Response:
    """Refusals of the router and the body reader, in the one shape."""
    headers = dict(exc.headers or {})
    status, path = exc.status_code, request.url.path
    if isinstance(exc, Refused):
        items = exc.items
    elif status == 400:  # a body FastAPI cannot even decode: one more invalid request
        status, items = 422, [item(["body"], "body_unreadable")]
    elif status == 404:
        items = [item(["path"], "not_found", path=path)]
    elif status == 405:
        allowed = allowed_methods(request)
        headers["Allow"] = ", ".join(allowed)
        items = [
            item(["method"], "method_not_allowed", method=request.method, path=path,
                 allowed=", ".join(allowed))
        ]  # fmt: skip
    elif status == 413:
        limit = LIMITS.max_body_bytes
        items = [item(["body"], "body_too_large", limit=limit, limit_name="max_body_bytes")]
    else:
        items = [item([], "http_error", status=status)]
    return refusal(status, items, headers)


TRACE_BODIES = (
    "/api/trace",
    "/api/matrix",
    "/api/im2col",
)  # the routes whose body is a TraceRequest


async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    fields = FIELD_NAMES if request.url.path in TRACE_BODIES else None
    return refusal(422, friendly(list(exc.errors()), fields))


async def config_error(request: Request, exc: ConfigError) -> Response:
    return refusal(422, [item([_where(request), exc.field], exc.type, **exc.ctx)])


class Intake:
    """Pure ASGI middleware, inside the security headers: what no route can do itself.

    - a query longer than ``max_query_bytes`` is a 422, a body declared (Content-Length)
      longer than ``max_body_bytes`` a 413, both before the app runs; a body that grows
      past the limit while it arrives (chunked) is a 413 as soon as it does;
    - ``HEAD`` is served as ``GET`` without the body, on every GET route;
    - an unexpected exception is logged and answered as JSON (500), with the headers.
    """

    def __init__(self, app: ASGIApp, limits: Limits = LIMITS) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limits = self.limits
        query = scope.get("query_string", b"")
        if len(query) > limits.max_query_bytes:
            items = [item(["query"], "query_too_long", size=len(query),
                          limit=limits.max_query_bytes, limit_name="max_query_bytes")]  # fmt: skip
            await refusal(422, items)(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length", "")
        if length.isascii() and length.isdigit() and int(length) > limits.max_body_bytes:
            await self._too_large(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        started = False
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limits.max_body_bytes:
                    raise BodyTooLarge()
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            elif head and message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if started:
                raise
            await self._too_large(scope, receive, send)
        except Exception:
            LOG.exception("unexpected error answering %s %s", scope["method"], scope["path"])
            if started:
                raise
            await refusal(500, [item([], "internal_error")])(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limits.max_body_bytes
        items = [item(["body"], "body_too_large", limit=limit, limit_name="max_body_bytes")]
        await refusal(413, items, {"Connection": "close"})(scope, receive, send)


# What SecurityHeaders (app/api/headers.py) would add, for the one answer it cannot reach.
OUTERMOST_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
}


async def unexpected(request: Request, exc: Exception) -> Response:
    """Starlette's last resort, outside every middleware (an exception raised *in* one):
    still JSON, still with the headers. ``Intake`` answers everything raised inside it."""
    return refusal(500, [item([], "internal_error")], OUTERMOST_HEADERS)


def install(app: FastAPI) -> None:
    """The handlers, and ``Intake`` (added first, so the security headers wrap it)."""
    app.add_exception_handler(Exception, unexpected)
    app.add_exception_handler(HTTPException, http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(ConfigError, config_error)  # type: ignore[arg-type]
    app.add_middleware(Intake)
