"""A long-running server's memory kept flat: glibc's malloc arenas capped.

glibc gives a thread that allocates under contention an arena of its own, up to eight per core.
Memory freed in one arena serves only that arena, and a threaded server (waitress's threads,
gunicorn's gthread workers) spreads pandas frames and JSON bodies over many of them, so its
resident set creeps for hours while Python's own heap stays flat: tracemalloc saw +2.6 MB of
Python objects where RSS grew by 90 MB in the wall screen's soak (docs/benchmarks.md). Two
arenas halve that growth at no measurable cost to the threads, which mostly wait on the
warehouse. The environment's MALLOC_ARENA_MAX, when an operator sets one, wins.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os

M_ARENA_MAX = -8  # glibc's <malloc.h>
SERVER_ARENAS = 2


def limit_malloc_arenas(count: int = SERVER_ARENAS) -> bool:
    """Cap glibc's malloc arenas at `count` for threads started from now on.

    False when MALLOC_ARENA_MAX is set (the operator's choice stands) or the C library is not
    glibc (musl, macOS, Windows: nothing to cap).
    """
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    return bool(mallopt(M_ARENA_MAX, count))
