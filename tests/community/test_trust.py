"""Trust: approved contributions and verified purchases (a delivered order, counted once)
move a member from new to member to trusted at the thresholds the settings give."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from strawberry import relay

from models.community.moderation import ContentStatus
from services.community.moderation import actions, standing
from services.community.moderation.standing import TrustLevel, trust
from services.community.posts import writing
from services.events.records import EventRecord
from services.flows.community_trust import after_order_delivered
from tests.community._post_helpers import member, moderation_settings, moderator

pytestmark = pytest.mark.usefixtures("database")


def _delivered(user_id: int, order_id: int) -> EventRecord:
    return EventRecord(
        id=f"evt-{order_id}",
        type="order.delivered",
        aggregate_type="order",
        aggregate_id=str(order_id),
        sequence=1,
        version=1,
        actor="system",
        occurred_at=datetime.now(UTC),
        position=1,
        payload={
            "orderId": relay.to_base64("Order", order_id),
            "customerId": relay.to_base64("User", user_id),
        },
    )


async def test_levels_follow_the_thresholds_in_the_settings() -> None:
    with moderation_settings(trust_member=2, trust_trusted=4, trust_per_purchase=2):
        assert standing.level_for(0) == TrustLevel.NEW
        assert standing.level_for(1) == TrustLevel.NEW
        assert standing.level_for(2) == TrustLevel.MEMBER
        assert standing.level_for(4) == TrustLevel.TRUSTED
    with moderation_settings(trust_member=5, trust_trusted=50):
        assert standing.level_for(4) == TrustLevel.NEW


async def test_a_delivered_order_counts_once_as_a_verified_purchase() -> None:
    buyer = await member()
    with moderation_settings(trust_member=2, trust_per_purchase=2):
        await after_order_delivered(_delivered(buyer.id, 990_001))
        await after_order_delivered(_delivered(buyer.id, 990_001))  # replayed event
        assert (await trust(buyer.id)).points == 2
        assert (await trust(buyer.id)).level == TrustLevel.MEMBER
        await after_order_delivered(_delivered(buyer.id, 990_002))
        assert (await trust(buyer.id)).points == 4


async def test_approved_contributions_earn_trust_until_links_are_no_longer_held() -> None:
    newcomer = await member()
    staff = await moderator()
    with moderation_settings(trust_member=2):
        first = await writing.create_post(
            author=newcomer, title="Link", body="see https://example.org/a"
        )
        assert first.status == ContentStatus.HELD
        await actions.moderate(
            moderator=staff, kind="post", target_id=first.id, action=actions.A.APPROVE
        )
        # One approval (1 point) and one published post (1 point): a member now.
        await writing.create_post(author=newcomer, title="Plain", body="no links here")
        assert (await trust(newcomer.id)).level == TrustLevel.MEMBER
        later = await writing.create_post(
            author=newcomer, title="Link again", body="see https://example.org/b"
        )
    assert later.status == ContentStatus.PUBLISHED
