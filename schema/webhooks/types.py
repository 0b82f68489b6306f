"""Webhook types: endpoints, deliveries and attempts, their enums, errors and queries."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Self, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models import events as m
from resolvers.context import Info
from resolvers.events import webhooks as ops
from schema.connections import CountedConnection
from schema.events import EventType
from schema.nodes import LoadedNode, optional_typed_pk
from services.events.errors import EventErrorCode as EventErrorCodeSpec
from services.events.types import EventTypeName

EventErrorCode = strawberry.enum(
    EventErrorCodeSpec,
    name="EventErrorCode",
    description="Why a webhook operation failed. NOT_FOUND also answers for endpoints and "
    "deliveries of other API keys; EVENT_TYPE_NOT_ALLOWED: the key's scopes do not cover the "
    "type; PRIVATE_ADDRESS: the URL points into a private network; PAYLOAD_EXPIRED: the "
    "delivery is older than the retention window (replay its time range instead).",
)
WebhookDeliveryStatus = strawberry.enum(
    m.WebhookDeliveryStatus,
    name="WebhookDeliveryStatus",
    description="PENDING: not yet delivered (waiting for its next attempt, or for an earlier "
    "event of the same aggregate); SUCCEEDED: the receiver answered 2xx; FAILED: every "
    "attempt of the retry schedule failed.",
)


@strawberry.type(description="A failed webhook operation: which input field and why.")
class EventError:
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase), or null when it is not one field."
    )
    message: str = strawberry.field(description="A sentence to show the developer.")
    code: EventErrorCode  # type: ignore[valid-type]


class WebhookNode(LoadedNode):
    loader_group: ClassVar[str] = "webhooks"


@strawberry.type(
    name="WebhookEndpoint",
    description="Where a partner app receives events, signed the Standard Webhooks way. "
    "Visible to the API key that owns it and to staff with MANAGE_API_KEYS.",
)
class WebhookEndpointType(WebhookNode):
    loader: ClassVar[str] = "endpoint_by_id"
    id: relay.NodeID[int]
    url: str = strawberry.field(description="The URL events are POSTed to.")
    event_types: list[EventType]  # type: ignore[valid-type]
    subscription_query: str | None = strawberry.field(
        description="The document that shapes each delivery's `data` (null: the event "
        "envelope), e.g. `subscription { event { id type order { number status } } }`."
    )
    active: bool = strawberry.field(
        description="False once disabled (by 410 Gone, by failing "
        "for days, or by its owner); set it back with webhookEndpointUpdate."
    )
    disabled_reason: str = strawberry.field(description="Why it was disabled; empty if active.")
    previous_secret_expires_at: datetime | None = strawberry.field(
        description="Until then deliveries carry a signature by the previous secret as well."
    )
    created_at: datetime

    @classmethod
    def visible(cls, info: Info, row: m.WebhookEndpoint) -> bool:
        return ops.may_see(info, row)

    @classmethod
    def from_model(cls, row: m.WebhookEndpoint) -> Self:
        return cls(
            id=row.id,
            url=row.url,
            event_types=[EventTypeName(t) for t in row.event_types if t in _TYPES],
            subscription_query=row.subscription_query,
            active=row.is_active,
            disabled_reason=row.disabled_reason,
            previous_secret_expires_at=row.previous_secret_until,
            created_at=row.created_at,
        )


_TYPES = {name.value for name in EventTypeName}


@strawberry.type(name="WebhookAttempt", description="One HTTP request of a delivery.")
class WebhookAttemptType:
    number: int = strawberry.field(description="1 for the first attempt (again after redelivery).")
    status_code: int | None = strawberry.field(description="null: no answer (see `error`).")
    latency_ms: int
    error: str = strawberry.field(description="Why it failed without an answer, or with 3xx.")
    response_excerpt: str = strawberry.field(description="The first 500 characters answered.")
    created_at: datetime


@strawberry.type(
    name="WebhookDelivery",
    description="One event owed to one endpoint, and how its attempts went.",
)
class WebhookDeliveryType(WebhookNode):
    loader: ClassVar[str] = "delivery_by_id"
    id: relay.NodeID[int]
    event_id: str = strawberry.field(description="The event's id, sent as `webhook-id`.")
    event_type: EventType  # type: ignore[valid-type]
    status: WebhookDeliveryStatus  # type: ignore[valid-type]
    attempts: int = strawberry.field(description="Attempts made since it was (re)queued.")
    last_status_code: int | None
    next_attempt_at: datetime | None = strawberry.field(description="null unless PENDING.")
    delivered_at: datetime | None
    created_at: datetime
    payload: JSON | None = strawberry.field(
        description="The body sent; null after the retention window."
    )
    endpoint_id: strawberry.Private[int]

    @strawberry.field(description="The endpoint it is for.")
    async def endpoint(self, info: Info) -> WebhookEndpointType | None:
        row = await info.context.loaders.webhooks.endpoint_by_id.load(self.endpoint_id)
        return WebhookEndpointType.from_model(row) if row is not None else None

    @strawberry.field(description="Every attempt, oldest first.")
    async def attempt_log(self, info: Info) -> list[WebhookAttemptType]:
        rows = await info.context.loaders.webhooks.attempts_by_delivery_id.load(self.id)
        return [
            WebhookAttemptType(
                number=row.number,
                status_code=row.status_code,
                latency_ms=row.latency_ms,
                error=row.error,
                response_excerpt=row.response_excerpt,
                created_at=row.created_at,
            )
            for row in sorted(rows, key=lambda row: row.id)
        ]

    @classmethod
    async def visible(cls, info: Info, row: m.WebhookDelivery) -> bool:
        endpoint = await info.context.loaders.webhooks.endpoint_by_id.load(row.endpoint_id)  # type: ignore[attr-defined]
        return endpoint is not None and ops.may_see(info, endpoint)

    @classmethod
    def from_model(cls, row: m.WebhookDelivery) -> Self:
        return cls(
            id=row.id,
            event_id=row.event_id,
            event_type=EventTypeName(row.event_type),
            status=row.status,
            attempts=row.attempts,
            last_status_code=row.last_status_code,
            next_attempt_at=row.next_attempt_at
            if row.status == m.WebhookDeliveryStatus.PENDING
            else None,
            delivered_at=row.delivered_at,
            created_at=row.created_at,
            payload=cast(JSON, row.payload),
            endpoint_id=row.endpoint_id,  # type: ignore[attr-defined]
        )


@strawberry.type(description="A page of webhook endpoints, newest first.")
class WebhookEndpointConnection(CountedConnection[WebhookEndpointType]):
    pass


@strawberry.type(description="A page of webhook deliveries, newest first.")
class WebhookDeliveryConnection(CountedConnection[WebhookDeliveryType]):
    pass


@strawberry.type
class WebhookQuery:
    @strawberry.field(
        description="Webhook endpoints: the calling API key's own, or all for staff with "
        "MANAGE_API_KEYS."
    )
    async def webhook_endpoints(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> WebhookEndpointConnection:
        page = await ops.endpoints(info, first=first, after=after)
        return WebhookEndpointConnection.from_page(page, WebhookEndpointType.from_model)

    @strawberry.field(
        description="The delivery log, newest first: the calling key's endpoints, or all for "
        "staff with MANAGE_API_KEYS."
    )
    async def webhook_deliveries(
        self,
        info: Info,
        endpoint_id: relay.GlobalID | None = None,
        status: WebhookDeliveryStatus | None = None,  # type: ignore[valid-type]
        first: int | None = 20,
        after: str | None = None,
    ) -> WebhookDeliveryConnection:
        page = await ops.deliveries(
            info,
            endpoint_id=optional_typed_pk(endpoint_id, "WebhookEndpoint"),
            status=status,
            first=first,
            after=after,
        )
        return WebhookDeliveryConnection.from_page(page, WebhookDeliveryType.from_model)
