"""Running a coroutine to completion from a synchronous test.

Playwright's sync API keeps an event loop running on the main thread for the
rest of the session once a browser test has run, and ``asyncio.run`` refuses
to start a second loop there; so each coroutine gets a fresh loop on a
thread of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(1, thread_name_prefix="test-loop") as pool:
        return pool.submit(asyncio.run, coroutine).result()
