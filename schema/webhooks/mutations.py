"""Webhook mutations: register, change and delete endpoints, rotate secrets, send again."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import strawberry
from strawberry import relay

from resolvers.context import Info
from resolvers.events import webhooks as ops
from schema.events import EventType
from schema.nodes import optional_typed_pk, typed_pk
from schema.payloads import payload_errors
from schema.webhooks import documents
from schema.webhooks.types import (
    EventError,
    EventErrorCode,
    WebhookDeliveryType,
    WebhookEndpointType,
)
from services.errors import DomainError, DomainErrors
from services.events import webhooks as service

Failure = (DomainError, DomainErrors)
MAX_OVERLAP_HOURS = 168


def _errors(error: DomainError | DomainErrors) -> list[EventError]:
    return payload_errors(error, EventError, EventErrorCode)


def _document(text: str | None) -> str | None:
    if text is not None and text.strip():
        documents.as_query(text)
    return text


@strawberry.input(description="A new webhook endpoint.")
class WebhookEndpointCreateInput:
    url: str = strawberry.field(description="Where to POST events (http or https).")
    event_types: list[EventType] = strawberry.field(  # type: ignore[valid-type]
        description="The types to receive; the key's scopes must allow each."
    )
    subscription_query: str | None = strawberry.field(
        default=None, description="A document on the `event` root that shapes each payload."
    )
    api_key_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Staff only: the API key that owns it (default: the caller's)."
    )


@strawberry.input(description="Changes to a webhook endpoint; leave out what stays.")
class WebhookEndpointUpdateInput:
    url: str | None = None
    event_types: list[EventType] | None = None  # type: ignore[valid-type]
    subscription_query: str | None = strawberry.field(
        default=None, description="A new document; an empty string goes back to the envelope."
    )
    active: bool | None = strawberry.field(
        default=None, description="true re-enables a disabled endpoint (pending deliveries go)."
    )


@strawberry.type(description="A new endpoint. `secret` is shown here once and never again.")
class WebhookEndpointCreatePayload:
    endpoint: WebhookEndpointType | None = None
    secret: str | None = strawberry.field(
        default=None, description="`whsec_...`: verify `webhook-signature` with it."
    )
    errors: list[EventError] = strawberry.field(default_factory=list)


@strawberry.type(description="A changed endpoint.")
class WebhookEndpointPayload:
    endpoint: WebhookEndpointType | None = None
    errors: list[EventError] = strawberry.field(default_factory=list)


@strawberry.type(description="A deleted endpoint.")
class WebhookEndpointDeletePayload:
    deleted_id: relay.GlobalID | None = None
    errors: list[EventError] = strawberry.field(default_factory=list)


@strawberry.type(description="A new secret, shown once; the old one signs too until expiry.")
class WebhookSecretRotatePayload:
    endpoint: WebhookEndpointType | None = None
    secret: str | None = None
    errors: list[EventError] = strawberry.field(default_factory=list)


@strawberry.type(description="A delivery queued again.")
class WebhookDeliveryPayload:
    delivery: WebhookDeliveryType | None = None
    errors: list[EventError] = strawberry.field(default_factory=list)


@strawberry.type(description="Events of a time range queued again for one endpoint.")
class WebhookEventsReplayPayload:
    queued: int = strawberry.field(default=0, description="How many deliveries were queued.")
    errors: list[EventError] = strawberry.field(default_factory=list)


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(
        description="Register an endpoint for the calling API key (or, for staff with "
        "MANAGE_API_KEYS, for `apiKeyId`). It receives events from now on."
    )
    async def webhook_endpoint_create(
        self, info: Info, input: WebhookEndpointCreateInput
    ) -> WebhookEndpointCreatePayload:
        try:
            document = _document(input.subscription_query)
            row, secret = await ops.create_endpoint(
                info,
                api_key_id=optional_typed_pk(input.api_key_id, "ApiKey"),
                url=input.url,
                event_types=[str(t) for t in input.event_types],
                document=document,
            )
        except Failure as error:
            return WebhookEndpointCreatePayload(errors=_errors(error))
        return WebhookEndpointCreatePayload(
            endpoint=WebhookEndpointType.from_model(row), secret=secret
        )

    @strawberry.mutation(description="Change an endpoint, or re-enable a disabled one.")
    async def webhook_endpoint_update(
        self, info: Info, id: relay.GlobalID, input: WebhookEndpointUpdateInput
    ) -> WebhookEndpointPayload:
        try:
            row = await ops.owned_endpoint(info, typed_pk(id, "WebhookEndpoint"))
            query = input.subscription_query
            await service.update_endpoint(
                endpoint=row,
                changes=service.EndpointChanges(
                    url=input.url,
                    event_types=[str(t) for t in input.event_types]
                    if input.event_types is not None
                    else None,
                    subscription_query=_document(query),
                    clear_subscription_query=query is not None and not query.strip(),
                    active=input.active,
                ),
            )
        except Failure as error:
            return WebhookEndpointPayload(errors=_errors(error))
        return WebhookEndpointPayload(endpoint=WebhookEndpointType.from_model(row))

    @strawberry.mutation(description="Delete an endpoint with its delivery log.")
    async def webhook_endpoint_delete(
        self, info: Info, id: relay.GlobalID
    ) -> WebhookEndpointDeletePayload:
        try:
            row = await ops.owned_endpoint(info, typed_pk(id, "WebhookEndpoint"))
            await service.delete_endpoint(endpoint=row)
        except Failure as error:
            return WebhookEndpointDeletePayload(errors=_errors(error))
        return WebhookEndpointDeletePayload(deleted_id=id)

    @strawberry.mutation(
        description="A new signing secret. During `overlapHours` (default 24) deliveries are "
        "signed with both, so receivers can switch without missing one."
    )
    async def webhook_secret_rotate(
        self, info: Info, id: relay.GlobalID, overlap_hours: int = 24
    ) -> WebhookSecretRotatePayload:
        try:
            if not 0 <= overlap_hours <= MAX_OVERLAP_HOURS:
                raise DomainError(
                    EventErrorCode.OUT_OF_RANGE,
                    f"Between 0 and {MAX_OVERLAP_HOURS} hours.",
                    field="overlap_hours",
                )
            row = await ops.owned_endpoint(info, typed_pk(id, "WebhookEndpoint"))
            secret = await service.rotate_secret(
                endpoint=row, overlap=timedelta(hours=overlap_hours)
            )
        except Failure as error:
            return WebhookSecretRotatePayload(errors=_errors(error))
        return WebhookSecretRotatePayload(
            endpoint=WebhookEndpointType.from_model(row), secret=secret
        )

    @strawberry.mutation(description="Send one delivery again now, with a fresh schedule.")
    async def webhook_delivery_redeliver(
        self, info: Info, id: relay.GlobalID
    ) -> WebhookDeliveryPayload:
        try:
            row = await ops.owned_delivery(info, typed_pk(id, "WebhookDelivery"))
            row = await service.redeliver(delivery=row)
        except Failure as error:
            return WebhookDeliveryPayload(errors=_errors(error))
        return WebhookDeliveryPayload(delivery=WebhookDeliveryType.from_model(row))

    @strawberry.mutation(
        description="Send again every event of the endpoint's types that occurred in "
        "[from, to) (within the retention window), in stream order."
    )
    async def webhook_events_replay(
        self,
        info: Info,
        endpoint_id: relay.GlobalID,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
    ) -> WebhookEventsReplayPayload:
        try:
            queued = await ops.replay(
                info,
                endpoint_id=typed_pk(endpoint_id, "WebhookEndpoint"),
                start=from_,
                end=to,
            )
        except Failure as error:
            return WebhookEventsReplayPayload(errors=_errors(error))
        return WebhookEventsReplayPayload(queued=queued)
