"""Feeds as the API offers them: who asks, argument checks, pages of loader-primed products."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLError

from models.catalog import Product
from resolvers.auth import guest_identity, viewer
from resolvers.catalog.queries import can_see_product
from resolvers.context import Info
from resolvers.pagination import Page, window
from services.accounts.children import age_months, find_child
from services.catalog.rows import ProductRow
from services.errors import DomainError
from services.feed import assembly
from services.feed import feedback as feedback_service
from services.feed.entries import FeedEntry, FeedSection
from services.feed.impressions import recorder as impressions
from services.flows.shopper_feed import shopper_feed


@dataclass(frozen=True)
class FeedRow:
    """One entry with its product (and the product its reason names) already loaded."""

    entry: FeedEntry
    product: ProductRow
    source: ProductRow | None


def _bad_input(message: str, argument: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", "argument": argument})


async def _child(info: Info, child_id: int) -> assembly.Child:
    user = viewer(info)
    if user is None:
        raise GraphQLError(
            "Sign in to see a feed for your child: send `Authorization: Bearer <accessToken>`.",
            extensions={"code": "UNAUTHENTICATED"},
        )
    child = await find_child(user_id=user.id, child_id=child_id)
    if child is None:
        raise _bad_input("No child profile with this ID on your account.", "childProfileId")
    return assembly.Child(age_months(child.birth_month), tuple(child.interests or ()))


async def feed(
    info: Info,
    *,
    section: FeedSection,
    product_id: int | None,
    child_profile_id: int | None,
    first: int | None,
    after: str | None,
    anonymous_id: str | None,
) -> Page[FeedRow]:
    """A page of one feed section for the caller (a signed-in user, else a guest's id)."""
    win = window(first, after)
    loader = info.context.loaders.catalog.product_by_id
    if section in assembly.NEEDS_PRODUCT:
        if product_id is None:
            raise _bad_input(f"The {section.name} section needs `productId`.", "productId")
        anchor = await loader.load(product_id)
        if anchor is None or not can_see_product(info, anchor):
            raise _bad_input("`productId` is not the ID of a product.", "productId")
    elif product_id is not None:
        raise _bad_input(
            "`productId` is only for the SIMILAR and BOUGHT_TOGETHER sections.", "productId"
        )
    child = None
    if section == FeedSection.FOR_CHILD:
        if child_profile_id is None:
            raise _bad_input("The FOR_CHILD section needs `childProfileId`.", "childProfileId")
        child = await _child(info, child_profile_id)
    elif child_profile_id is not None:
        raise _bad_input("`childProfileId` is only for the FOR_CHILD section.", "childProfileId")

    user = viewer(info)
    shopper = assembly.Shopper(
        user_id=user.id if user is not None else None,
        anonymous_id=guest_identity(info, anonymous_id),
        personalized=user.personalization_consent if user is not None else True,
    )
    ranked = await shopper_feed(
        section=section, shopper=shopper, product_id=product_id, child=child
    )
    entries = ranked.entries[win.offset : win.offset + win.limit]
    wanted = [entry.product_id for entry in entries]
    wanted += [e.source_product_id for e in entries if e.source_product_id is not None]
    # One batched read for the page's products and the products their reasons name.
    rows = dict(zip(wanted, await loader.load_many(wanted), strict=True))
    items = []
    for entry in entries:
        product = rows.get(entry.product_id)
        if product is None or not can_see_product(info, product):
            continue  # changed since the section was cached
        source = rows.get(entry.source_product_id) if entry.source_product_id else None
        items.append(
            FeedRow(entry, product, source if source and can_see_product(info, source) else None)
        )
    impressions.record(
        section=section.value,
        user_id=shopper.user_id,
        anonymous_id=shopper.anonymous_id,
        model_version=ranked.model_version,
        shown=[(row.entry.product_id, win.offset + index) for index, row in enumerate(items)],
    )
    total = len(ranked.entries)
    return Page(
        items=items, offset=win.offset, total=total, has_next=win.offset + win.limit < total
    )


@dataclass
class NotInterestedResult:
    product: Product | None = None
    error: DomainError | None = None


async def mark_not_interested(
    info: Info, *, product_id: int, anonymous_id: str | None
) -> NotInterestedResult:
    """Hide a product from the caller's feeds."""
    user = viewer(info)
    anonymous = guest_identity(info, anonymous_id)
    try:
        product = await feedback_service.mark_not_interested(
            product_id=product_id,
            user_id=user.id if user is not None else None,
            anonymous_id=anonymous,
        )
    except DomainError as error:
        return NotInterestedResult(error=error)
    return NotInterestedResult(product=product)
