"""Behaviour tracking as the API offers it: who is calling decides whom events belong to."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from resolvers.auth import guest_identity, viewer
from resolvers.context import Info
from services.analytics import tracking as event_service
from services.errors import DomainError, DomainErrors
from services.flows import feed_invalidation


@dataclass
class TrackResult:
    """How many events were written, or (none written) the failure for the payload."""

    accepted: int = 0
    error: DomainError | DomainErrors | None = None


async def track_events(
    info: Info, *, events: Sequence[event_service.TrackedEvent], anonymous_id: str | None
) -> TrackResult:
    """Record events for the signed-in customer, else for the guest's anonymous id.

    A guest is identified by a signed `anonymousId`, else the `X-Cart-Token` header (see
    `guest_identity`). A signed-in customer's events keep that identity too, so the history
    of their own guest visit joins their account, and only their own.
    """
    user = viewer(info)
    anonymous = guest_identity(info, anonymous_id)
    batch = uuid.uuid4().hex
    try:
        accepted = await event_service.track_events(
            events=events, user_id=user.id if user else None, anonymous_id=anonymous, batch_id=batch
        )
    except (DomainError, DomainErrors) as error:
        return TrackResult(error=error)
    if accepted:
        await feed_invalidation.drop_feed(
            user_id=user.id if user else None, anonymous_id=anonymous, batch_id=batch
        )
    return TrackResult(accepted=accepted)
