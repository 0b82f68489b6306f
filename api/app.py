"""The ASGI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import sys
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from api.cache import configure_cache
from api.db import close_db, init_db
from api.graphiql import GRAPHIQL_STATIC_DIR, GRAPHIQL_STATIC_PREFIX
from api.graphql import ShopGraphQL
from api.health import healthz, readyz
from api.middleware import RequestIdMiddleware
from api.settings import ROOT_DIR, Settings, config, load_settings
from schema import build_schema
from services.accounts import tokens
from services.feed.registry import registry as feed_registry
from services.orders import reservations
from services.ratelimit import RateLimiter, build_rate_limiter


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


logger = logging.getLogger("shopgraph")


async def retrain_forever(settings: Settings, interval: float) -> None:
    """Every `interval` seconds, `shopgraph recommender train` in a separate process.

    Training is CPU-bound for up to a minute; in its own process it never stalls requests.
    Workers pick the new model up through the CURRENT pointer; when several workers run this
    loop, the training lock lets one of them train and the others skip.
    """
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SHOPGRAPH_MODEL_DIR": str(feed_registry.directory),
    }
    while True:
        await asyncio.sleep(interval)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "api.cli", "recommender", "train", "--quiet",
            cwd=ROOT_DIR, env=env,
        )  # fmt: skip
        try:
            code = await process.wait()
        except asyncio.CancelledError:
            if process.returncode is None:
                process.terminate()
                await process.wait()
            raise
        if code != 0:
            logger.warning("recommender training exited with %s", code)


async def _home(request: Request) -> RedirectResponse:
    return RedirectResponse("/graphql")


def create_app(
    settings: Settings | None = None,
    *,
    manage_database: bool = True,
    rate_limiter: RateLimiter | None = None,
) -> Starlette:
    """Build the app; with `manage_database` the lifespan opens and closes the pool."""
    settings = settings or load_settings()
    limiter = rate_limiter or build_rate_limiter(
        redis_url=settings.redis_url,
        capacity=settings.rate_limit_capacity,
        restore_rate=settings.rate_limit_restore_rate,
    )
    tokens.configure(secret=settings.secret_key)
    # 0 turns periodic retraining off (tests do); the first run is one interval after start.
    retrain_interval = config("SHOPGRAPH_RECOMMENDER_INTERVAL", cast=float, default=3600.0)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        configure_cache(settings)
        if manage_database:
            await init_db(settings)
        # Cancels unpaid orders whose stock reservation ran out, and restocks them.
        sweeper = asyncio.create_task(reservations.sweep_forever())
        background = [sweeper]
        if retrain_interval > 0:
            background.append(asyncio.create_task(retrain_forever(settings, retrain_interval)))
        # Modules, the schema and other start-up objects live as long as the process: moved
        # out of the collector's sight, full collections stay short (no 50 ms request stalls).
        gc.freeze()
        try:
            yield
        finally:
            for task in background:
                task.cancel()
            for task in background:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await limiter.aclose()
            if manage_database:
                await close_db()

    schema = build_schema(
        max_depth=settings.max_query_depth,
        max_tokens=settings.max_query_tokens,
        max_cost=settings.max_query_cost,
        rate_limiter=limiter,
    )
    graphql_app = ShopGraphQL(schema, graphql_ide="graphiql", allow_queries_via_get=True)
    routes = [
        Route("/", _home),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        Mount(GRAPHIQL_STATIC_PREFIX, StaticFiles(directory=GRAPHIQL_STATIC_DIR), name="graphiql"),
    ]
    return Starlette(
        debug=settings.debug,
        routes=routes,
        middleware=[Middleware(RequestIdMiddleware)],
        lifespan=lifespan,
    )
