"""Moderation's handle on questions and answers (services/community/moderation/targets.py)."""

from __future__ import annotations

from collections.abc import Iterable

from models.community.moderation import ContentStatus, ModerationReason
from models.community.questions import Answer, Question
from services.community.moderation import targets
from services.community.moderation.targets import Target
from services.community.questions import writing


def _target(kind: str, row: Question | Answer) -> Target:
    return Target(
        kind=kind,
        id=row.id,
        author_id=row.author_id,
        status=ContentStatus(row.status),
        created_at=row.created_at,
        excerpt=row.body[:120],
    )


class QuestionTargets:
    async def load(self, target_id: int, *, for_update: bool = False) -> Target | None:
        query = Question.filter(id=target_id)
        row = await (query.select_for_update() if for_update else query).first()
        return _target("question", row) if row is not None else None

    async def load_many(self, target_ids: Iterable[int]) -> dict[int, Target]:
        rows = await Question.filter(id__in=list(target_ids))
        return {row.id: _target("question", row) for row in rows}

    async def apply(
        self, target: Target, status: ContentStatus, *, reason: ModerationReason | None
    ) -> None:
        row = await Question.filter(id=target.id).select_for_update().first()
        if row is not None:
            await writing.moderate_question(row, status, reason)


class AnswerTargets:
    async def load(self, target_id: int, *, for_update: bool = False) -> Target | None:
        query = Answer.filter(id=target_id)
        row = await (query.select_for_update() if for_update else query).first()
        return _target("answer", row) if row is not None else None

    async def load_many(self, target_ids: Iterable[int]) -> dict[int, Target]:
        rows = await Answer.filter(id__in=list(target_ids))
        return {row.id: _target("answer", row) for row in rows}

    async def apply(
        self, target: Target, status: ContentStatus, *, reason: ModerationReason | None
    ) -> None:
        row = await Answer.filter(id=target.id).select_for_update().first()
        if row is not None:
            await writing.moderate_answer(row, status, reason)


targets.register("question", QuestionTargets())
targets.register("answer", AnswerTargets())
