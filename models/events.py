"""The event outbox: domain events written with the change they describe, and who read them."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


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
