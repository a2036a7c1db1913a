"""A small lane for heavy work, so a crowd of large requests cannot sink the server.

Every computation runs off the event loop. A light one (most: the typical trace
is 49 taps) runs in a worker thread. One whose cost (taps of its trace; frames
for a GIF) is above ``HEAVY_COST`` takes one of a few slots
(``CONVSCOPE_HEAVY_SLOTS``, default: every core but one) and runs in a worker
process at a lower priority: it holds its own interpreter lock, so the event loop
keeps answering trivial requests while millions of taps are built and encoded.
A few more may wait their turn (``CONVSCOPE_HEAVY_QUEUE``, default 4); beyond
that the answer is a ``503`` with ``Retry-After`` instead of an ever longer queue.
That bounds the memory held by large answers (slots × one largest answer) and the
wait of everything else.

glibc keeps freed memory in its arenas: a worker trims its heap after each job
(``malloc_trim(0)``) and is replaced every ``TASKS_PER_WORKER`` jobs; the server
process caps its arenas (``M_ARENA_MAX``), so resident memory returns near its
baseline after a burst.
"""

import asyncio
import copyreg
import ctypes
import ctypes.util
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from math import prod
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from app.arithmetic.errors import ConfigError
from app.arithmetic.trace import count_taps
from app.i18n.languages import ENGLISH, current, in_language, requested
from app.i18n.messages import t
from app.layer.query import request_from_query
from app.layer.schemas import TraceRequest
from app.layer.tracing import config_of
from app.web.settings import Settings

T = TypeVar("T")
HEAVY_COST = 100_000  # taps: a 64×64 trace with a 3×3 kernel has 36,864
# Tiny traces (a 5×5 input, a 3×3 kernel: 225 taps at most, ~0.3 ms) are computed on the
# event loop: handing them to a worker thread and back cost as much as the work itself.
INLINE_COST = 2_000  # taps (an upper bound from the request, ``taps_bound``)
GIF_FRAME_COST = 5_000  # a GIF frame costs about as much as this many taps
RETRY_AFTER = 2  # seconds
TASKS_PER_WORKER = 20  # then the worker process is replaced, and its memory returned
WORKER_NICENESS = 10  # the event loop's process comes first when cores are scarce
PRELOAD = ("app.api.trace", "app.api.pages", "app.api.render", "app.api.oembed")
M_ARENA_MAX = -8


class Busy(Exception):
    """Every heavy slot is taken and the queue is full."""


def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


LIBC = _libc()


def limit_arenas(arenas: int = 2) -> None:
    """Cap glibc's malloc arenas (one per thread by default, up to 8 per core)."""
    if LIBC is not None:
        LIBC.mallopt(M_ARENA_MAX, arenas)


def trim() -> None:
    """Give memory freed by the heap back to the system (glibc only)."""
    if LIBC is not None:
        LIBC.malloc_trim(0)


def _rebuild_config_error(field: str, kind: str, ctx: dict[str, Any]) -> ConfigError:
    return ConfigError(field, kind, **ctx)


def _reduce_config_error(error: ConfigError) -> tuple[Any, ...]:
    return _rebuild_config_error, (error.field, error.type, error.ctx)


# A ConfigError raised in a worker process travels back to the route that asked.
copyreg.pickle(ConfigError, _reduce_config_error)


def _in_worker(func: Callable[..., T], *args: Any) -> T:
    """Run in a worker process, then hand freed memory back to the system."""
    try:
        return func(*args)
    finally:
        trim()


class HeavyLane:
    """At most ``slots`` heavy jobs at once, each in a worker process (its own interpreter
    lock, so the event loop keeps answering; recycled every ``TASKS_PER_WORKER`` jobs, so
    its memory goes back), and at most ``queue`` more waiting, first come, first served.
    The waiting uses the running loop's own futures, so any event loop may drive it."""

    def __init__(self, slots: int, queue: int) -> None:
        self.slots = slots
        self.queue = queue
        self.running = 0
        self.refused = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def close(self) -> None:
        """Stop at once: a heavy job in flight is abandoned with the server."""
        if self._pool is not None:
            processes = dict(getattr(self._pool, "_processes", None) or {})
            self._pool.shutdown(wait=False, cancel_futures=True)
            for process in processes.values():
                process.terminate()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            return self._pool or self._start()

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(list(PRELOAD))
            self._pool = ProcessPoolExecutor(
                max_workers=max(1, self.slots),
                mp_context=context,
                max_tasks_per_child=TASKS_PER_WORKER,
                initializer=os.nice,
                initargs=(WORKER_NICENESS,),
            )
        return self._pool

    async def run(self, cost: int, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` in a worker thread, or in a worker process through the lane when
        ``cost`` is heavy (then ``func`` and ``args`` must be picklable: module functions)."""
        if cost < HEAVY_COST:
            return await run_in_threadpool(func, *args)
        await self._acquire()
        try:
            # Submitting may start a worker process, and the first one waits for the fork
            # server to import the app: a thread waits for that, not the event loop.
            executor = self._executor()
            job = await run_in_threadpool(executor.submit, _in_worker, func, *args)
            return await asyncio.wrap_future(job)
        finally:
            self._release()

    async def _acquire(self) -> None:
        if self.running < self.slots:
            self.running += 1
            return
        if len(self._waiters) >= self.queue:
            self.refused += 1
            raise Busy
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        try:
            await future  # the slot is handed over by _release, ``running`` unchanged
        except asyncio.CancelledError:
            if future in self._waiters:
                self._waiters.remove(future)
            elif not future.cancelled():
                self._release()
            raise

    def _release(self) -> None:
        while self._waiters:
            future = self._waiters.popleft()
            if not future.done():
                future.set_result(None)
                return
        self.running -= 1


def lane(request: Request) -> HeavyLane:
    heavy: HeavyLane = request.app.state.heavy
    return heavy


async def offload(request: Request, cost: int, func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` off the event loop; through the heavy lane when ``cost`` is high;
    in the request's language, which a worker process does not inherit."""
    return await lane(request).run(cost, in_language, current(), func, *args)


def is_tiny(request: TraceRequest) -> bool:
    """Is this trace cheap enough to compute on the event loop (``INLINE_COST``)?

    >>> is_tiny(TraceRequest(input_size=[5, 5])), is_tiny(TraceRequest(input_size=[64, 64]))
    (True, False)
    """
    return taps_bound(request) <= INLINE_COST


def taps_bound(request: TraceRequest) -> int:
    """An upper bound of a trace's taps from the request alone, in microseconds: each input
    cell meets each kernel cell at most once per output channel, so
    ``taps ≤ out_channels · in_channels/groups · Π input_size · Π kernel_size``.

    >>> taps_bound(TraceRequest(input_size=[5, 5], kernel_size=3, stride=2, padding=1))
    225
    """
    kernel = request.kernel_size
    kernels = kernel if isinstance(kernel, list) else [kernel] * len(request.input_size)
    per_group = max(1, request.in_channels // max(1, request.groups))
    return request.out_channels * per_group * prod(request.input_size) * prod(kernels)


def cost_of_request(request: TraceRequest, per_step: int = 0) -> int:
    """The taps of the trace a ``TraceRequest`` asks for, plus ``per_step`` for each output
    cell (0 when the request is invalid: it fails fast without the lane). A request whose
    bound is light is light: the configuration is then checked once, by the route."""
    if per_step == 0 and taps_bound(request) < HEAVY_COST:
        return 0
    try:
        config = config_of(request)
    except Exception:
        return 0
    return count_taps(config) + per_step * config.out_channels * prod(config.output_size)


def cost_of_query(pairs: Iterable[tuple[str, str]], per_step: int = 0) -> int:
    """``cost_of_request`` of share-link query parameters.

    >>> cost_of_query([("input_size", "64,64"), ("padding", "1")])  # light: not counted
    0
    >>> cost_of_query([("input_size", "64,64"), ("kernel_size", "11"), ("padding", "5")])
    454276
    >>> cost_of_query([("input_size", "8"), ("kernel_size", "3")], per_step=1000)
    6018
    >>> cost_of_query([("input_size", "x")])
    0
    """
    try:
        request, _ = request_from_query(list(pairs))
    except Exception:
        return 0
    return cost_of_request(request, per_step)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The worker processes end with the server."""
    yield
    heavy = getattr(app.state, "heavy", None)
    if isinstance(heavy, HeavyLane):
        heavy.close()


def install(app: FastAPI, settings: Settings) -> None:
    app.state.heavy = HeavyLane(settings.heavy_slots, settings.heavy_queue)
    limit_arenas()

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy) -> JSONResponse:
        entry = {"loc": [], "msg": t("busy", language=ENGLISH), "type": "busy", "ctx": {}}
        if (local := requested()) is not None:
            entry["msg_local"] = t("busy", language=local)
        return JSONResponse(
            status_code=503,
            content={"detail": [entry]},
            headers={"Retry-After": str(RETRY_AFTER), "Cache-Control": "no-store"},
        )
