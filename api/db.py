"""Database configuration and lifecycle for tortoise-orm."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.sqlite.client import SqliteTransactionContext
from tortoise.connection import get_connections

from api.settings import Settings

APP_LABEL = "shopgraph"
POSTGRES_POOL_MAXSIZE = 20
MODEL_MODULES = [
    "models.catalog",
    "models.accounts",
    "models.orders",
    "models.analytics",
    "models.feed",
    "models.events",
    "models.logistics",
    "models.membership",
    "models.aftersales",
    "models.community",
]


async def _enter_sqlite_transaction(self: Any) -> Any:
    """tortoise's SqliteTransactionContext.__aenter__, releasing the connection lock when the
    BEGIN is interrupted.

    tortoise takes the single SQLite connection's lock and then awaits BEGIN; a task
    cancelled there (a background job stopped at shutdown) left the lock taken for good, and
    every later statement of the process waited on it forever (seen as a test suite that
    stalled now and then right after a test app stopped).
    """
    await self._trxlock.acquire()
    self.token = None
    try:
        await self.ensure_connection()
        self.token = get_connections().set(self.connection_name, self.connection)
        await self.connection.begin()
    except BaseException:
        if self.token is not None:
            get_connections().reset(self.token)
        self._trxlock.release()
        raise
    return self.connection


SqliteTransactionContext.__aenter__ = _enter_sqlite_transaction  # type: ignore[method-assign]


async def release_connection(connection: Any) -> None:
    """Nothing more to undo when the pool takes a connection back.

    asyncpg rolls back a transaction left open before calling this; its default reset would
    then also run `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`, one
    more round trip for every statement, since tortoise gives its connection back after each
    one (5.9% of a feed server's CPU under load, besides the wait). Nothing here leaves such
    session state behind: no LISTEN, SET, cursor or session lock outlives the code that took
    it (the event relay ends its connection when its advisory lock cannot be released).
    """


def tortoise_config(settings: Settings) -> dict[str, Any]:
    """Tortoise config for the configured database; migrations live in `migrations/`."""
    url = settings.database_url
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    if url.startswith(("postgres://", "asyncpg://")) and "maxsize=" not in url:
        # tortoise's default pool (5) queues concurrent checkouts; ?maxsize= overrides this.
        url += ("&" if "?" in url else "?") + f"maxsize={POSTGRES_POOL_MAXSIZE}"
    connection: str | dict[str, Any] = url
    if url.startswith(("postgres://", "asyncpg://")):
        connection = expand_db_url(url)
        connection["credentials"]["reset"] = release_connection
    return {
        "connections": {"default": connection},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def init_db(settings: Settings) -> None:
    """Open the connection pool (schema comes from migrations, never from generate_schemas)."""
    # Uvicorn runs the lifespan in its own task; the global fallback lets request tasks
    # see the connections it opened (tortoise 1.x keeps its context in a contextvar).
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


async def apply_migrations(settings: Settings) -> None:
    """Apply every pending migration in `migrations/`."""
    from tortoise.migrations.api import migrate

    await migrate(config=tortoise_config(settings))
    await Tortoise.close_connections()


async def pending_migrations() -> list[str]:
    """Names of migration files not yet recorded as applied."""
    import pkgutil

    import migrations as migrations_package

    known = sorted(
        module.name
        for module in pkgutil.iter_modules(migrations_package.__path__)
        if module.name[:4].isdigit()
    )
    from tortoise import connections

    conn = connections.get("default")
    try:
        rows = await conn.execute_query_dict(
            "SELECT name FROM tortoise_migrations WHERE app = 'shopgraph'"
        )
    except Exception:
        return known
    applied = {row["name"] for row in rows}
    return [name for name in known if name not in applied]


def __getattr__(name: str) -> Any:
    # `tortoise makemigrations` reads TORTOISE_ORM from here; computed lazily so that
    # importing this module never touches the filesystem.
    if name == "TORTOISE_ORM":
        from api.settings import load_settings

        return tortoise_config(load_settings())
    raise AttributeError(name)
