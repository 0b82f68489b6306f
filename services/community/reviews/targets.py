"""Moderation's handle on reviews (services/community/moderation/targets.py)."""

from __future__ import annotations

from collections.abc import Iterable

from models.community.moderation import ContentStatus, ModerationReason
from models.community.reviews import Review
from services.community.moderation import targets
from services.community.moderation.targets import Target
from services.community.reviews import writing


class ReviewTargets:
    async def load(self, target_id: int, *, for_update: bool = False) -> Target | None:
        query = Review.filter(id=target_id)
        review = await (query.select_for_update() if for_update else query).first()
        return writing.target_of(review) if review is not None else None

    async def load_many(self, target_ids: Iterable[int]) -> dict[int, Target]:
        rows = await Review.filter(id__in=list(target_ids))
        return {row.id: writing.target_of(row) for row in rows}

    async def apply(
        self, target: Target, status: ContentStatus, *, reason: ModerationReason | None
    ) -> None:
        review = await Review.filter(id=target.id).select_for_update().first()
        if review is not None:
            await writing.moderate(review, status, reason)


targets.register("review", ReviewTargets())
