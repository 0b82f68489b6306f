"""The ASGI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import logging
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
from api.settings import Settings, load_settings
from schema import build_schema
from services.accounts import tokens
from services.orders import reservations


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


async def _home(request: Request) -> RedirectResponse:
    return RedirectResponse("/graphql")


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Starlette:
    """Build the app; with `manage_database` the lifespan opens and closes the pool."""
    settings = settings or load_settings()
    tokens.configure(secret=settings.secret_key)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        configure_cache(settings)
        if manage_database:
            await init_db(settings)
        # Cancels unpaid orders whose stock reservation ran out, and restocks them.
        sweeper = asyncio.create_task(reservations.sweep_forever())
        try:
            yield
        finally:
            sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sweeper
            if manage_database:
                await close_db()

    schema = build_schema(max_depth=settings.max_query_depth, max_tokens=settings.max_query_tokens)
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
