"""Receiving a carrier's push: find the carrier, verify its signature, parse its format,
ingest. Every refusal is a PushRefused with the HTTP status the endpoint answers."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import orjson

from models.logistics import Carrier, PushFormat
from services.logistics import adapters, signatures, tracking
from services.logistics.carriers import CODE

logger = logging.getLogger("shopgraph.logistics.pushes")


class PushRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


async def receive(*, code: str, body: bytes, headers: Mapping[str, str]) -> tracking.IngestResult:
    """Verify and ingest one push to `/carriers/<code>/events`."""
    code = code.lower()
    carrier = await Carrier.filter(code=code, is_active=True).first() if CODE.match(code) else None
    if carrier is None:
        raise _refuse(404, "CARRIER_NOT_FOUND", f"no carrier {code[:32]!r}", code)
    problem = signatures.verify(
        PushFormat(carrier.push_format), carrier.signing_secret, body, headers
    )
    if problem is not None:
        raise _refuse(401, "SIGNATURE_INVALID", problem, code)
    try:
        decoded: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise _refuse(400, "BODY_INVALID", "the body is not JSON", code) from None
    try:
        updates = adapters.parse(carrier.push_format, decoded)
    except adapters.PushInvalid as invalid:
        raise _refuse(400, "BODY_INVALID", str(invalid), code) from None
    return await tracking.ingest(carrier=carrier, updates=updates, source=f"push:{code}")


def _refuse(status: int, kind: str, message: str, code: str) -> PushRefused:
    # One line, no traceback: a refused push is the sender's mistake (or an attack).
    logger.warning("carrier push to %s refused (%s): %s", code[:32], status, message[:200])
    return PushRefused(status, kind, message)
