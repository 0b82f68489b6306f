"""The committed event as every consumer sees it, and reads of the stream kept in the database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from models.events import DomainEvent


@dataclass(frozen=True, slots=True)
class EventRecord:
    """One event with its place in the stream (`position`) and in its aggregate (`sequence`)."""

    id: str
    type: str
    aggregate_type: str
    aggregate_id: str
    sequence: int
    version: int
    actor: str
    occurred_at: datetime
    position: int
    payload: dict[str, Any]

    @classmethod
    def from_model(cls, event: DomainEvent) -> EventRecord:
        assert event.position is not None, "only sequenced events are records"
        return cls(
            id=event.event_id,
            type=event.type,
            aggregate_type=event.aggregate_type,
            aggregate_id=event.aggregate_id,
            sequence=event.sequence,
            version=event.version,
            actor=event.actor,
            occurred_at=event.occurred_at,
            position=event.position,
            payload=dict(event.payload or {}),
        )

    def to_json(self) -> bytes:
        return orjson.dumps(self.as_dict())

    def as_dict(self) -> dict[str, Any]:
        """The envelope partners receive (README, "Partner apps")."""
        return {
            "id": self.id,
            "type": self.type,
            "aggregate": {"type": self.aggregate_type, "id": self.aggregate_id},
            "sequence": self.sequence,
            "version": self.version,
            "actor": self.actor,
            "occurredAt": self.occurred_at.isoformat(),
            "position": self.position,
            "payload": self.payload,
        }

    @classmethod
    def from_json(cls, raw: bytes | str) -> EventRecord:
        data = orjson.loads(raw)
        return cls(
            id=data["id"],
            type=data["type"],
            aggregate_type=data["aggregate"]["type"],
            aggregate_id=data["aggregate"]["id"],
            sequence=int(data["sequence"]),
            version=int(data["version"]),
            actor=data["actor"],
            occurred_at=datetime.fromisoformat(data["occurredAt"]),
            position=int(data["position"]),
            payload=data["payload"],
        )


async def read_after(
    position: int, *, types: Iterable[str] | None = None, limit: int = 500
) -> list[EventRecord]:
    """Committed, sequenced events after `position`, in stream order."""
    query = DomainEvent.filter(position__gt=position)
    wanted = list(types) if types is not None else None
    if wanted is not None:
        query = query.filter(type__in=wanted)
    rows = await query.order_by("position").limit(limit)
    return [EventRecord.from_model(row) for row in rows]


async def last_position() -> int:
    """The position of the newest sequenced event (0 when there is none)."""
    row = await DomainEvent.filter(position__isnull=False).order_by("-position").first()
    return int(row.position) if row is not None and row.position is not None else 0
