"""Product Q&A for GraphQL: pages of questions and answers, visibility and operations."""

from __future__ import annotations

from models.accounts import Permission
from models.community.questions import Answer, Question
from resolvers.auth import has_permission, require_user
from resolvers.community.posts import is_moderator
from resolvers.community.reviews import empty, product_shown, viewer_id
from resolvers.context import Info
from resolvers.pagination import Page, window
from services.community import questions
from services.community.questions import reads
from services.community.questions.reads import ListKey


def can_see(info: Info, row: Question | Answer) -> bool:
    return reads.can_see(row, viewer_id(info), moderator=is_moderator(info))


async def can_read(info: Info, row: Question | Answer) -> bool:
    """can_see, and the visibility of the product asked about (node(id:))."""
    if not can_see(info, row):
        return False
    if isinstance(row, Question):
        return await product_shown(info, row.product_id)
    question = await info.context.loaders.community_reviews.question_by_id.load(row.question_id)
    return question is not None and await product_shown(info, question.product_id)


async def product_questions(
    info: Info, *, product_id: int, first: int | None, after: str | None
) -> Page[Question]:
    win = window(first, after)
    if not await product_shown(info, product_id, in_list=True):
        return empty(win.offset)
    who = viewer_id(info)
    loaders = info.context.loaders.community_reviews
    rows, has_next = await loaders.question_pages.load(
        ListKey(product_id, win.offset, win.limit, who)
    )
    for row in rows:
        loaders.question_by_id.prime(row.pk, row)

    async def total() -> int:
        return await reads.count_questions(product_id=product_id, viewer_id=who)

    return Page(items=rows, offset=win.offset, total=total, has_next=has_next)


async def question_answers(
    info: Info, *, question_id: int, first: int | None, after: str | None
) -> Page[Answer]:
    win = window(first, after)
    who = viewer_id(info)
    loaders = info.context.loaders.community_reviews
    rows, has_next = await loaders.answer_pages.load(
        ListKey(question_id, win.offset, win.limit, who)
    )
    for row in rows:
        loaders.answer_by_id.prime(row.pk, row)

    async def total() -> int:
        return await loaders.answer_counts(who).load(question_id)

    return Page(items=rows, offset=win.offset, total=total, has_next=has_next)


def _forget(info: Info) -> None:
    info.context.loaders.community_reviews.forget()


async def ask(info: Info, *, product_id: int, body: str) -> Question:
    user = require_user(info)
    question = await questions.ask_question(author_id=user.id, product_id=product_id, body=body)
    _forget(info)
    return question


async def delete_question(info: Info, *, question_id: int) -> Question:
    user = require_user(info)
    question = await questions.delete_question(author_id=user.id, question_id=question_id)
    _forget(info)
    return question


async def answer(info: Info, *, question_id: int, body: str) -> Answer:
    user = require_user(info)
    staff = has_permission(info, Permission.MANAGE_COMMUNITY)
    row = await questions.answer_question(
        author_id=user.id, question_id=question_id, body=body, by_staff=staff
    )
    _forget(info)
    return row


async def edit_question(info: Info, *, question_id: int, body: str) -> Question:
    user = require_user(info)
    row = await questions.edit_question(author_id=user.id, question_id=question_id, body=body)
    _forget(info)
    return row


async def edit_answer(info: Info, *, answer_id: int, body: str) -> Answer:
    user = require_user(info)
    row = await questions.edit_answer(author_id=user.id, answer_id=answer_id, body=body)
    _forget(info)
    return row


async def delete_answer(info: Info, *, answer_id: int) -> Answer:
    user = require_user(info)
    row = await questions.delete_answer(author_id=user.id, answer_id=answer_id)
    _forget(info)
    return row


async def accept(info: Info, *, answer_id: int) -> Question:
    user = require_user(info)
    staff = has_permission(info, Permission.MANAGE_COMMUNITY)
    question = await questions.accept_answer(actor_id=user.id, answer_id=answer_id, staff=staff)
    _forget(info)
    return question


async def vote(info: Info, *, answer_id: int, helpful: bool | None) -> Answer:
    user = require_user(info)
    row = await questions.vote_answer(user_id=user.id, answer_id=answer_id, helpful=helpful)
    _forget(info)
    return row
