"""Submitting, editing and deleting reviews, and the merchant's reply.

One review per customer and product: the unique (product, author) index decides between
two submissions at once, and the loser gets ALREADY_REVIEWED. A review counts in the
product's rating summary from submission, held or not (moderation never decides whether a
rating counts), and leaves it when its author deletes it or a moderator removes it for a
documented reason (targets.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tortoise.exceptions import IntegrityError

from models.catalog import Variant
from models.community.moderation import ContentStatus, ModerationReason
from models.community.reviews import Review, ReviewEdit
from services import clock
from services.catalog import ratings as catalog_ratings
from services.community.errors import CommunityErrorCode as C
from services.community.errors import error
from services.community.moderation import queue, screening, standing
from services.community.moderation.targets import Target
from services.community.reviews import aggregate, content, emission, verification
from services.transactions import transaction

# Rejections an author may edit against (the edit goes back through screening).
_EDITABLE = frozenset({ContentStatus.PUBLISHED, ContentStatus.HELD, ContentStatus.REJECTED})


async def _screen(
    author_id: int, title: str, body: str, photo_urls: Sequence[str], *, edit: bool = False
) -> tuple[ContentStatus, str, str, list[str]]:
    found = await screening.screen(
        author_id=author_id,
        kind="review",
        text=f"{title}\n{body}",
        images=len(photo_urls),
        edit=edit,
    )
    return found.status, found.clean(title), found.clean(body), list(found.reasons)


async def _after_screening(review: Review, reasons: list[str], *, resubmitted: bool) -> None:
    """Held reviews wait in the moderation queue; published ones credit their author."""
    if review.status == ContentStatus.HELD:
        if resubmitted:
            await queue.enqueue(
                kind="review",
                target_id=review.id,
                author_id=review.author_id,
                status=ContentStatus.HELD,
                reasons=["resubmitted", *reasons],
            )
        else:
            await queue.held(
                kind="review", target_id=review.id, author_id=review.author_id, reasons=reasons
            )
    elif review.status == ContentStatus.PUBLISHED and review.published_at is None:
        await standing.credit_approved(review.author_id)


async def mark_published(review: Review) -> None:
    """Stamp the first publication and emit review.published (once per review)."""
    if review.status == ContentStatus.PUBLISHED and review.published_at is None:
        review.published_at = clock.now()
        await Review.filter(id=review.id).update(published_at=review.published_at)
        await emission.published(review)


async def submit_review(
    *,
    author_id: int,
    product_id: int,
    rating: int,
    title: str = "",
    body: str = "",
    photo_urls: Sequence[str] = (),
    variant_id: int | None = None,
    child_id: int | None = None,
) -> Review:
    """A member's review of a product; screened, verified, counted in the summary."""
    title, body = title.strip(), body.strip()
    content.check(
        content.review_problems(rating=rating, title=title, body=body, photo_urls=photo_urls)
    )
    await content.public_product(product_id)
    if variant_id is not None and not await Variant.exists(id=variant_id, product_id=product_id):
        raise error(C.VARIANT_INVALID, "That variant is not of this product.", field="variantId")
    age = await content.child_age_months(user_id=author_id, child_id=child_id)
    basis = await verification.basis(user_id=author_id, product_id=product_id)
    try:
        async with transaction():
            previous = (
                await Review.filter(product_id=product_id, author_id=author_id)
                .select_for_update()
                .first()
            )
            if previous is not None and previous.status != ContentStatus.REMOVED:
                raise _already()
            status, title, body, reasons = await _screen(author_id, title, body, photo_urls)
            values: dict[str, Any] = {
                "variant_id": variant_id,
                "rating": rating,
                "title": title,
                "body": body,
                "photo_urls": list(photo_urls),
                "has_photos": bool(photo_urls),
                "status": status,
                "removal_reason": "",
                "in_aggregate": True,
                "verified": basis is not None,
                "verified_basis": basis,
                "child_age_months": age,
            }
            if previous is None:
                review = await Review.create(product_id=product_id, author_id=author_id, **values)
            else:
                # Deleted by its author before: the new review takes its place.
                review = previous
                review.update_from_dict(values)
                await review.save()
            await aggregate.change(product_id=product_id, added=rating)
            await emission.created(review)
            await _after_screening(review, reasons, resubmitted=False)
            await mark_published(review)
    except IntegrityError:
        raise _already() from None
    return review


def _already() -> Exception:
    return error(C.ALREADY_REVIEWED, "You have reviewed this product already.", field="productId")


async def _own(review_id: int, author_id: int) -> Review:
    review = await Review.filter(id=review_id).select_for_update().first()
    if (
        review is None
        or review.status == ContentStatus.REMOVED
        or not await content.is_public(review.product_id)
    ):
        raise error(C.NOT_FOUND, "No such review.", field="reviewId")
    if review.author_id != author_id:
        raise error(C.NOT_AUTHOR, "Only its author can change a review.", field="reviewId")
    return review


async def edit_review(
    *,
    author_id: int,
    review_id: int,
    rating: int | None = None,
    title: str | None = None,
    body: str | None = None,
    photo_urls: Sequence[str] | None = None,
) -> Review:
    """The author's edit: the version before is kept, the edit is screened again."""
    async with transaction():
        review = await _own(review_id, author_id)
        if review.status not in _EDITABLE:
            raise error(C.NOT_EDITABLE, "This review cannot be edited now.", field="reviewId")
        if review.status == ContentStatus.REJECTED and not _fixable(review.removal_reason):
            raise error(C.NOT_EDITABLE, "This rejection cannot be edited away.", field="reviewId")
        new_rating = review.rating if rating is None else rating
        new_title = review.title if title is None else title.strip()
        new_body = review.body if body is None else body.strip()
        photos = list(review.photo_urls) if photo_urls is None else list(photo_urls)
        content.check(
            content.review_problems(
                rating=new_rating, title=new_title, body=new_body, photo_urls=photos
            )
        )
        await ReviewEdit.create(
            review_id=review.id,
            rating=review.rating,
            title=review.title,
            body=review.body,
            photo_urls=list(review.photo_urls),
            edited_at=clock.now(),
        )
        rewritten = (new_title, new_body, photos) != (
            review.title,
            review.body,
            list(review.photo_urls),
        )
        status, reason, counts = review.status, review.removal_reason, review.in_aggregate
        reasons: list[str] = []
        resubmitted = review.status == ContentStatus.REJECTED
        if rewritten:
            # New words are screened again; a fixed rejection waits for a moderator again
            # and counts again meanwhile.
            status, new_title, new_body, reasons = await _screen(
                author_id, new_title, new_body, photos, edit=True
            )
            if resubmitted:
                status = ContentStatus.HELD
            reason, counts = "", True
        elif resubmitted:
            raise error(C.NOT_EDITABLE, "Change the text the rejection is about.", field="body")
        if review.in_aggregate and counts:
            await aggregate.change(
                product_id=review.product_id, added=new_rating, removed=review.rating
            )
        elif counts:
            await aggregate.change(product_id=review.product_id, added=new_rating)
        basis = await verification.basis(user_id=author_id, product_id=review.product_id)
        review.update_from_dict(
            {
                "rating": new_rating,
                "title": new_title,
                "body": new_body,
                "photo_urls": photos,
                "has_photos": bool(photos),
                "status": status,
                "removal_reason": reason,
                "in_aggregate": counts,
                "verified": basis is not None,
                "verified_basis": basis,
                "edit_count": review.edit_count + 1,
            }
        )
        await review.save()
        await emission.updated(review, "edited")
        await catalog_ratings.content_changed()
        if rewritten:
            await _after_screening(review, reasons, resubmitted=resubmitted)
        await mark_published(review)
    return review


def _fixable(reason: str) -> bool:
    from models.community.moderation import FIXABLE_REASONS

    return reason in {r.value for r in FIXABLE_REASONS}


async def delete_review(*, author_id: int, review_id: int) -> Review:
    """The author deletes their review: hidden from everyone, out of the summary."""
    async with transaction():
        review = await _own(review_id, author_id)
        if review.in_aggregate:
            await aggregate.change(product_id=review.product_id, removed=review.rating)
        review.status = ContentStatus.REMOVED
        review.in_aggregate = False
        await review.save(update_fields=["status", "in_aggregate", "updated_at"])
        await emission.removed(review, "author")
        await catalog_ratings.content_changed()
    return review


async def reply_review(*, staff_id: int, review_id: int, body: str) -> Review:
    """The shop's public reply under a review (an empty body removes it)."""
    body = body.strip()
    if len(body) > content.MAX_BODY:
        raise error(C.TOO_LONG, f"At most {content.MAX_BODY} characters.", field="body")
    async with transaction():
        review = await Review.filter(id=review_id).select_for_update().first()
        if review is None or review.status == ContentStatus.REMOVED:
            raise error(C.NOT_FOUND, "No such review.", field="reviewId")
        review.reply_body = body or None  # type: ignore[assignment]
        review.reply_at = clock.now() if body else None
        review.reply_by_id = staff_id if body else None
        await review.save(update_fields=["reply_body", "reply_at", "reply_by_id", "updated_at"])
        await emission.updated(review, "reply")
        await catalog_ratings.content_changed()
    return review


async def moderate(review: Review, status: ContentStatus, reason: ModerationReason | None) -> None:
    """A moderator moved the review (inside the action's transaction). It leaves the summary
    only when rejected or hidden for an AGGREGATE_EXCLUDING_REASONS reason, and comes back
    when approved or restored."""
    from models.community.moderation import AGGREGATE_EXCLUDING_REASONS

    excluded = status in (ContentStatus.REJECTED, ContentStatus.HIDDEN, ContentStatus.REMOVED) and (
        reason in AGGREGATE_EXCLUDING_REASONS
    )
    counts = not excluded and status != ContentStatus.REMOVED
    if review.in_aggregate and not counts:
        await aggregate.change(product_id=review.product_id, removed=review.rating)
    elif counts and not review.in_aggregate:
        await aggregate.change(product_id=review.product_id, added=review.rating)
    leaving = review.status == ContentStatus.PUBLISHED and status != ContentStatus.PUBLISHED
    review.status = status
    review.in_aggregate = counts
    review.removal_reason = reason.value if reason is not None else ""
    await review.save(update_fields=["status", "in_aggregate", "removal_reason", "updated_at"])
    if leaving:
        await emission.removed(review, review.removal_reason or "moderation")
    else:
        await emission.updated(review, "moderated")
    await mark_published(review)
    await catalog_ratings.content_changed()


def target_of(review: Review) -> Target:
    return Target(
        kind="review",
        id=review.id,
        author_id=review.author_id,
        status=ContentStatus(review.status),
        created_at=review.created_at,
        excerpt=(review.title or review.body)[:120],
    )
