"""Give the C heap's free memory back to the system, so a long-running server's RSS stays level.

A server that makes and drops many frame-sized buffers (socket reads of up to
256 KB, compressors, encoded maps and JSON bodies of tens of KB) leaves free
holes in glibc's heap that malloc keeps: its RSS creeps up for many minutes
although nothing leaks (Python's object count stays flat). ``malloc_trim(0)``
hands those free pages back. The server calls it every sweep interval (30 s),
in a thread, off the event loop: on a 200 MB heap full of holes it takes about
20 ms.

In the soak benchmark (benchmarks/soak.py, 10 minutes) the server process grew
5.6% past its plateau without this, and not at all with it. Fixing malloc's
mmap threshold (M_MMAP_THRESHOLD) stops the creep too, but changes how every
large block is allocated (each socket read of up to 256 KB gets a fresh
mapping); trimming leaves allocation as it is.

Elsewhere than glibc (macOS, musl) this does nothing. Worker processes trim
their own heaps (app/serving/worker.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import platform
from typing import Any


@functools.cache
def _glibc() -> Any:
    if platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def release_free_memory() -> bool:
    """``malloc_trim(0)`` where the C library is glibc; True if it gave memory back."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False


def resident_bytes(pid: int) -> int | None:
    """A process's resident set size, where /proc tells it (Linux); None elsewhere or once it is gone."""
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
