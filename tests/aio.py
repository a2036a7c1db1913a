"""Run a coroutine to completion from a test, whatever else runs in this thread.

Playwright's sync API keeps an event loop running in the main thread for the whole
session once a browser test has run, and ``asyncio.run`` refuses to start a second one
there; a worker thread has no loop of its own yet.
"""

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
