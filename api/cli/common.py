"""What the commands share: the database around a command, redacted URLs, permissions."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from api.settings import ROOT_DIR, Settings

DEFAULT_RETAIL_CSV = ROOT_DIR.parent / "shared" / "data" / "online-retail" / "transactions.csv"


async def _with_db(settings: Settings, work: Callable[[], Awaitable[Any]]) -> Any:
    from api.db import close_db, init_db

    await init_db(settings)
    try:
        return await work()
    finally:
        await close_db()


def _redacted(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def _permissions() -> list[Any]:
    from models.accounts import Permission

    return list(Permission)
