"""`shopgraph serve` and `shopgraph worker`: the processes that run the API and its jobs."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import sys
from typing import Any

from api.settings import Settings, config


def server_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn runs the app; `benchmarks/http` starts its servers with the same options.

    uvloop and httptools (uvicorn[standard]) are named rather than left to `auto`, so that a
    missing one shows here instead of silently costing a third of the throughput; the
    access log is off in production, where it costs a log line per request (the request id
    middleware still stamps every log line that a request writes).
    """
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    access_log = config("SHOPGRAPH_ACCESS_LOG", cast=bool, default=not settings.is_production)
    return {
        "loop": loop,
        "http": http,
        "workers": config("SHOPGRAPH_WORKERS", cast=int, default=1),
        "access_log": access_log,
    }


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.logs import configure_logging

    configure_logging(settings)
    options = server_options(settings)
    if args.workers is not None:
        options["workers"] = args.workers
    if args.access_log is not None:
        options["access_log"] = args.access_log
    uvicorn.run(
        "api.app:create_served_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        reload=args.reload,
        log_level=settings.log_level.lower(),
        **options,
    )
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from api.logs import configure_logging
    from api.worker import MigrationsPending, run_worker

    configure_logging(settings)
    try:
        asyncio.run(run_worker(settings))
    except MigrationsPending as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
