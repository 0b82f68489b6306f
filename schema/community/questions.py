"""Q&A operations: asking, answering (staff answers are marked), accepting, voting and
deleting one's own."""

from __future__ import annotations

from collections.abc import Awaitable

import strawberry
from strawberry import relay

from models.community.questions import Answer, Question
from resolvers.community import questions as ops
from resolvers.context import Info
from schema.community.errors import CommunityError, attempt
from schema.community.questions_types import AnswerType, QuestionConnection, QuestionType
from schema.nodes import typed_pk


@strawberry.type(description="The question after the change, or why it failed.")
class QuestionPayload:
    question: QuestionType | None
    errors: list[CommunityError]


@strawberry.type(description="The answer after the change, or why it failed.")
class AnswerPayload:
    answer: AnswerType | None
    errors: list[CommunityError]


async def _question(call: Awaitable[Question]) -> QuestionPayload:
    row, errors = await attempt(call)
    return QuestionPayload(question=QuestionType.from_model(row) if row else None, errors=errors)


async def _answer(call: Awaitable[Answer]) -> AnswerPayload:
    row, errors = await attempt(call)
    return AnswerPayload(answer=AnswerType.from_model(row) if row else None, errors=errors)


@strawberry.type
class QuestionsMutation:
    @strawberry.mutation(
        description="Ask about a product; members who bought it recently are asked to answer."
    )
    async def ask_question(
        self, info: Info, product_id: relay.GlobalID, body: str
    ) -> QuestionPayload:
        return await _question(ops.ask(info, product_id=typed_pk(product_id, "Product"), body=body))

    @strawberry.mutation(description="Rewrite your question; screened again.")
    async def update_question(self, info: Info, id: relay.GlobalID, body: str) -> QuestionPayload:
        return await _question(
            ops.edit_question(info, question_id=typed_pk(id, "Question"), body=body)
        )

    @strawberry.mutation(description="Rewrite your answer; screened again.")
    async def update_answer(self, info: Info, id: relay.GlobalID, body: str) -> AnswerPayload:
        return await _answer(ops.edit_answer(info, answer_id=typed_pk(id, "Answer"), body=body))

    @strawberry.mutation(description="Delete your question.")
    async def delete_question(self, info: Info, id: relay.GlobalID) -> QuestionPayload:
        return await _question(ops.delete_question(info, question_id=typed_pk(id, "Question")))

    @strawberry.mutation(
        description="Answer a question; marked when you bought the product, or as the shop's "
        "when you are staff with MANAGE_COMMUNITY."
    )
    async def answer_question(
        self, info: Info, question_id: relay.GlobalID, body: str
    ) -> AnswerPayload:
        return await _answer(
            ops.answer(info, question_id=typed_pk(question_id, "Question"), body=body)
        )

    @strawberry.mutation(description="Delete your answer.")
    async def delete_answer(self, info: Info, id: relay.GlobalID) -> AnswerPayload:
        return await _answer(ops.delete_answer(info, answer_id=typed_pk(id, "Answer")))

    @strawberry.mutation(description="The asker (or staff) accepts the answer that helped.")
    async def accept_answer(self, info: Info, id: relay.GlobalID) -> QuestionPayload:
        return await _question(ops.accept(info, answer_id=typed_pk(id, "Answer")))

    @strawberry.mutation(
        description="Vote an answer helpful (true) or not (false); null (or nothing) takes it back."
    )
    async def vote_answer(
        self, info: Info, id: relay.GlobalID, helpful: bool | None = None
    ) -> AnswerPayload:
        return await _answer(ops.vote(info, answer_id=typed_pk(id, "Answer"), helpful=helpful))


async def product_questions(
    info: Info, product_id: int, *, first: int | None, after: str | None
) -> QuestionConnection:
    page = await ops.product_questions(info, product_id=product_id, first=first, after=after)
    return QuestionConnection.from_page(page, QuestionType.from_model)
