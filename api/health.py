"""Liveness and readiness endpoints for load balancers and orchestrators."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise import connections

from api.db import pending_migrations


async def healthz(request: Request) -> JSONResponse:
    """The process is alive and serving."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Ready when the database answers and every migration is applied."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as error:
        return JSONResponse(
            {"status": "unavailable", "database": f"unreachable: {type(error).__name__}"},
            status_code=503,
        )
    pending = await pending_migrations()
    if pending:
        return JSONResponse(
            {"status": "unavailable", "database": "ok", "pendingMigrations": pending},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "database": "ok", "pendingMigrations": []})
