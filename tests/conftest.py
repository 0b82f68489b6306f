"""Shared fixtures: a real database (SQLite, or PostgreSQL with DATABASE_URL) and an HTTP client."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from api.app import create_app
from api.db import apply_migrations, close_db, init_db
from api.settings import Settings, load_settings

DEMO_PRODUCTS = 120


def using_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))


async def _reset_postgres(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    # A bucket no test run can empty: tests/api/test_rate_limit.py builds its own small ones.
    base = replace(load_settings(), rate_limit_capacity=10**9, rate_limit_restore_rate=10.0**9)
    if using_postgres():
        return base
    path: Path = tmp_path_factory.mktemp("db") / "test.sqlite3"
    return replace(base, database_url=f"sqlite://{path}")


@pytest.fixture(scope="session")
async def database(settings: Settings) -> AsyncIterator[Settings]:
    """A freshly migrated database shared by the session."""
    if settings.is_postgres:
        await _reset_postgres(settings.database_url)
    await apply_migrations(settings)
    await init_db(settings)
    yield settings
    await close_db()


@pytest.fixture(scope="session")
async def demo_store(database: Settings) -> dict[str, int]:
    """The deterministic demo store, seeded once per session."""
    from services.demo import seed_demo_store

    return await seed_demo_store(products=DEMO_PRODUCTS, seed=7)


@pytest.fixture(scope="session")
async def app(database: Settings) -> AsyncIterator[Any]:
    application = create_app(database, manage_database=False)
    # A loaded CI machine may need more than the library's 5 s to stop the background jobs.
    async with LifespanManager(application, startup_timeout=30, shutdown_timeout=30):
        from services import cache

        # A Redis shared with earlier runs may hold answers about another database.
        await cache.backend().clear()
        yield application


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@dataclass
class GraphQLClient:
    http: httpx.AsyncClient
    headers: dict[str, str] = field(default_factory=dict)

    async def __call__(
        self, query: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={**self.headers, **headers},
        )
        assert response.status_code in (200, 400), response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


# Set while counting: tasks the request starts copy it, the app's background tasks (event
# relay, consumers, webhook workers, sweepers), started before, do not see it.
_COUNTING: ContextVar[bool] = ContextVar("counting_queries", default=False)


class _QueryCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # Each worker re-reads the catalog version at most once a second
        # (services/catalog/versioning.py): the clock, not the request, decides whether that
        # read falls inside a counted window, so it is not counted.
        if '"catalog_version"' in message or " catalog_version " in message:
            return
        if not _COUNTING.get():
            return  # a background task's statement, not the counted code's
        if message.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
            self.statements.append(message)


@contextmanager
def _count_queries() -> Iterator[_QueryCounter]:
    logger = logging.getLogger("tortoise.db_client")
    counter = _QueryCounter()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(counter)
    token = _COUNTING.set(True)
    try:
        yield counter
    finally:
        _COUNTING.reset(token)
        logger.removeHandler(counter)
        logger.setLevel(previous)


@pytest.fixture
def count_queries() -> Any:
    """Context manager that records every SQL statement tortoise sends."""
    return _count_queries


# A test stuck this long gets every asyncio task's stack printed (faulthandler, set in
# pyproject.toml, shows only threads, and an async test waits in the event loop's select).
STUCK_SECONDS = float(os.environ.get("SHOPGRAPH_TEST_STUCK_SECONDS", "240"))


def _print_tasks(request: pytest.FixtureRequest) -> None:
    import asyncio
    import sys

    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():  # a stuck test's output would never show
        name = request.node.nodeid
        print(f"\n=== {name} still running after {STUCK_SECONDS:.0f} s:", file=sys.stderr)
        for task in asyncio.all_tasks():
            print(f"--- {task.get_name()}", file=sys.stderr)
            awaited: Any = task.get_coro()
            while awaited is not None:  # the whole await chain, not just the outer frame
                frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "gi_frame", None)
                if frame is not None:
                    code = frame.f_code
                    print(
                        f"    {code.co_filename}:{frame.f_lineno} {code.co_name}", file=sys.stderr
                    )
                awaited = getattr(awaited, "cr_await", None) or getattr(
                    awaited, "gi_yieldfrom", None
                )
            if awaited is None and not task.done():
                print(f"    waiting on {task._fut_waiter!r}"[:300], file=sys.stderr)


@pytest.fixture(autouse=True)
async def _report_stuck_tasks(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    import asyncio
    import threading

    loop = asyncio.get_running_loop()
    timer = threading.Timer(STUCK_SECONDS, lambda: loop.call_soon_threadsafe(_print_tasks, request))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
