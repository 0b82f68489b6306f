"""The ASGI application factory."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from api.cache import configure_cache
from api.carriers import carrier_events
from api.community import close_community, configure_community
from api.db import close_db, init_db
from api.graphiql import GRAPHIQL_STATIC_DIR, GRAPHIQL_STATIC_PREFIX
from api.graphql import ShopGraphQL
from api.health import healthz, readyz
from api.http_cache import HttpCache
from api.logs import configure_logging
from api.middleware import BodyLimitMiddleware, RequestIdMiddleware, SecurityHeadersMiddleware
from api.settings import ROOT_DIR, Settings, check_settings, config, load_settings
from api.subscriptions import SUBSCRIPTION_PROTOCOLS, Limits
from api.webhooks import configure_webhooks
from schema import build_schema
from services.accounts import tokens
from services.documents import TrustedDocuments
from services.events.runtime import build_runtime
from services.feed.registry import registry as feed_registry
from services.flows import reactions  # noqa: F401  (registers the consumers before start)
from services.orders import reservations
from services.ratelimit import OpenedOnStart, RateLimiter, build_rate_limiter

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
    check_settings(settings)

    def open_rate_limiter() -> RateLimiter:
        return rate_limiter or build_rate_limiter(
            redis_url=settings.redis_url,
            capacity=settings.rate_limit_capacity,
            restore_rate=settings.rate_limit_restore_rate,
        )

    # Opened and closed by the lifespan, so that its Redis connections are too.
    limiter = OpenedOnStart(open_rate_limiter)
    tokens.configure(secret=settings.secret_key)
    configure_community(settings)
    configure_webhooks(settings)  # also registers the webhook fan-out and delivery workers
    # 0 turns periodic retraining off (tests do); the first run is one interval after start.
    retrain_interval = config("SHOPGRAPH_RECOMMENDER_INTERVAL", cast=float, default=3600.0)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        configure_cache(settings)
        limiter.open()
        if manage_database:
            await init_db(settings)
        # Cancels unpaid orders whose stock reservation ran out, and restocks them.
        sweeper = asyncio.create_task(reservations.sweep_forever())
        background = [sweeper]
        events = build_runtime(
            redis_url=settings.redis_url,
            retention=timedelta(hours=settings.event_retention_hours),
            run_workers=settings.event_workers_in_server,
        )
        await events.start()
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
            await events.stop()
            await limiter.aclose()
            await close_community()
            if manage_database:
                await close_db()

    trusted = (
        TrustedDocuments(Path(settings.trusted_documents_file))
        if settings.trusted_documents
        else None
    )
    schema = build_schema(
        max_depth=settings.max_query_depth,
        max_tokens=settings.max_query_tokens,
        max_cost=settings.max_query_cost,
        rate_limiter=limiter,
        introspection=settings.introspection,
        suggestions=settings.field_suggestions,
        trusted_documents=trusted,
    )
    graphql_app = ShopGraphQL(
        schema,
        graphql_ide="graphiql" if settings.graphiql else None,
        allow_queries_via_get=True,
        trusted_documents=trusted,
        subscription_protocols=SUBSCRIPTION_PROTOCOLS,
        keep_alive=True,  # the legacy protocol's `ka`; graphql-transport-ws pings instead
        keep_alive_interval=settings.ws_keep_alive_seconds,
        connection_init_wait_timeout=timedelta(seconds=settings.ws_init_timeout_seconds),
        max_subscriptions_per_connection=settings.ws_max_subscriptions,
        subscription_limits=Limits(
            max_connections_per_caller=settings.ws_max_connections_per_caller,
            keep_alive_seconds=settings.ws_keep_alive_seconds,
            recheck_seconds=settings.ws_auth_recheck_seconds,
        ),
        http_cache=HttpCache(
            max_age=settings.http_cache_max_age,
            ttl=settings.response_cache_ttl,
            max_cost=settings.max_query_cost,
            limiter=limiter,
        ),
    )
    routes: list[BaseRoute] = [
        Route("/", _home),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
        Route("/carriers/{code}/events", carrier_events, methods=["POST"]),
        WebSocketRoute("/graphql", graphql_app),
    ]
    if settings.graphiql:
        static = StaticFiles(directory=GRAPHIQL_STATIC_DIR)
        routes.append(Mount(GRAPHIQL_STATIC_PREFIX, static, name="graphiql"))
    return Starlette(
        debug=settings.debug,
        routes=routes,
        middleware=edge_middleware(settings),
        lifespan=lifespan,
    )


# Browsers may call the API from these pages in development when no origin is configured.
LOCAL_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"
GZIP_MINIMUM_SIZE = 1024


def edge_middleware(settings: Settings) -> list[Middleware]:
    """Outermost first: request id, security headers, CORS, compression, then the body limit.

    Compression sits inside CORS and the header middleware (they only add headers) and
    outside the body limit, so that it sees the final body of every answer, refusals too.
    """
    local = None if settings.cors_origins or settings.is_production else LOCAL_ORIGINS
    return [
        Middleware(RequestIdMiddleware),
        Middleware(SecurityHeadersMiddleware, hsts=settings.is_production),
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_origin_regex=local,
            allow_methods=["GET", "POST"],
            allow_headers=[
                "authorization",
                "content-type",
                "if-none-match",
                "x-api-key",
                "x-cart-token",
                "x-request-id",
            ],
            expose_headers=["x-request-id", "retry-after", "etag"],
            max_age=600,
        ),
        # Below about 1 KB gzip saves too little to pay for itself; level 6 is gzip's own
        # default, most of level 9's saving at a fraction of its CPU.
        Middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_SIZE, compresslevel=6),
        Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
    ]


def create_served_app() -> Starlette:
    """The app as `shopgraph serve` runs it: logging set up in every worker process."""
    settings = load_settings()
    configure_logging(settings)
    return create_app(settings)
