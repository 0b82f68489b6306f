"""Log set-up: one format for every logger, and the request id on every line of a request."""

from __future__ import annotations

import contextvars
import logging
import sys
from typing import IO

from pythonjsonlogger.json import JsonFormatter

from api.settings import Settings

# Set by the request-id middleware for the duration of one request (tasks copy it).
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
JSON_FIELDS = ["asctime", "levelname", "name", "request_id", "message"]
# Servers whose own handlers would bypass ours; in JSON mode they log through the root.
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request it was logged in ("-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


def build_handler(settings: Settings, stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing `settings.log_format` ("text" or "json") lines to `stream`."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    if settings.log_format == "json":
        handler.setFormatter(
            JsonFormatter(JSON_FIELDS, rename_fields={"asctime": "time", "levelname": "level"})
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    return handler


def configure_logging(settings: Settings) -> None:
    """Send every log record through one handler of the configured format."""
    root = logging.getLogger()
    for existing in [h for h in root.handlers if getattr(h, "shopgraph", False)]:
        root.removeHandler(existing)
    handler = build_handler(settings)
    handler.shopgraph = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    if settings.log_format == "json":
        for name in SERVER_LOGGERS:
            server_logger = logging.getLogger(name)
            server_logger.handlers.clear()
            server_logger.propagate = True
