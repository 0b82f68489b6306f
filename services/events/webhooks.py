"""Webhook endpoints of partner apps: register, change, rotate secrets, redeliver and replay.

An endpoint belongs to an API key (the partner app): it receives only event types the key's
scopes allow, and `webhook.endpoint_disabled` about its own endpoints.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from models.accounts import ApiKey
from models.events import DomainEvent, WebhookDelivery, WebhookEndpoint
from models.events import WebhookDeliveryStatus as Status
from services import clock
from services.errors import DomainError
from services.events import signing, targets
from services.events.errors import EventErrorCode as Code
from services.events.records import EventRecord, last_position
from services.events.types import SPECS, EventTypeName
from services.transactions import transaction

MAX_ENDPOINTS_PER_KEY = 20
MAX_DOCUMENT = 20_000
MAX_REPLAY = 10_000
ROTATION_OVERLAP = timedelta(hours=24)
DISABLED_TYPE = EventTypeName.WEBHOOK_ENDPOINT_DISABLED.value
# Set by the schema layer at start-up: (document, event, api key id) -> the `data` of a
# delivery whose endpoint defines its payload with a subscription document.
Renderer = Callable[[str, EventRecord, int], Awaitable[dict[str, Any]]]
_renderer: Renderer | None = None


def set_renderer(renderer: Renderer) -> None:
    global _renderer
    _renderer = renderer


def types_for_key(key: ApiKey) -> set[str]:
    """The event types a partner's key may follow."""
    scopes = set(key.scopes or [])
    allowed = {
        name.value
        for name, spec in SPECS.items()
        if not spec.internal and spec.scope is not None and spec.scope.value in scopes
    }
    return allowed | {DISABLED_TYPE}


def _check_types(key: ApiKey, event_types: Iterable[str]) -> list[str]:
    wanted = sorted(set(event_types))
    if not wanted:
        raise DomainError(Code.REQUIRED, "Name at least one event type.", field="event_types")
    known = {name.value for name in SPECS}
    allowed = types_for_key(key)
    for name in wanted:
        if name not in known:
            raise DomainError(
                Code.UNKNOWN_EVENT_TYPE, f"No event type {name[:64]!r}.", field="event_types"
            )
        if name not in allowed:
            raise DomainError(
                Code.EVENT_TYPE_NOT_ALLOWED,
                f"This API key's scopes do not allow {name}.",
                field="event_types",
            )
    return wanted


def _check_document(document: str | None) -> str | None:
    if document is None or not document.strip():
        return None
    if len(document) > MAX_DOCUMENT:
        raise DomainError(
            Code.TOO_LONG, f"At most {MAX_DOCUMENT} characters.", field="subscription_query"
        )
    return document


async def create_endpoint(
    *,
    api_key: ApiKey,
    url: str,
    event_types: Iterable[str],
    subscription_query: str | None = None,
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its `whsec_` secret, which exists in plain only in this return."""
    checked = targets.check_url(url)
    types = _check_types(api_key, event_types)
    document = _check_document(subscription_query)
    if await WebhookEndpoint.filter(api_key_id=api_key.id).count() >= MAX_ENDPOINTS_PER_KEY:
        raise DomainError(
            Code.LIMIT_REACHED, f"An API key has at most {MAX_ENDPOINTS_PER_KEY} endpoints."
        )
    secret = signing.new_secret()
    endpoint = await WebhookEndpoint.create(
        api_key_id=api_key.id,
        url=checked,
        event_types=types,
        subscription_query=document,
        secret_ciphertext=signing.seal(secret),
        after_position=await last_position(),
    )
    return endpoint, secret


@dataclass(frozen=True)
class EndpointChanges:
    url: str | None = None
    event_types: list[str] | None = None
    subscription_query: str | None = None
    clear_subscription_query: bool = False
    active: bool | None = None


async def update_endpoint(*, endpoint: WebhookEndpoint, changes: EndpointChanges) -> None:
    """Change an endpoint; re-activating it resumes its pending deliveries."""
    key = await ApiKey.get(id=endpoint.api_key_id)  # type: ignore[attr-defined]
    if changes.url is not None:
        endpoint.url = targets.check_url(changes.url)
    if changes.event_types is not None:
        endpoint.event_types = _check_types(key, changes.event_types)
    if changes.clear_subscription_query:
        endpoint.subscription_query = None
    elif changes.subscription_query is not None:
        endpoint.subscription_query = _check_document(changes.subscription_query)
    if changes.active is True:
        endpoint.is_active, endpoint.disabled_reason, endpoint.failing_since = True, "", None
    elif changes.active is False:
        endpoint.is_active, endpoint.disabled_reason = False, "disabled by its owner"
    await endpoint.save()


async def delete_endpoint(*, endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint with its deliveries and their log."""
    await endpoint.delete()


async def rotate_secret(*, endpoint: WebhookEndpoint, overlap: timedelta = ROTATION_OVERLAP) -> str:
    """A new secret; the old one keeps signing (beside it) for `overlap`."""
    secret = signing.new_secret()
    endpoint.previous_secret_ciphertext = endpoint.secret_ciphertext
    endpoint.previous_secret_until = clock.now() + overlap
    endpoint.secret_ciphertext = signing.seal(secret)
    await endpoint.save(
        update_fields=[
            "previous_secret_ciphertext",
            "previous_secret_until",
            "secret_ciphertext",
            "updated_at",
        ]
    )
    return secret


def secrets_in_use(endpoint: WebhookEndpoint, *, now: datetime) -> list[str]:
    """The secrets that sign a delivery now: the current one, and a rotated one in overlap."""
    found = [signing.unseal(endpoint.secret_ciphertext)]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret_ciphertext and until is not None and until > now:
        found.append(signing.unseal(endpoint.previous_secret_ciphertext))
    return found


def wants(
    endpoint: WebhookEndpoint, key: ApiKey, record: EventRecord, *, replay: bool = False
) -> bool:
    """Whether `record` is owed to `endpoint` of `key` (a replay may reach further back)."""
    if record.type not in endpoint.event_types:
        return False
    if record.position <= endpoint.after_position and not replay:
        return False
    if record.type == DISABLED_TYPE:
        return str(record.payload.get("apiKeyId")) == str(key.id)
    return record.type in types_for_key(key)


async def payload_for(endpoint: WebhookEndpoint, record: EventRecord) -> dict[str, Any]:
    """The body of a delivery: `{"type", "timestamp", "data"}` (Standard Webhooks)."""
    if endpoint.subscription_query and _renderer is not None:
        data = await _renderer(endpoint.subscription_query, record, endpoint.api_key_id)  # type: ignore[attr-defined]
    else:
        data = record.as_dict()
    return {"type": record.type, "timestamp": record.occurred_at.isoformat(), "data": data}


async def owe(endpoint: WebhookEndpoint, records: Iterable[EventRecord]) -> int:
    """Deliveries of `records` to `endpoint`, skipping those it already has."""
    rows = [
        WebhookDelivery(
            endpoint_id=endpoint.id,
            event_id=record.id,
            event_type=record.type,
            event_position=record.position,
            aggregate_key=f"{record.aggregate_type}:{record.aggregate_id}"[:100],
            next_attempt_at=clock.now(),
            payload=await payload_for(endpoint, record),
        )
        for record in records
    ]
    if not rows:
        return 0
    await WebhookDelivery.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


async def redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again, now, with a fresh retry schedule."""
    if delivery.payload is None:
        raise DomainError(
            Code.PAYLOAD_EXPIRED, "Its payload is past the retention window.", field="id"
        )
    await WebhookDelivery.filter(id=delivery.id).update(
        status=Status.PENDING, attempts=0, next_attempt_at=clock.now(), claimed_until=None
    )
    await delivery.refresh_from_db()
    return delivery


async def replay(*, endpoint: WebhookEndpoint, start: datetime, end: datetime) -> int:
    """Send again every event of the endpoint's types that occurred in [start, end)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise DomainError(Code.INVALID_RANGE, "Give times with an offset (UTC).", field="from")
    if end <= start:
        raise DomainError(Code.INVALID_RANGE, "`to` must be after `from`.", field="to")
    key = await ApiKey.get(id=endpoint.api_key_id)  # type: ignore[attr-defined]
    events = await (
        DomainEvent.filter(
            occurred_at__gte=start,
            occurred_at__lt=end,
            position__isnull=False,
            type__in=list(endpoint.event_types),
        )
        .order_by("position")
        .limit(MAX_REPLAY + 1)
    )
    if len(events) > MAX_REPLAY:
        raise DomainError(
            Code.LIMIT_REACHED, f"At most {MAX_REPLAY} events at once: narrow the range."
        )
    records = [EventRecord.from_model(event) for event in events]
    records = [record for record in records if wants(endpoint, key, record, replay=True)]
    async with transaction():
        await WebhookDelivery.filter(
            endpoint_id=endpoint.id, event_id__in=[r.id for r in records]
        ).update(status=Status.PENDING, attempts=0, next_attempt_at=clock.now(), claimed_until=None)
        await owe(endpoint, records)
    return len(records)
