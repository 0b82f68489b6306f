"""Live membership updates for the signed-in member."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from resolvers.context import Info
from resolvers.membership import streams
from schema.events import After, DomainEventType


@strawberry.type
class MembershipSubscription:
    @strawberry.subscription(
        description="The signed-in customer's own points and tier events (points.earned, "
        "points.spent, points.reversed, points.expiring, points.expired, tier.changed); "
        "read `me.membership` for the balances after each."
    )
    async def my_membership_events(
        self, info: Info, after: After = None
    ) -> AsyncGenerator[DomainEventType, None]:
        async for record in streams.my_membership(info, after):
            yield DomainEventType.from_record(record)
