"""Keep a long-running server's heap from creeping: a fixed mmap threshold for glibc's malloc.

glibc raises its mmap threshold each time a large block is freed (up to 32 MB),
after which blocks of that size come from the heap instead of their own
mappings. A server that makes and drops many frame-sized buffers (compressors,
encoded maps, JSON bodies of tens of KB) then fragments its heap, and its RSS
creeps up for minutes. Fixing the threshold at 64 KB turns the adjustment off:
blocks from 64 KB up are mapped and given back to the system when freed. In
the soak benchmark (benchmarks/soak.py, 5 minutes) the server process grew
16 MB from its plateau without this and 2 MB with it.

Elsewhere than glibc (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform

M_MMAP_THRESHOLD = -3  # from glibc's malloc.h
MMAP_THRESHOLD = 64 * 1024


def fix_mmap_threshold(threshold: int = MMAP_THRESHOLD) -> bool:
    """Set glibc's mmap threshold; True where it took effect."""
    if platform.libc_ver()[0] != "glibc":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, threshold))
