"""Product.reviews, Product.ratingSummary and Product.questions: resolvers the catalog's
Product type mounts. Typed lazily and importing community types only when called, so the
catalog's schema module can import this one without a cycle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers.context import Info

if TYPE_CHECKING:
    from schema.community.questions_types import QuestionConnection
    from schema.community.reviews_types import RatingSummary, ReviewConnection, ReviewSort

REVIEWS = "schema.community.reviews_types"
QUESTIONS = "schema.community.questions_types"


async def reviews(
    root: Any,
    info: Info,
    first: int | None = None,
    after: str | None = None,
    sort: Annotated[ReviewSort, strawberry.lazy(REVIEWS)] | None = None,  # type: ignore[valid-type]
    with_photos_first: Annotated[
        bool, strawberry.argument(description="Reviews with photos before the others.")
    ] = False,
) -> Annotated[ReviewConnection, strawberry.lazy(REVIEWS)]:
    from schema.community.reviews import product_reviews
    from services.community.reviews.reads import ReviewSort as Sort

    return await product_reviews(
        info,
        root.id,
        sort=Sort(sort) if sort is not None else Sort.MOST_HELPFUL,
        with_photos_first=with_photos_first,
        first=first,
        after=after,
    )


async def rating_summary(
    root: Any, info: Info
) -> Annotated[RatingSummary, strawberry.lazy(REVIEWS)]:
    from schema.community.reviews import product_rating_summary

    return await product_rating_summary(info, root.id)


async def questions(
    root: Any, info: Info, first: int | None = None, after: str | None = None
) -> Annotated[QuestionConnection, strawberry.lazy(QUESTIONS)]:
    from schema.community.questions import product_questions

    return await product_questions(info, root.id, first=first, after=after)
