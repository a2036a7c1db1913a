"""``?lang=`` on every route, ``Accept-Language`` on the pages (SPEC.md, "Languages").

Pure ASGI middleware, outside the cache: it takes ``lang`` out of the query (so no route,
parser or cache key of a route ever sees it), sets the language of the request for
``t()`` (``app.i18n.languages``), keeps it in the scope (``LANGUAGE_KEY``, which the
cache adds to its key, with whether the link named it) and, where the answer follows
``Accept-Language`` (a page asked without ``lang``), adds ``Vary: Accept-Language`` so
a cache in front never serves one reader's language to another. A bad or repeated
``lang`` is a 422 on the API; a page shows the refusal (``REFUSED_KEY``) and falls back
to ``Accept-Language``.
"""

from typing import Any
from urllib.parse import unquote_plus

from fastapi import FastAPI
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import item, refusal
from app.i18n.languages import LANGUAGES, Choice, from_accept_language, using

LANGUAGE_KEY = "convscope.language"
REFUSED_KEY = "convscope.language_refused"
CHOICES = ", ".join(LANGUAGES)


def split_lang(query: bytes) -> tuple[bytes, list[str]]:
    """The query without its ``lang`` parameters, and their values, bytes kept as they were.

    >>> split_lang(b"input_size=5%2C5&lang=bn&stride=2")
    (b'input_size=5%2C5&stride=2', ['bn'])
    """
    kept: list[bytes] = []
    values: list[str] = []
    for piece in query.split(b"&"):
        name, _, value = piece.partition(b"=")
        if unquote_plus(name.decode("latin-1")) == "lang":
            values.append(unquote_plus(value.decode("latin-1")))
        elif piece:
            kept.append(piece)
    return b"&".join(kept), values


def follows_accept_language(path: str) -> bool:
    """Pages follow the browser's languages; the API, pictures and files only ``?lang=``."""
    return not path.startswith(("/api/", "/static/", "/docs", "/redoc", "/openapi"))


def _refusal(values: list[str]) -> dict[str, Any]:
    if len(values) > 1:
        return item(["query", "lang"], "given_twice", field="lang", count=len(values))
    return item(["query", "lang"], "not_a_choice", field="lang", value=values[0], choices=CHOICES)


class Languages:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        query, values = split_lang(scope.get("query_string", b""))
        page = follows_accept_language(path)
        refused = None
        if len(values) == 1 and values[0] in LANGUAGES:
            choice = Choice(values[0], explicit=True)
        else:
            if values:
                refused = _refusal(values)
                if not page:
                    await refusal(422, [refused])(scope, receive, send)
                    return
            header = Headers(scope=scope).get("accept-language") if page else None
            choice = Choice(from_accept_language(header))
        # What the answer depends on, for the cache's key: the language, whether the link
        # named it (its links then keep it) and a refused ?lang= (the page shows it).
        key = f"lang={choice.language}" if choice.explicit else f"accept={choice.language}"
        scope = {**scope, "query_string": query, LANGUAGE_KEY: key}
        if refused is not None:
            scope[REFUSED_KEY] = refused
            scope[LANGUAGE_KEY] = f"{key}&refused={'&'.join(values)}"
        varies = page and not choice.explicit

        async def send_varied(message: Message) -> None:
            if varies and message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                vary = [v.strip() for v in headers.get("vary", "").split(",") if v.strip()]
                if "accept-language" not in (v.lower() for v in vary):
                    headers["Vary"] = ", ".join([*vary, "Accept-Language"])
            await send(message)

        with using(choice):
            await self.app(scope, receive, send_varied)


# The middleware takes ``lang`` out before any route sees it, so no route declares it:
# the schema gets it here, once, on every operation whose answer it changes.
LANG_PARAMETER: dict[str, Any] = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "The language of the answer's words: `msg_local` beside the English `msg` "
    "of every error, and the words of pictures, offline pages and oEmbed titles. "
    "A value outside the list, or `lang` given twice, is a 422 naming `lang`.",
    "schema": {"type": "string", "enum": list(LANGUAGES), "title": "Lang"},
}

BAD_LANG: dict[str, Any] = {
    "description": "`lang` is not one of the languages, or is given twice",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
}


def honours_lang(path: str) -> bool:
    """The API's routes answer in ``lang``; ``/healthz`` has no words to translate.

    >>> honours_lang("/api/trace"), honours_lang("/healthz")
    (True, False)
    """
    return path.startswith("/api/")


def document(app: FastAPI) -> None:
    """Add ``lang`` (one shared component) to the OpenAPI schema of every route that honours it."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {}).setdefault("parameters", {})["lang"] = LANG_PARAMETER
        for path, operations in schema["paths"].items():
            if not honours_lang(path):
                continue
            for operation in operations.values():
                # a route's own `lang` (always None there) gives way to the shared one
                kept = [p for p in operation.get("parameters", []) if p.get("name") != "lang"]
                operation["parameters"] = [*kept, {"$ref": "#/components/parameters/lang"}]
                operation.setdefault("responses", {}).setdefault("422", BAD_LANG)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def install(app: FastAPI) -> None:
    app.add_middleware(Languages)
    document(app)
