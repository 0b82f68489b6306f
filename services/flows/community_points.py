"""Points for taking part in the community: a member's first review, a review with a photo,
an accepted answer in Q&A. Durable consumers of community's events (registered in
reactions.py); each occasion has its own ledger key, so an event seen twice earns once.

The payloads carry no rating, and nothing here would read one: points never depend on what
a review says about a product (no sentiment-tied incentives).
"""

from __future__ import annotations

from typing import Any

from models.membership import RuleKind
from services import membership
from services.events.records import EventRecord
from services.transactions import transaction


def _id(payload: dict[str, Any], name: str) -> int | None:
    value = payload.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


async def after_review_published(record: EventRecord) -> None:
    """`review.published` {review_id, user_id, product_id, has_photos}, once per review."""
    review_id, user_id = _id(record.payload, "review_id"), _id(record.payload, "user_id")
    if review_id is None or user_id is None:
        return
    reference = f"review:{review_id}"
    async with transaction():
        if await membership.claim_first(
            user_id=user_id, kind=RuleKind.FIRST_REVIEW, reference=reference
        ):
            await membership.earn_once(
                user_id=user_id,
                kind=RuleKind.FIRST_REVIEW,
                reference=reference,
                occasion=f"user:{user_id}",
                reason="Your first review",
            )
    if record.payload.get("has_photos") is True:
        await membership.earn_once(
            user_id=user_id,
            kind=RuleKind.REVIEW_PHOTO,
            reference=reference,
            reason="A review with a photo",
        )


async def after_answer_accepted(record: EventRecord) -> None:
    """`answer.accepted` {answer_id, question_id, product_id, user_id (the answer's author)}."""
    answer_id, user_id = _id(record.payload, "answer_id"), _id(record.payload, "user_id")
    if answer_id is None or user_id is None:
        return
    await membership.earn_once(
        user_id=user_id,
        kind=RuleKind.ACCEPTED_ANSWER,
        reference=f"answer:{answer_id}",
        reason="Your answer was accepted",
    )
