"""Webhook delivery: events fanned out into delivery rows, and workers that send them.

At least once, in order per aggregate for one endpoint: a delivery is not claimed while an
earlier one of the same endpoint and aggregate is still pending. Workers claim rows with a
lease (`claimed_until`, longer than an attempt can last); on PostgreSQL `FOR UPDATE SKIP
LOCKED` lets several workers claim side by side without taking the same row, and a worker
that dies leaves its leases to run out, after which its rows are claimed again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import httpx
import orjson
from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from models.accounts import ApiKey
from models.events import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from models.events import WebhookDeliveryStatus as Status
from services import clock
from services.events import outbox, targets, webhooks
from services.events.consumers import OWNER, durable
from services.events.records import EventRecord, last_position
from services.events.runtime import WORKER_JOBS, EventRuntime
from services.events.types import SPECS, EventTypeName
from services.sql import is_postgres, marks
from services.transactions import transaction

logger = logging.getLogger("shopgraph.events.webhooks")
# Standard Webhooks' schedule: the first attempt at once, then after each failure these
# seconds (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h), each with +-10 % jitter.
SCHEDULE = (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)
JITTER = 0.1
MAX_RETRY_AFTER = 86400
EXCERPT = 500


@dataclass(frozen=True)
class DeliveryConfig:
    allow_private: bool = False
    connect_timeout: float = 5.0
    total_timeout: float = 15.0
    lease_seconds: float = 60.0
    disable_after: timedelta = timedelta(days=5)
    concurrency: int = 16
    poll_seconds: float = 0.5
    retention: timedelta = timedelta(hours=168)


CONFIG = DeliveryConfig()
# The delivery loops of this process, woken when the fan-out owes an endpoint something.
_wakers: list[Callable[[], None]] = []


def configure(**changes: object) -> DeliveryConfig:
    """Change the delivery settings of this process (start-up, tests); the new settings."""
    global CONFIG
    CONFIG = replace(CONFIG, **changes)  # type: ignore[arg-type]
    if CONFIG.lease_seconds <= CONFIG.total_timeout:
        raise ValueError("the claim lease must outlast an attempt's total timeout")
    return CONFIG


def next_delay(attempts: int, *, retry_after: float | None = None) -> float | None:
    """Seconds until the attempt after `attempts` failed ones; None when the schedule is over."""
    if attempts >= len(SCHEDULE):
        return None
    delay = SCHEDULE[attempts] * random.uniform(1 - JITTER, 1 + JITTER)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def retry_after_seconds(value: str | None, *, now: datetime) -> float | None:
    """`Retry-After` as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - now).total_seconds()) if when.tzinfo else None


PARTNER_TYPES = [name.value for name, spec in SPECS.items() if not spec.internal]


@durable("webhooks.fan-out", PARTNER_TYPES)
async def fan_out(record: EventRecord) -> None:
    """One delivery per active endpoint that wants `record` (idempotent: one per pair)."""
    for endpoint in await _active_endpoints(record.position):
        key: ApiKey = endpoint.api_key
        if key.revoked_at is None and webhooks.wants(endpoint, key, record):
            try:
                await webhooks.owe(endpoint, [record])
            except IntegrityError:  # deleted since the list was read: nothing is owed to it
                global _endpoints
                _endpoints = None
            for wake in _wakers:
                wake()


_endpoints: tuple[float, int, list[WebhookEndpoint]] | None = None
ENDPOINTS_TTL = 1.0


async def _active_endpoints(position: int) -> list[WebhookEndpoint]:
    """The active endpoints, read at most once a second during a burst.

    Complete for every event up to the stream position read before them: an endpoint
    created later starts after that position, so it wants none of those events. Changes to
    existing endpoints show within ENDPOINTS_TTL (a disabled one is not sent to anyway).
    """
    global _endpoints
    now = asyncio.get_running_loop().time()
    if _endpoints is None or position > _endpoints[1] or now - _endpoints[0] > ENDPOINTS_TTL:
        seen = await last_position()
        rows = await WebhookEndpoint.filter(is_active=True).select_related("api_key")
        _endpoints = (now, seen, list(rows))
    return _endpoints[2]


async def claim(limit: int) -> list[int]:
    """Lease up to `limit` due deliveries to this process; their ids."""
    conn = connections.get("default")
    now = clock.now()
    m = marks(conn, 5)
    lock = " FOR UPDATE OF d SKIP LOCKED" if is_postgres(conn) else ""
    rows = await conn.execute_query_dict(
        f"UPDATE webhook_delivery SET claimed_until = {m[0]}, claimed_by = {m[1]} "
        "WHERE id IN (SELECT d.id FROM webhook_delivery d "
        "JOIN webhook_endpoint e ON e.id = d.endpoint_id "
        f"WHERE d.status = 'PENDING' AND e.is_active AND d.next_attempt_at <= {m[2]} "
        f"AND (d.claimed_until IS NULL OR d.claimed_until < {m[3]}) "
        "AND NOT EXISTS (SELECT 1 FROM webhook_delivery p WHERE p.endpoint_id = d.endpoint_id "
        "AND p.aggregate_key = d.aggregate_key AND p.event_position < d.event_position "
        "AND p.status = 'PENDING') "
        f"ORDER BY d.next_attempt_at, d.id LIMIT {m[4]}{lock}) RETURNING id",
        [now + timedelta(seconds=CONFIG.lease_seconds), OWNER, now, now, limit],
    )
    return [int(row["id"]) for row in rows]


@dataclass
class Outcome:
    status_code: int | None = None
    error: str = ""
    excerpt: str = ""
    retry_after: float | None = None
    latency_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


async def send(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """One POST to `url` after checking where it goes; redirects are not followed."""
    started = asyncio.get_running_loop().time()
    outcome = Outcome()
    try:
        target = await targets.resolve(url, allow_private=CONFIG.allow_private)
        request_url = httpx.URL(url).copy_with(host=target.address)
        timeout = httpx.Timeout(CONFIG.total_timeout, connect=CONFIG.connect_timeout)
        async with asyncio.timeout(CONFIG.total_timeout):
            response = await _client(timeout).post(
                request_url,
                content=body,
                headers={**headers, "host": httpx.URL(url).netloc.decode()},
                extensions={"sni_hostname": target.host},
            )
        outcome.status_code = response.status_code
        outcome.excerpt = response.text[:EXCERPT]
        if response.status_code in (429, 503):
            outcome.retry_after = retry_after_seconds(
                response.headers.get("retry-after"), now=clock.now()
            )
        if 300 <= response.status_code < 400:
            outcome.error = "redirects are not followed"
    except targets.RefusedTarget as refused:
        outcome.error = f"refused: {refused}"
    except TimeoutError:
        outcome.error = "timed out"
    except httpx.HTTPError as error:
        outcome.error = f"{type(error).__name__}: {error}"[:300]
    outcome.latency_ms = int((asyncio.get_running_loop().time() - started) * 1000)
    return outcome


_clients: dict[tuple[float, float], httpx.AsyncClient] = {}


def _client(timeout: httpx.Timeout) -> httpx.AsyncClient:
    key = (timeout.read or 0.0, timeout.connect or 0.0)
    if key not in _clients:
        _clients[key] = httpx.AsyncClient(
            timeout=timeout, follow_redirects=False, trust_env=False, verify=True
        )
    return _clients[key]


async def attempt(delivery_id: int) -> Outcome | None:
    """Send one claimed delivery and record the outcome; None if it was not ours to send."""
    delivery = await WebhookDelivery.get_or_none(
        id=delivery_id, claimed_by=OWNER, status=Status.PENDING
    ).select_related("endpoint")
    if delivery is None:
        return None
    endpoint: WebhookEndpoint = delivery.endpoint
    now = clock.now()
    body = orjson.dumps(delivery.payload)
    try:
        headers = outbox_headers(endpoint, delivery, body, now=now)
    except ValueError as unreadable:  # a secret sealed under a former server key
        outcome = Outcome(error=str(unreadable))
    else:
        outcome = await send(endpoint.url, body, headers)
    await record(delivery, endpoint, outcome)
    return outcome


def outbox_headers(
    endpoint: WebhookEndpoint, delivery: WebhookDelivery, body: bytes, *, now: datetime
) -> dict[str, str]:
    secrets = webhooks.secrets_in_use(endpoint, now=now)
    return {
        **webhooks.signing.headers(
            secrets, msg_id=delivery.event_id, timestamp=int(now.timestamp()), body=body
        ),
        "user-agent": "shopgraph-webhooks/1",
    }


async def record(delivery: WebhookDelivery, endpoint: WebhookEndpoint, outcome: Outcome) -> None:
    """Log the attempt, then schedule the next one, or finish, or disable the endpoint."""
    now = clock.now()
    number = delivery.attempts + 1
    mine = Q(id=delivery.id, claimed_by=OWNER)
    async with transaction():
        await WebhookAttempt.create(
            delivery_id=delivery.id,
            number=number,
            status_code=outcome.status_code,
            latency_ms=outcome.latency_ms,
            error=outcome.error[:300],
            response_excerpt=outcome.excerpt,
            worker=OWNER,
        )
        if outcome.ok:
            await WebhookDelivery.filter(mine).update(
                status=Status.SUCCEEDED, attempts=number, last_status_code=outcome.status_code,
                delivered_at=now, claimed_until=None, claimed_by=None,
            )  # fmt: skip
            if endpoint.failing_since is not None:
                await WebhookEndpoint.filter(id=endpoint.id).update(failing_since=None)
            return
        delay = next_delay(number, retry_after=outcome.retry_after)
        await WebhookDelivery.filter(mine).update(
            status=Status.PENDING if delay is not None else Status.FAILED,
            attempts=number,
            last_status_code=outcome.status_code,
            next_attempt_at=now + timedelta(seconds=delay) if delay is not None else None,
            claimed_until=None,
            claimed_by=None,
        )
        failing_since = endpoint.failing_since or now
        if endpoint.failing_since is None:
            await WebhookEndpoint.filter(id=endpoint.id, failing_since__isnull=True).update(
                failing_since=now
            )
        if outcome.status_code == 410:
            await disable(endpoint, reason="the receiver answered 410 Gone")
        elif now - failing_since >= CONFIG.disable_after:
            await disable(endpoint, reason=f"failing since {failing_since.isoformat()}")


async def disable(endpoint: WebhookEndpoint, *, reason: str) -> None:
    """Stop sending to `endpoint` and tell its owner by an event (inside a transaction)."""
    changed = await WebhookEndpoint.filter(id=endpoint.id, is_active=True).update(
        is_active=False, disabled_reason=reason[:200]
    )
    if changed:
        logger.warning("webhook endpoint %s disabled: %s", endpoint.id, reason)
        await outbox.emit(
            EventTypeName.WEBHOOK_ENDPOINT_DISABLED,
            aggregate_id=endpoint.id,
            payload={
                "endpointId": endpoint.id,
                "apiKeyId": endpoint.api_key_id,  # type: ignore[attr-defined]
                "url": endpoint.url,
                "reason": reason,
            },
        )


async def forget_old_payloads() -> int:
    """Drop payloads of finished deliveries older than the retention window."""
    cutoff = clock.now() - CONFIG.retention
    return await WebhookDelivery.filter(
        created_at__lt=cutoff, status__in=[Status.SUCCEEDED, Status.FAILED]
    ).update(payload=None)


async def deliver_forever(runtime: EventRuntime) -> None:
    """Claim and send due deliveries, at most `concurrency` at once, until cancelled."""
    wake = asyncio.Event()
    _wakers.append(wake.set)
    running: set[asyncio.Task[Outcome | None]] = set()
    swept_at = 0.0
    loop = asyncio.get_running_loop()
    try:
        while True:
            free = CONFIG.concurrency - len(running)
            ids: list[int] = []
            if free > 0:
                try:
                    ids = await claim(free)
                    if loop.time() - swept_at > 3600:
                        swept_at = loop.time()
                        await forget_old_payloads()
                except Exception:
                    logger.exception("claiming webhook deliveries failed")
            for delivery_id in ids:
                task = asyncio.create_task(attempt(delivery_id))
                running.add(task)
                task.add_done_callback(_finished(running))
            if ids and len(running) < CONFIG.concurrency:
                continue
            waiters: list[asyncio.Future[object]] = [asyncio.ensure_future(wake.wait())]
            waiters.extend(running)  # type: ignore[arg-type]
            await asyncio.wait(
                waiters, timeout=CONFIG.poll_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            waiters[0].cancel()
            wake.clear()
    finally:
        _wakers.remove(wake.set)
        for task in running:
            task.cancel()
        for task in list(running):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _finished(running: set[asyncio.Task[Outcome | None]]):  # type: ignore[no-untyped-def]
    def done(task: asyncio.Task[Outcome | None]) -> None:
        running.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("webhook attempt failed", exc_info=task.exception())

    return done


WORKER_JOBS["webhook-deliveries"] = deliver_forever
