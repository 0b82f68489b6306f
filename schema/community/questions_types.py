"""Q&A types: a product question with its answers (answers by buyers and by the shop are
marked), the accepted answer and the viewer's votes."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Self

import strawberry
from strawberry import relay

from models.community import moderation as mm
from models.community import questions as m
from resolvers.community import questions as access
from resolvers.community.reviews import viewer_id
from resolvers.context import Info
from schema.catalog.types import ProductType
from schema.community.moderation_types import VOTE_LAG, CommunityMember, ContentStatus
from schema.connections import CountedConnection
from schema.nodes import LoadedNode


async def _author(info: Info, author_id: int) -> CommunityMember:
    name = await info.context.loaders.community_posts.display_names.load(author_id)
    return CommunityMember(display_name=name or "Customer")


@strawberry.type(name="Answer", description="An answer to a product question.")
class AnswerType(LoadedNode):
    loader_group: ClassVar[str] = "community_reviews"
    loader: ClassVar[str] = "answer_by_id"
    id: relay.NodeID[int]
    body: str
    status: ContentStatus  # type: ignore[valid-type]
    by_staff: bool = strawberry.field(description="Written by the shop.")
    verified_buyer: bool = strawberry.field(description="Written by a member who bought it.")
    helpful_count: int = strawberry.field(description=VOTE_LAG)
    unhelpful_count: int = strawberry.field(description=VOTE_LAG)
    created_at: datetime
    row: strawberry.Private[m.Answer]

    @classmethod
    async def visible(cls, info: Info, row: m.Answer) -> bool:
        return await access.can_read(info, row)

    @classmethod
    def from_model(cls, row: m.Answer) -> Self:
        return cls(
            id=row.id,
            body=row.body,
            status=mm.ContentStatus(row.status),
            by_staff=row.by_staff,
            verified_buyer=row.verified_buyer,
            helpful_count=row.helpful_count,
            unhelpful_count=row.unhelpful_count,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="Who answered: a display name, nothing more.")
    async def author(self, info: Info) -> CommunityMember:
        return await _author(info, self.row.author_id)

    @strawberry.field(description="Whether the signed-in member wrote it.")
    def is_mine(self, info: Info) -> bool:
        return self.row.author_id == viewer_id(info)

    @strawberry.field(
        description="The signed-in member's vote: true helpful, false not, null none."
    )
    async def my_vote(self, info: Info) -> bool | None:
        who = viewer_id(info)
        if who is None:
            return None
        return await info.context.loaders.community_reviews.answer_votes(who).load(self.row.id)

    @strawberry.field(description="Whether the asker or the shop accepted this answer.")
    async def accepted(self, info: Info) -> bool:
        question = await info.context.loaders.community_reviews.question_by_id.load(
            self.row.question_id
        )
        return question is not None and question.accepted_answer_id == self.row.id


@strawberry.type(description="A page of answers, most helpful first.")
class AnswerConnection(CountedConnection[AnswerType]):
    pass


@strawberry.type(name="Question", description="A question about a product.")
class QuestionType(LoadedNode):
    loader_group: ClassVar[str] = "community_reviews"
    loader: ClassVar[str] = "question_by_id"
    id: relay.NodeID[int]
    body: str
    status: ContentStatus  # type: ignore[valid-type]
    answer_count: int = strawberry.field(description="Published answers.")
    created_at: datetime
    row: strawberry.Private[m.Question]

    @classmethod
    async def visible(cls, info: Info, row: m.Question) -> bool:
        return await access.can_read(info, row)

    @classmethod
    def from_model(cls, row: m.Question) -> Self:
        return cls(
            id=row.id,
            body=row.body,
            status=mm.ContentStatus(row.status),
            answer_count=row.answer_count,
            created_at=row.created_at,
            row=row,
        )

    @strawberry.field(description="Who asked: a display name, nothing more.")
    async def author(self, info: Info) -> CommunityMember:
        return await _author(info, self.row.author_id)

    @strawberry.field(description="Whether the signed-in member asked it (may accept answers).")
    def is_mine(self, info: Info) -> bool:
        return self.row.author_id == viewer_id(info)

    @strawberry.field(description="The answer the asker or the shop accepted, if any.")
    async def accepted_answer(self, info: Info) -> AnswerType | None:
        if self.row.accepted_answer_id is None:
            return None
        row = await info.context.loaders.community_reviews.answer_by_id.load(
            self.row.accepted_answer_id
        )
        return AnswerType.from_model(row) if row is not None and access.can_see(info, row) else None

    @strawberry.field(description="Answers, most helpful first.")
    async def answers(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> AnswerConnection:
        page = await access.question_answers(
            info, question_id=self.row.id, first=first, after=after
        )
        return AnswerConnection.from_page(page, AnswerType.from_model)

    @strawberry.field(description="The product asked about.")
    async def product(self, info: Info) -> ProductType | None:
        (found,) = await ProductType.resolve_nodes(info=info, node_ids=[str(self.row.product_id)])
        return found


@strawberry.type(description="A page of questions, newest first.")
class QuestionConnection(CountedConnection[QuestionType]):
    pass
