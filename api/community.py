"""Hands the community settings to the community services of this process."""

from __future__ import annotations

from api.settings import Settings
from services.community.moderation import limits
from services.community.moderation.config import configure
from services.community.reviews import config as reviews


def configure_community(settings: Settings) -> None:
    configure(
        profanity_mode=settings.community_profanity_mode,
        extra_words=settings.community_extra_words,
        per_minute=settings.community_rate_per_minute,
        per_day=settings.community_rate_per_day,
        new_member_max_links=settings.community_new_member_max_links,
        new_member_max_images=settings.community_new_member_max_images,
        trust_member=settings.community_trust_member,
        trust_trusted=settings.community_trust_trusted,
        trust_per_purchase=settings.community_trust_per_purchase,
        comment_max_depth=settings.community_comment_max_depth,
        redis_url=settings.redis_url,
    )
    reviews.configure(
        verify_paid_days=settings.review_verify_paid_days,
        request_after_days=settings.review_request_days,
        request_window_days=settings.review_request_window_days,
        ask_buyers_days=settings.question_ask_buyers_days,
        ask_buyers_limit=settings.question_ask_buyers_limit,
    )


async def close_community() -> None:
    """Release what the community services hold for the process (the counters' Redis pool)."""
    await limits.close()
