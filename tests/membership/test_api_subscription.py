"""`myMembershipEvents`: the signed-in member receives their own points events, live, and
not another member's."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from resolvers.context import Context
from schema import build_schema
from services.membership import admin
from tests.factories import create_user

pytestmark = pytest.mark.usefixtures("app")
MINE = "subscription { myMembershipEvents { type aggregateType payload } }"


async def test_a_member_receives_their_own_points_events_only() -> None:
    member, other = await create_user(), await create_user()
    schema = build_schema()
    stream: Any = await schema.subscribe(MINE, context_value=Context(request=None, user=member))
    first = asyncio.ensure_future(stream.__anext__())
    await asyncio.sleep(0.2)  # let the subscription reach the live stream

    await admin.adjust(user_id=other.id, points=5, reason="not yours", key=uuid.uuid4().hex)
    await admin.adjust(user_id=member.id, points=40, reason="goodwill", key=uuid.uuid4().hex)
    result = await asyncio.wait_for(first, timeout=20)
    await stream.aclose()

    assert result.errors is None, result.errors
    event = result.data["myMembershipEvents"]
    assert (event["type"], event["aggregateType"]) == ("POINTS_EARNED", "member")
    assert (event["payload"]["points"], event["payload"]["reason"]) == (40, "goodwill")


async def test_guests_cannot_follow_membership_events() -> None:
    schema = build_schema()
    stream: Any = await schema.subscribe(MINE, context_value=Context(request=None))
    result = await asyncio.wait_for(stream.__anext__(), timeout=20)
    assert result.errors[0].extensions["code"] == "UNAUTHENTICATED"
