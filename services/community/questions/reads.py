"""Q&A reads: a page of questions per product and of answers per question, many at once.

The public sees published questions and answers; members also see their own held,
rejected or hidden ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tortoise.functions import Count
from tortoise.models import Model

from models.community.moderation import ContentStatus
from models.community.questions import Answer, AnswerVote, Question
from services.community.reviews.reads import OWN_STATUSES, visible_to
from services.community.reviews.windows import page_ids


@dataclass(frozen=True)
class ListKey:
    parent_id: int
    offset: int
    limit: int
    viewer_id: int | None


def can_see(row: Question | Answer, viewer_id: int | None, *, moderator: bool) -> bool:
    if row.status == ContentStatus.PUBLISHED or moderator:
        return True
    return row.author_id == viewer_id and row.status in OWN_STATUSES


async def _pages(
    model: type[Model], table: str, parent: str, order: str, keys: Sequence[ListKey]
) -> list[tuple[list[Model], bool]]:
    groups: dict[tuple[int, int, int | None], list[int]] = {}
    for key in keys:
        groups.setdefault((key.offset, key.limit, key.viewer_id), []).append(key.parent_id)
    found: dict[tuple[int, int, int | None], dict[int, list[int]]] = {}
    for (offset, limit, viewer_id), parents in groups.items():
        where = "status = {}"
        params: list[object] = [ContentStatus.PUBLISHED.value]
        if viewer_id is not None:
            where = "(status = {} OR (author_id = {} AND status IN ({}, {}, {})))"
            params += [viewer_id, *(s.value for s in OWN_STATUSES)]
        found[(offset, limit, viewer_id)] = await page_ids(
            table=table,
            parent=parent,
            parents=parents,
            order=order,
            offset=offset,
            limit=limit,
            where=where,
            params=params,
        )
    wanted = [i for by_parent in found.values() for ids in by_parent.values() for i in ids]
    rows = {row.pk: row for row in await model.filter(id__in=wanted)} if wanted else {}
    pages: list[tuple[list[Model], bool]] = []
    for key in keys:
        ids = found[(key.offset, key.limit, key.viewer_id)].get(key.parent_id, [])
        page = [rows[i] for i in ids if i in rows]
        pages.append((page[: key.limit], len(page) > key.limit))
    return pages


async def question_pages(keys: Sequence[ListKey]) -> list[tuple[list[Question], bool]]:
    """Newest questions first, per product."""
    pages = await _pages(Question, "question", "product_id", "created_at DESC, id DESC", keys)
    return [([row for row in rows if isinstance(row, Question)], more) for rows, more in pages]


async def answer_pages(keys: Sequence[ListKey]) -> list[tuple[list[Answer], bool]]:
    """Most helpful answers first (oldest first among equals), per question."""
    order = "helpful_count DESC, created_at ASC, id ASC"
    pages = await _pages(Answer, "answer", "question_id", order, keys)
    return [([row for row in rows if isinstance(row, Answer)], more) for rows, more in pages]


async def count_questions(*, product_id: int, viewer_id: int | None) -> int:
    return await Question.filter(visible_to(viewer_id), product_id=product_id).count()


async def count_answers(*, question_ids: Sequence[int], viewer_id: int | None) -> dict[int, int]:
    """Answers each question shows the viewer, in one grouped query."""
    rows = (
        await Answer.filter(visible_to(viewer_id), question_id__in=list(question_ids))
        .annotate(n=Count("id"))
        .group_by("question_id")
        .values_list("question_id", "n")
    )
    return {int(str(question_id)): int(str(n)) for question_id, n in rows}


async def viewer_answer_votes(*, user_id: int, answer_ids: Sequence[int]) -> dict[int, bool]:
    rows = await AnswerVote.filter(user_id=user_id, answer_id__in=list(answer_ids)).values(
        "answer_id", "helpful"
    )
    return {row["answer_id"]: row["helpful"] for row in rows}
