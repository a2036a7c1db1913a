"""HTTP caching of the GET routes that are pure functions of their query.

A trace, a matrix, a picture, a page or an oEmbed answer depends only on its
path and query (and the code's version), so each gets a strong ``ETag`` (a hash
of its bytes), ``Cache-Control: public, max-age=…`` (which a browser or a proxy
such as deploy/nginx.conf honours), a ``304`` to a matching ``If-None-Match``,
and a place in a small in-process LRU, bounded in bytes, keyed by the canonical
query (parameters decoded and sorted by name), so a repeat is served without
recomputation. The LRU keeps each answer raw and gzip-compressed (compressed
once, off the event loop); the gzip variant has its own strong ETag (``"…-gz"``),
as RFC 9110 asks of a different content coding. Only ``200`` answers are kept.

>>> lru = LRU(max_bytes=10_000)
>>> for key in "abcde":
...     lru.put(key, Entry(200, [], b"x" * 2000, None, key, "public, max-age=60"))
>>> lru.get("a") is None, lru.get("e") is not None, len(lru), lru.size
(True, True, 4, 9024)
"""

import asyncio
import gzip
import hashlib
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import anyio.to_thread
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LANGUAGE_KEY = "convscope.language"  # set by app/api/language.py, outside this cache

# How long a browser or a proxy may keep each kind of answer without asking again.
API_MAX_AGE = 86400
PAGE_MAX_AGE = 300
EXACT = {
    "/": PAGE_MAX_AGE,
    "/embed": PAGE_MAX_AGE,
    "/stack": PAGE_MAX_AGE,
    "/stack/embed": PAGE_MAX_AGE,
    "/api/limits": PAGE_MAX_AGE,
    "/api/trace": API_MAX_AGE,
    "/api/matrix": API_MAX_AGE,
    "/api/oembed": API_MAX_AGE,
    "/api/stack": API_MAX_AGE,
}
PREFIXES = (("/api/render.", API_MAX_AGE),)
COMPRESSIBLE = ("text/", "application/json", "image/svg+xml", "application/javascript")
MIN_GZIP = 500
LARGE_BODY = 1024 * 1024
THREAD_MIN = 64 * 1024  # bodies larger than this are hashed and compressed off the event loop
DROPPED = {
    b"content-length",
    b"content-encoding",
    b"etag",
    b"vary",
    b"cache-control",
    b"server-timing",
}


def max_age(path: str) -> int | None:
    """How long an answer on ``path`` may be cached, or None when it is not cached here.

    >>> max_age("/api/trace"), max_age("/"), max_age("/healthz"), max_age("/api/tracex")
    (86400, 300, None, None)
    """
    if path in EXACT:
        return EXACT[path]
    return next((age for prefix, age in PREFIXES if path.startswith(prefix)), None)


def canonical_key(path: str, query_string: bytes) -> str:
    """The cache key: the path and the decoded query, sorted by name (repeats keep their order).

    >>> canonical_key("/api/trace", b"stride=2&input_size=5%2C5")
    '/api/trace?input_size=5%2C5&stride=2'
    """
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return f"{path}?{urlencode(sorted(pairs, key=lambda pair: pair[0]))}"


@dataclass(frozen=True)
class Entry:
    """One cached answer: its status, headers (without length, coding or caching ones),
    body, gzipped body (None when not worth compressing), ETag hash and Cache-Control."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    gzipped: bytes | None
    tag: str
    cache_control: str
    timing: str = ""  # the route's Server-Timing, sent with the answer that computed it

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"") + 256


class LRU:
    """Least recently used entries go first once the bytes held exceed ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[str, Entry] = OrderedDict()

    def get(self, key: str) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self.hits += 1
        self._entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: Entry) -> None:
        if entry.size > self.max_bytes // 4:  # one huge answer must not flush the rest
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= old.size
        self._entries[key] = entry
        self.size += entry.size
        while self.size > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.size -= evicted.size

    def __len__(self) -> int:
        return len(self._entries)


def _gzip_level(size: int) -> int:
    """Level 6 for everyday answers; level 1 past a megabyte, where 6 costs ten times the
    time (0.3 s against 0.03 s for a 10 MB trace) for a fifth fewer bytes.

    >>> _gzip_level(50_000), _gzip_level(10_000_000)
    (6, 1)
    """
    return 6 if size < LARGE_BODY else 1


def _seal(status: int, raw_headers: list[tuple[bytes, bytes]], body: bytes, age: int) -> Entry:
    """Hash (and maybe compress) a finished answer; may run in a worker thread."""
    headers = Headers(raw=raw_headers)
    cache_control = headers.get("cache-control") or f"public, max-age={age}"
    media_type = headers.get("content-type", "")
    gzipped = None
    if len(body) >= MIN_GZIP and media_type.startswith(COMPRESSIBLE):
        gzipped = gzip.compress(body, compresslevel=_gzip_level(len(body)), mtime=0)
    tag = hashlib.blake2b(body, digest_size=12).hexdigest()
    kept = [(k, v) for k, v in raw_headers if k.lower() not in DROPPED]
    timing = headers.get("server-timing", "")
    return Entry(status, kept, body, gzipped, tag, cache_control, timing)


def _matches(if_none_match: str, tags: Iterable[str]) -> bool:
    if if_none_match.strip() == "*":
        return True
    offered = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return not offered.isdisjoint(tags)


class CachingMiddleware:
    """Pure ASGI middleware: ETag, Cache-Control, 304 and the LRU for cacheable GETs."""

    def __init__(self, app: ASGIApp, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.app = app
        self.lru = LRU(max_bytes)
        self._pending: dict[str, asyncio.Future[Entry | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        age = max_age(scope["path"]) if scope["type"] == "http" else None
        if age is None or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        key = canonical_key(scope["path"], scope.get("query_string", b""))
        key += "#" + scope.get(LANGUAGE_KEY, "")  # the answer's language (app/api/language.py)
        entry = self.lru.get(key)
        pending = self._pending.get(key)
        if entry is None and pending is not None:
            # The same answer is being computed (a class opening one link): wait for it.
            entry = await asyncio.shield(pending)
        timing = "cache;desc=hit"
        if entry is None:
            start = time.perf_counter()
            entry = await self._lead(key, scope, receive, send, age)
            if entry is None:  # not a 200: already passed on as it was
                return
            # The route's own figure, and the whole server time (hashing and gzip included).
            whole = f"app;dur={(time.perf_counter() - start) * 1000:.2f}"
            timing = f"{entry.timing}, {whole}" if entry.timing else whole
        await self._answer(scope, send, entry, timing)

    async def _lead(
        self, key: str, scope: Scope, receive: Receive, send: Send, age: int
    ) -> Entry | None:
        future: asyncio.Future[Entry | None] = asyncio.get_running_loop().create_future()
        self._pending.setdefault(key, future)
        entry = None
        try:
            entry = await self._compute(scope, receive, send, age)
            if entry is not None:
                self.lru.put(key, entry)
        finally:
            if self._pending.get(key) is future:
                del self._pending[key]
            future.set_result(entry)
        return entry

    async def _compute(self, scope: Scope, receive: Receive, send: Send, age: int) -> Entry | None:
        # Ask for the identity coding below; this layer compresses once, for the cache.
        inner = dict(scope)
        inner["method"] = "GET"
        inner["headers"] = [(k, v) for k, v in scope["headers"] if k != b"accept-encoding"]
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self.app(inner, receive, keep)
        start = messages[0] if messages else None
        if start is None or start["type"] != "http.response.start" or start["status"] != 200:
            for message in messages:
                await send(message)
            return None
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        raw = list(start.get("headers", []))
        if len(body) > THREAD_MIN:
            return await anyio.to_thread.run_sync(_seal, 200, raw, body, age)
        return _seal(200, raw, body, age)

    async def _answer(self, scope: Scope, send: Send, entry: Entry, timing: str) -> None:
        request = Headers(scope=scope)
        use_gzip = entry.gzipped is not None and "gzip" in request.get("accept-encoding", "")
        tag = f'"{entry.tag}-gz"' if use_gzip else f'"{entry.tag}"'
        headers = [
            *entry.headers,
            (b"etag", tag.encode()),
            (b"cache-control", entry.cache_control.encode()),
            (b"server-timing", timing.encode()),
        ]
        if entry.gzipped is not None:
            headers.append((b"vary", b"Accept-Encoding"))
        if_none_match = request.get("if-none-match")
        if if_none_match is not None and _matches(
            if_none_match, (f'"{entry.tag}-gz"', f'"{entry.tag}"')
        ):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        body = entry.gzipped if use_gzip and entry.gzipped is not None else entry.body
        if use_gzip:
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": entry.status, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )
