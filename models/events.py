"""The event outbox: domain events written with the change they describe, who read them, and
the webhook endpoints, deliveries and attempts that carry them to partner apps."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from models.accounts import ApiKey


class DomainEvent(Model):
    """One committed fact of a domain, in the same transaction as the change it describes.

    `sequence` orders the events of one aggregate (1, 2, 3 ...). `position` is the event's
    place in the one stream every consumer reads: the relay gives it after commit, one event
    at a time and in the order they committed, so a reader resuming after a position never
    skips an event that committed late.
    """

    id = fields.BigIntField(primary_key=True)
    event_id = fields.CharField(max_length=36, unique=True)
    type = fields.CharField(max_length=64)
    aggregate_type = fields.CharField(max_length=32)
    aggregate_id = fields.CharField(max_length=64)
    sequence = fields.IntField()
    version = fields.SmallIntField(default=1)
    actor = fields.CharField(max_length=64, default="system")
    payload: fields.Field[dict[str, Any]] = fields.JSONField(default=dict)
    occurred_at = fields.DatetimeField()
    position = fields.BigIntField(null=True, unique=True)

    class Meta:
        table = "domain_event"
        unique_together = (("aggregate_type", "aggregate_id", "sequence"),)
        indexes = [Index(fields=("occurred_at",)), Index(fields=("type", "position"))]


class EventAggregate(Model):
    """The last sequence number given to an aggregate's events (a row lock orders writers)."""

    id = fields.BigIntField(primary_key=True)
    aggregate_type = fields.CharField(max_length=32)
    aggregate_id = fields.CharField(max_length=64)
    last_sequence = fields.IntField(default=0)

    class Meta:
        table = "event_aggregate"
        unique_together = (("aggregate_type", "aggregate_id"),)


class EventConsumer(Model):
    """How far a durable consumer has read the stream, and which process holds it now."""

    name = fields.CharField(max_length=64, primary_key=True)
    position = fields.BigIntField(default=0)
    lease_owner = fields.CharField(max_length=64, null=True)
    lease_until = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    last_error = fields.CharField(max_length=500, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "event_consumer"


class WebhookDeliveryStatus(StrEnum):
    PENDING = "PENDING"  # waiting for its (next) attempt, or for an earlier one of its aggregate
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"  # the retry schedule ran out (redeliver or replay sends it again)


class WebhookEndpoint(Model):
    """Where a partner app (an API key) wants events POSTed, signed the Standard Webhooks way.

    Secrets are kept encrypted with the server's secret key (services/events/signing.py): the
    server must sign with them, so they cannot be hashed like API keys. During a rotation
    the previous secret signs too, until `previous_secret_until`.
    """

    id = fields.IntField(primary_key=True)
    api_key: fields.ForeignKeyRelation[ApiKey] = fields.ForeignKeyField(
        "shopgraph.ApiKey", related_name="webhook_endpoints", on_delete=fields.CASCADE
    )
    url = fields.CharField(max_length=2000)
    event_types: fields.Field[list[str]] = fields.JSONField(default=list)
    subscription_query: fields.Field[str | None] = fields.TextField(null=True)  # type: ignore[assignment]
    is_active = fields.BooleanField(default=True)
    disabled_reason = fields.CharField(max_length=200, default="")
    secret_ciphertext = fields.TextField()
    previous_secret_ciphertext = fields.TextField(null=True)
    previous_secret_until = fields.DatetimeField(null=True)
    # Events at or before this stream position happened before the endpoint existed.
    after_position = fields.BigIntField(default=0)
    failing_since = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    deliveries: fields.ReverseRelation[WebhookDelivery]

    class Meta:
        table = "webhook_endpoint"


class WebhookDelivery(Model):
    """One event owed to one endpoint, delivered at least once and in order per aggregate.

    A worker claims a row by setting `claimed_until` (a lease longer than one attempt can
    take); a worker that dies leaves the lease to run out, and the row is claimed again.
    """

    id = fields.BigIntField(primary_key=True)
    endpoint: fields.ForeignKeyRelation[WebhookEndpoint] = fields.ForeignKeyField(
        "shopgraph.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    event_id = fields.CharField(max_length=36)
    event_type = fields.CharField(max_length=64)
    event_position = fields.BigIntField()
    aggregate_key = fields.CharField(max_length=100)
    status = fields.CharEnumField(WebhookDeliveryStatus, default=WebhookDeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField(null=True)
    claimed_until = fields.DatetimeField(null=True)
    claimed_by = fields.CharField(max_length=64, null=True)
    last_status_code = fields.IntField(null=True)
    # Kept for the retention window (redelivery sends it again), then dropped.
    payload: fields.Field[dict[str, Any] | None] = fields.JSONField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    attempt_log: fields.ReverseRelation[WebhookAttempt]

    class Meta:
        table = "webhook_delivery"
        unique_together = (("endpoint", "event_id"),)
        indexes = [
            Index(fields=("status", "next_attempt_at")),
            Index(fields=("endpoint_id", "aggregate_key", "event_position")),
            Index(fields=("created_at",)),
        ]


class WebhookAttempt(Model):
    """One HTTP request of a delivery and what came back."""

    id = fields.BigIntField(primary_key=True)
    delivery: fields.ForeignKeyRelation[WebhookDelivery] = fields.ForeignKeyField(
        "shopgraph.WebhookDelivery", related_name="attempt_log", on_delete=fields.CASCADE
    )
    number = fields.IntField()
    status_code = fields.IntField(null=True)
    latency_ms = fields.IntField(default=0)
    error = fields.CharField(max_length=300, default="")
    response_excerpt = fields.CharField(max_length=500, default="")
    worker = fields.CharField(max_length=64, default="")  # the process that sent it
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_attempt"
        indexes = [Index(fields=("delivery_id", "number"))]
