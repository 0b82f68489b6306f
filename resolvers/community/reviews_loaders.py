"""Per-request DataLoaders for reviews and Q&A: pages per product or question, rating
summaries, the viewer's votes and edit histories, each one query per request tick."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import cached_property
from typing import Any, Generic, TypeVar

from strawberry.dataloader import DataLoader

from models.community.questions import Answer, Question
from models.community.reviews import Review, ReviewEdit
from resolvers.loaders import ByIdLoader
from services.community.questions import reads as qa_reads
from services.community.reviews import aggregate
from services.community.reviews import reads as review_reads

K = TypeVar("K")
V = TypeVar("V")


class BatchLoader(DataLoader[K, V], Generic[K, V]):
    """A DataLoader over one batch function (`keys -> values in key order`)."""

    def __init__(self, batch: Callable[[Sequence[K]], Awaitable[list[V]]]) -> None:
        super().__init__(load_fn=batch)


def _by_key(fetch: Callable[[list[int]], Awaitable[dict[int, Any]]], default: Any) -> Any:
    async def batch(keys: Sequence[int]) -> list[Any]:
        found = await fetch(sorted(set(keys)))
        return [found.get(key, default) for key in keys]

    return batch


class ReviewLoaders:
    @cached_property
    def review_by_id(self) -> ByIdLoader[Review]:
        return ByIdLoader(Review)

    @cached_property
    def question_by_id(self) -> ByIdLoader[Question]:
        return ByIdLoader(Question)

    @cached_property
    def answer_by_id(self) -> ByIdLoader[Answer]:
        return ByIdLoader(Answer)

    @cached_property
    def review_pages(self) -> BatchLoader[review_reads.ReviewListKey, tuple[list[Review], bool]]:
        return BatchLoader(review_reads.review_pages)

    @cached_property
    def question_pages(self) -> BatchLoader[qa_reads.ListKey, tuple[list[Question], bool]]:
        return BatchLoader(qa_reads.question_pages)

    @cached_property
    def answer_pages(self) -> BatchLoader[qa_reads.ListKey, tuple[list[Answer], bool]]:
        return BatchLoader(qa_reads.answer_pages)

    @cached_property
    def summaries(self) -> BatchLoader[int, aggregate.Summary]:
        return BatchLoader(_by_key(aggregate.summaries, aggregate.EMPTY))

    @cached_property
    def edit_pages(self) -> BatchLoader[review_reads.EditsKey, tuple[list[ReviewEdit], bool]]:
        return BatchLoader(review_reads.edit_pages)

    def review_counts(self, viewer_id: int | None) -> BatchLoader[int, int]:
        """How many reviews each product shows this viewer."""

        async def fetch(ids: list[int]) -> dict[int, int]:
            return await review_reads.count_reviews(product_ids=ids, viewer_id=viewer_id)

        loaders = self.__dict__.setdefault("_review_counts", {})
        if viewer_id not in loaders:
            loaders[viewer_id] = BatchLoader(_by_key(fetch, 0))
        loader: BatchLoader[int, int] = loaders[viewer_id]
        return loader

    def answer_counts(self, viewer_id: int | None) -> BatchLoader[int, int]:
        """How many answers each question shows this viewer."""

        async def fetch(ids: list[int]) -> dict[int, int]:
            return await qa_reads.count_answers(question_ids=ids, viewer_id=viewer_id)

        loaders = self.__dict__.setdefault("_answer_counts", {})
        if viewer_id not in loaders:
            loaders[viewer_id] = BatchLoader(_by_key(fetch, 0))
        loader: BatchLoader[int, int] = loaders[viewer_id]
        return loader

    def review_votes(self, user_id: int) -> BatchLoader[int, bool | None]:
        """The viewer's vote on each review (None: no vote)."""

        async def fetch(ids: list[int]) -> dict[int, bool]:
            return await review_reads.viewer_votes(user_id=user_id, review_ids=ids)

        return self._per_user("_review_votes", user_id, fetch)

    def answer_votes(self, user_id: int) -> BatchLoader[int, bool | None]:
        async def fetch(ids: list[int]) -> dict[int, bool]:
            return await qa_reads.viewer_answer_votes(user_id=user_id, answer_ids=ids)

        return self._per_user("_answer_votes", user_id, fetch)

    def _per_user(
        self, name: str, user_id: int, fetch: Callable[[list[int]], Awaitable[dict[int, Any]]]
    ) -> BatchLoader[int, bool | None]:
        loaders = self.__dict__.setdefault(name, {})
        if user_id not in loaders:
            loaders[user_id] = BatchLoader(_by_key(fetch, None))
        loader: BatchLoader[int, bool | None] = loaders[user_id]
        return loader

    def prime_reviews(self, rows: Sequence[Review]) -> None:
        for row in rows:
            self.review_by_id.prime(row.pk, row)

    def forget(self) -> None:
        """After a change, read everything again."""
        for name in list(self.__dict__):
            del self.__dict__[name]
