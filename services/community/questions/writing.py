"""Asking, answering, accepting and voting in a product's Q&A.

Answers by members who bought the product are marked (the same verified-purchase rule as
reviews); staff answers are marked as the shop's. The asker or staff accept one answer.
"""

from __future__ import annotations

from datetime import timedelta

from tortoise.expressions import F

from models.community.moderation import ContentStatus, ModerationReason
from models.community.questions import Answer, AnswerVote, Question
from services import clock
from services.catalog import ratings as catalog_ratings
from services.community.errors import CommunityErrorCode as C
from services.community.errors import error
from services.community.moderation import queue, screening, standing
from services.community.questions import emission
from services.community.reviews import config, content, verification, votes
from services.logistics import deliveries
from services.transactions import transaction

P = ContentStatus.PUBLISHED


async def _screened(author_id: int, kind: str, body: str) -> tuple[ContentStatus, str, list[str]]:
    found = await screening.screen(author_id=author_id, kind=kind, text=body)
    return found.status, found.clean(body), list(found.reasons)


async def _after(kind: str, row: Question | Answer, reasons: list[str]) -> None:
    if row.status == ContentStatus.HELD:
        await queue.held(kind=kind, target_id=row.id, author_id=row.author_id, reasons=reasons)
    elif row.status == P:
        await standing.credit_approved(row.author_id)


async def _ask_buyers(question: Question) -> None:
    settings = config.current()
    buyers = await deliveries.bought_recently(
        product_id=question.product_id,
        since=clock.now() - timedelta(days=settings.ask_buyers_days),
        limit=settings.ask_buyers_limit + 1,
    )
    asked = [user_id for user_id in buyers if user_id != question.author_id]
    await emission.answer_requested(question, asked[: settings.ask_buyers_limit])


async def ask_question(*, author_id: int, product_id: int, body: str) -> Question:
    """A member's question on a product; recent buyers are asked to answer it."""
    body = body.strip()
    content.check(content.text_problems(body))
    await content.public_product(product_id)
    async with transaction():
        status, body, reasons = await _screened(author_id, "question", body)
        question = await Question.create(
            product_id=product_id, author_id=author_id, body=body, status=status
        )
        await emission.question_created(question)
        await catalog_ratings.content_changed()
        await _after("question", question, reasons)
        if status == P:
            await _ask_buyers(question)
    return question


async def _visible_question(question_id: int, *, lock: bool = False) -> Question:
    query = Question.filter(id=question_id, status=P)
    question = await (query.select_for_update() if lock else query).first()
    if question is None or not await content.is_public(question.product_id):
        raise error(C.NOT_FOUND, "No such question.", field="questionId")
    return question


async def answer_question(
    *, author_id: int, question_id: int, body: str, by_staff: bool = False
) -> Answer:
    """An answer by a member (marked when they bought the product) or by staff."""
    body = body.strip()
    content.check(content.text_problems(body))
    question = await _visible_question(question_id)
    basis = await verification.basis(user_id=author_id, product_id=question.product_id)
    async with transaction():
        status, body, reasons = await _screened(author_id, "answer", body)
        answer = await Answer.create(
            question_id=question.id,
            author_id=author_id,
            body=body,
            status=status,
            by_staff=by_staff,
            verified_buyer=basis is not None,
        )
        if status == P:
            await Question.filter(id=question.id).update(answer_count=F("answer_count") + 1)
        await emission.answer_created(question, answer)
        await catalog_ratings.content_changed()
        await _after("answer", answer, reasons)
    return answer


async def accept_answer(*, actor_id: int, answer_id: int, staff: bool = False) -> Question:
    """The asker (or staff) picks the answer that solved the question."""
    async with transaction():
        answer = await Answer.get_or_none(id=answer_id, status=P)
        if answer is None:
            raise error(C.ANSWER_NOT_FOUND, "No such answer.", field="answerId")
        question = await _visible_question(answer.question_id, lock=True)
        if question.author_id != actor_id and not staff:
            raise error(C.NOT_AUTHOR, "Only the asker or staff accept an answer.", field="answerId")
        if question.accepted_answer_id != answer.id:
            question.accepted_answer_id = answer.id
            await question.save(update_fields=["accepted_answer_id", "updated_at"])
            await emission.answer_accepted(question, answer)
            await catalog_ratings.content_changed()
    return question


async def _answer_product(answer: Answer) -> int:
    question = await Question.get(id=answer.question_id)
    return question.product_id


ANSWERS = votes.Votable(
    Answer, AnswerVote, "answer_id", "answerId", C.ANSWER_NOT_FOUND, "answer", _answer_product
)


async def vote_answer(*, user_id: int, answer_id: int, helpful: bool | None) -> Answer:
    """Vote a published answer helpful or not (None takes the vote back); one per member."""
    answer: Answer = await votes.vote(ANSWERS, user_id=user_id, item_id=answer_id, helpful=helpful)
    return answer


async def delete_question(*, author_id: int, question_id: int) -> Question:
    async with transaction():
        question = await Question.filter(id=question_id).select_for_update().first()
        if (
            question is None
            or question.status == ContentStatus.REMOVED
            or not await content.is_public(question.product_id)
        ):
            raise error(C.NOT_FOUND, "No such question.", field="questionId")
        if question.author_id != author_id:
            raise error(C.NOT_AUTHOR, "Only its author deletes a question.", field="questionId")
        question.status = ContentStatus.REMOVED
        await question.save(update_fields=["status", "updated_at"])
        await catalog_ratings.content_changed()
    return question


async def delete_answer(*, author_id: int, answer_id: int) -> Answer:
    async with transaction():
        answer = await Answer.filter(id=answer_id).select_for_update().first()
        if (
            answer is None
            or answer.status == ContentStatus.REMOVED
            or not await content.is_public(await _answer_product(answer))
        ):
            raise error(C.ANSWER_NOT_FOUND, "No such answer.", field="answerId")
        if answer.author_id != author_id:
            raise error(C.NOT_AUTHOR, "Only its author deletes an answer.", field="answerId")
        await moderate_answer(answer, ContentStatus.REMOVED, None)
    return answer


async def moderate_question(
    question: Question, status: ContentStatus, reason: ModerationReason | None
) -> None:
    was = question.status
    question.status = status
    question.removal_reason = reason.value if reason is not None else ""
    await question.save(update_fields=["status", "removal_reason", "updated_at"])
    if status == P and was != P:
        await _ask_buyers(question)
    await catalog_ratings.content_changed()


async def moderate_answer(
    answer: Answer, status: ContentStatus, reason: ModerationReason | None
) -> None:
    """Move an answer (moderation or its author) and keep its question's count true."""
    step = int(status == P) - int(answer.status == P)
    answer.status = status
    answer.removal_reason = reason.value if reason is not None else ""
    await answer.save(update_fields=["status", "removal_reason", "updated_at"])
    if step:
        await Question.filter(id=answer.question_id).update(answer_count=F("answer_count") + step)
    if status != P:
        # An accepted answer that leaves sight is no longer the accepted one.
        await Question.filter(id=answer.question_id, accepted_answer_id=answer.id).update(
            accepted_answer_id=None
        )
    await catalog_ratings.content_changed()


async def _rewrite(kind: str, row: Question | Answer, author_id: int, body: str) -> ContentStatus:
    """Screen an author's new text; the status it leaves the row in (a fixed rejection goes
    back to the queue)."""
    if row.author_id != author_id:
        raise error(C.NOT_AUTHOR, f"Only its author edits a {kind}.", field="id")
    rejected = row.status == ContentStatus.REJECTED
    if row.status not in (P, ContentStatus.HELD, ContentStatus.REJECTED) or (
        rejected and not _fixable(row.removal_reason)
    ):
        raise error(C.NOT_EDITABLE, f"This {kind} cannot be edited now.", field="id")
    found = await screening.screen(author_id=author_id, kind=kind, text=body, edit=True)
    status = ContentStatus.HELD if rejected else found.status
    row.body = found.clean(body)
    if status == ContentStatus.HELD:
        reasons = ["resubmitted", *found.reasons] if rejected else list(found.reasons)
        await queue.enqueue(
            kind=kind, target_id=row.id, author_id=author_id, status=status, reasons=reasons
        )
    return status


def _fixable(reason: str) -> bool:
    from models.community.moderation import FIXABLE_REASONS

    return reason in {r.value for r in FIXABLE_REASONS}


async def edit_question(*, author_id: int, question_id: int, body: str) -> Question:
    """The asker rewrites their question (screened again)."""
    body = body.strip()
    content.check(content.text_problems(body))
    async with transaction():
        question = await Question.filter(id=question_id).select_for_update().first()
        if (
            question is None
            or question.status == ContentStatus.REMOVED
            or not await content.is_public(question.product_id)
        ):
            raise error(C.NOT_FOUND, "No such question.", field="id")
        status = await _rewrite("question", question, author_id, body)
        await moderate_question(question, status, None)
        await Question.filter(id=question.id).update(body=question.body)
    return await Question.get(id=question_id)


async def edit_answer(*, author_id: int, answer_id: int, body: str) -> Answer:
    """The author rewrites their answer (screened again)."""
    body = body.strip()
    content.check(content.text_problems(body))
    async with transaction():
        answer = await Answer.filter(id=answer_id).select_for_update().first()
        if (
            answer is None
            or answer.status == ContentStatus.REMOVED
            or not await content.is_public(await _answer_product(answer))
        ):
            raise error(C.ANSWER_NOT_FOUND, "No such answer.", field="id")
        status = await _rewrite("answer", answer, author_id, body)
        await moderate_answer(answer, status, None)
        await Answer.filter(id=answer.id).update(body=answer.body)
    return await Answer.get(id=answer_id)
