"""Q&A events. Partner-visible ones carry IDs and flags, never text or the author; those
naming members (who to ask, whose answer was accepted) are staff-only."""

from __future__ import annotations

from models.community.moderation import ContentStatus
from models.community.questions import Answer, Question
from models.events import DomainEvent
from services.events import outbox
from services.events.ids import global_id
from services.events.types import EventTypeName

T = EventTypeName


async def question_created(question: Question) -> None:
    await outbox.emit(
        T.QUESTION_CREATED,
        aggregate_id=question.id,
        payload={
            "questionId": global_id("Question", question.id),
            "productId": global_id("Product", question.product_id),
            "status": ContentStatus(question.status).name,
        },
    )


async def answer_created(question: Question, answer: Answer) -> None:
    await outbox.emit(
        T.ANSWER_CREATED,
        aggregate_id=question.id,
        payload={
            "answerId": global_id("Answer", answer.id),
            "questionId": global_id("Question", question.id),
            "productId": global_id("Product", question.product_id),
            "status": ContentStatus(answer.status).name,
            "byStaff": answer.by_staff,
            "verifiedBuyer": answer.verified_buyer,
        },
    )


async def answer_accepted(question: Question, answer: Answer) -> None:
    await outbox.emit(
        T.ANSWER_ACCEPTED,
        aggregate_id=question.id,
        payload={
            "answer_id": answer.id,
            "question_id": question.id,
            "product_id": question.product_id,
            "user_id": answer.author_id,
        },
    )


async def answer_requested(question: Question, buyer_ids: list[int]) -> None:
    """Once per question, when it is first visible: ask recent buyers to answer."""
    if await DomainEvent.filter(
        type=T.QUESTION_ANSWER_REQUESTED.value, aggregate_id=str(question.id)
    ).exists():
        return
    await outbox.emit(
        T.QUESTION_ANSWER_REQUESTED,
        aggregate_id=question.id,
        payload={
            "question_id": question.id,
            "product_id": question.product_id,
            "user_ids": buyer_ids,
        },
    )
