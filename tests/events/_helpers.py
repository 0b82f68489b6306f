"""Reading what the domains emitted: events of one aggregate, in sequence order."""

from __future__ import annotations

from typing import Any

from models.events import DomainEvent


async def events_of(aggregate_type: str, aggregate_id: object) -> list[DomainEvent]:
    return list(
        await DomainEvent.filter(
            aggregate_type=aggregate_type, aggregate_id=str(aggregate_id)
        ).order_by("sequence")
    )


async def types_of(aggregate_type: str, aggregate_id: object) -> list[str]:
    return [event.type for event in await events_of(aggregate_type, aggregate_id)]


async def payloads_of(aggregate_type: str, aggregate_id: object, type: str) -> list[dict[str, Any]]:
    return [
        dict(event.payload)
        for event in await events_of(aggregate_type, aggregate_id)
        if event.type == type
    ]
