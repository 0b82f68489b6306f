"""Model work (nearest neighbours, recommending) off the event loop, in a small thread pool.

Scoring 10k products is milliseconds of numpy per call, and `similar` runs once per product a
reason names: on the loop, one feed miss would delay every other request of the process. numpy
releases the GIL in its heavy parts, so the loop keeps serving while a thread scores. The pool
is bounded (`SHOPGRAPH_FEED_MODEL_THREADS`, default 2): a burst of misses queues for it instead
of starting one thread per request; 0 runs the work inline (to measure the difference).

BLAS runs single-threaded in serving (`SHOPGRAPH_FEED_BLAS_THREADS`, default 1): a feed's
matrix products are small, and OpenBLAS spreading each over every core made one FOR_YOU
recommend at 10k products take 58-71 ms on a busy 2-core machine instead of 6 ms (its threads
spin waiting for cores the other requests hold). Concurrency comes from the pool instead.
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from threadpoolctl import threadpool_limits

P = ParamSpec("P")
T = TypeVar("T")


def _threads() -> int:
    try:
        return max(0, int(os.environ.get("SHOPGRAPH_FEED_MODEL_THREADS", "2")))
    except ValueError:
        return 2


def _blas_threads() -> int:
    try:
        return max(1, int(os.environ.get("SHOPGRAPH_FEED_BLAS_THREADS", "1")))
    except ValueError:
        return 1


THREADS = _threads()
BLAS_THREADS = _blas_threads()
# process-wide (a BLAS library keeps one setting) and set on import, before any thread of
# ours runs BLAS: changing it while another thread is inside a BLAS call is not safe
threadpool_limits(limits=BLAS_THREADS, user_api="blas")
_pool = (
    ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="feed-model") if THREADS else None
)


async def off_loop(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(*args, **kwargs)` in the model pool (inline when the pool is switched off)."""
    if _pool is None:
        return fn(*args, **kwargs)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_pool, functools.partial(fn, *args, **kwargs))
