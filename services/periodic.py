"""A worker job that repeats one pass: the first after a pause (a starting server serves
requests first), then every `interval` seconds; a failed pass is logged and the next runs."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any


async def run_every(
    step: Callable[[], Awaitable[Any]],
    *,
    interval: float,
    first_after: float,
    logger: logging.Logger,
    name: str,
) -> None:
    await asyncio.sleep(first_after)
    while True:
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("%s failed", name)
        await asyncio.sleep(interval)
