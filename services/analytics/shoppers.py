"""A shopper's recorded behaviour, read back for the recommender and the feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import Q

from models.analytics import BehaviourEvent, EventKind

# The context key the recommender reads: "off" means "do not personalize from this event".
PERSONALIZATION = "personalization"


@dataclass(frozen=True)
class RecentEvent:
    """One recorded event, as the recommender reads it."""

    kind: EventKind
    product_id: int | None
    variant_id: int | None
    quantity: int
    query: str | None
    occurred_at: datetime
    context: dict[str, str]

    @property
    def personalization_off(self) -> bool:
        return self.context.get(PERSONALIZATION) == "off"


async def recent_events(
    *,
    user_id: int | None = None,
    anonymous_id: str | None = None,
    since: datetime,
    limit: int = 500,
) -> list[RecentEvent]:
    """A shopper's events since `since`, newest first; with both ids, either one matches.

    Passing both stitches a guest's history (anonymous id) to the account they signed in to.
    Events whose `personalization_off` is true must not feed personal recommendations.
    """
    if user_id is None and anonymous_id is None:
        return []
    who = [Q(user_id=user_id)] if user_id is not None else []
    who += [Q(anonymous_id=anonymous_id)] if anonymous_id is not None else []
    rows = (
        await BehaviourEvent.filter(Q(*who, join_type="OR"), occurred_at__gte=since)
        .order_by("-occurred_at", "-id")
        .limit(limit)
        .values("kind", "product_id", "variant_id", "quantity", "query", "occurred_at", "context")
    )
    return [
        RecentEvent(
            kind=EventKind(row["kind"]),
            product_id=row["product_id"],
            variant_id=row["variant_id"],
            quantity=row["quantity"],
            query=row["query"],
            occurred_at=row["occurred_at"],
            context=dict(row["context"] or {}),
        )
        for row in rows
    ]
