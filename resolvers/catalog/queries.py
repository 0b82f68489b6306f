"""Catalog read operations as the GraphQL layer needs them: paged, validated, loader-primed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from graphql import GraphQLError

from models.accounts import ApiScope, Permission
from models.catalog import Brand, Category, Product, Tag
from resolvers.auth import may
from resolvers.context import Info
from resolvers.pagination import Page, Total, page_from_slice, window
from services.catalog import compare as compare_service
from services.catalog import lookups, visibility
from services.catalog import suggestions as suggestion_service
from services.catalog.listing import ProductFilter, ProductSort, list_products
from services.catalog.rows import CategoryRow, ProductRow

MAX_SEARCH_LENGTH = 200
T = TypeVar("T")


async def products_page(
    info: Info,
    *,
    first: int | None,
    after: str | None,
    text: str | None,
    filters: ProductFilter,
    sort: ProductSort | None,
) -> Page[ProductRow]:
    win = window(first, after)
    if text and len(text) > MAX_SEARCH_LENGTH:
        raise GraphQLError(
            f"`search` is {len(text)} characters long; at most {MAX_SEARCH_LENGTH} are allowed.",
            extensions={"code": "BAD_USER_INPUT", "argument": "search"},
        )
    if sort == ProductSort.RELEVANCE and not (text or "").strip():
        sort = None
    result = await list_products(
        filters=filters, sort=sort, text=text, offset=win.offset, limit=win.limit
    )
    info.context.loaders.catalog.prime_products(result.products)
    return Page(
        items=result.products, offset=win.offset, total=result.total, has_next=result.has_next
    )


async def product(
    info: Info, *, product_id: int | None, slug: str | None
) -> Product | ProductRow | None:
    if (product_id is None) == (slug is None):
        raise GraphQLError(
            "Pass exactly one of `id` or `slug`.", extensions={"code": "BAD_USER_INPUT"}
        )
    found: Product | ProductRow | None
    if product_id is not None:
        found = await info.context.loaders.catalog.product_by_id.load(product_id)
    else:
        found = await lookups.product_by_slug(slug=slug or "")
    return found if found is not None and can_see_product(info, found) else None


def is_catalog_staff(info: Info) -> bool:
    """Staff who manage products (or a READ_CATALOG key), who may also read drafts and
    archived products by ID."""
    return may(info, Permission.MANAGE_PRODUCTS, ApiScope.READ_CATALOG)


def can_see_product(info: Info, row: Product | ProductRow) -> bool:
    """The catalog visibility rule (services.catalog.visibility) for this caller."""
    return visibility.is_visible(row.status, staff=is_catalog_staff(info))


async def can_see_product_id(info: Info, product_id: int) -> bool:
    """The same rule for a row that belongs to a product (variant, image, certification)."""
    row = await info.context.loaders.catalog.product_by_id.load(product_id)
    return row is not None and can_see_product(info, row)


async def category(
    info: Info, *, category_id: int | None, slug: str | None
) -> Category | CategoryRow | None:
    if (category_id is None) == (slug is None):
        raise GraphQLError(
            "Pass exactly one of `id` or `slug`.", extensions={"code": "BAD_USER_INPUT"}
        )
    if category_id is not None:
        return await info.context.loaders.catalog.category_by_id.load(category_id)
    return await lookups.category_by_slug(slug=slug or "")


async def _paged(
    fetch: Callable[..., Awaitable[tuple[list[T], Total]]], first: int | None, after: str | None
) -> Page[T]:
    win = window(first, after)
    rows, total = await fetch(offset=win.offset, limit=win.limit)
    return page_from_slice(rows, win, total)


async def root_categories(first: int | None, after: str | None) -> Page[Category]:
    return await _paged(lookups.root_categories, first, after)


async def tags(first: int | None, after: str | None) -> Page[Tag]:
    return await _paged(lookups.tags, first, after)


async def brands(first: int | None, after: str | None) -> Page[Brand]:
    return await _paged(lookups.brands, first, after)


async def category_products(
    info: Info, *, category_id: int, first: int | None, after: str | None, sort: ProductSort | None
) -> Page[ProductRow]:
    win = window(first, after)
    loader = info.context.loaders.catalog.category_products
    # Batched across every category of the response (no query per category).
    result = await loader.load((category_id, win.offset, win.limit, sort))
    info.context.loaders.catalog.prime_products(result.products)
    return Page(
        items=result.products, offset=win.offset, total=result.total, has_next=result.has_next
    )


async def search_suggestions(*, prefix: str, first: int) -> list[suggestion_service.Suggestion]:
    if first < 1 or first > 20:
        raise GraphQLError(
            "`first` must be between 1 and 20.",
            extensions={"code": "BAD_USER_INPUT", "argument": "first"},
        )
    if len(prefix) > MAX_SEARCH_LENGTH:
        raise GraphQLError(
            f"`prefix` may be at most {MAX_SEARCH_LENGTH} characters long.",
            extensions={"code": "BAD_USER_INPUT", "argument": "prefix"},
        )
    return await suggestion_service.suggest(prefix=prefix, first=first)


async def compare_products(info: Info, *, product_ids: list[int]) -> compare_service.Comparison:
    try:
        result = await compare_service.compare(
            product_ids=product_ids,
            statuses=visibility.visible_statuses(staff=is_catalog_staff(info)),
        )
    except compare_service.ComparisonError as error:
        raise GraphQLError(
            str(error), extensions={"code": "BAD_USER_INPUT", "argument": "ids"}
        ) from None
    info.context.loaders.catalog.prime_products([ProductRow.of(p) for p in result.products])
    return result
