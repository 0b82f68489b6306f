"""Catalog rows found by slug, and the plain pages of categories, tags and brands."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.catalog import Brand, Category, Product, Tag
from services.catalog import tree
from services.catalog.rows import CategoryRow

M = TypeVar("M", bound=Model)


async def product_by_slug(*, slug: str) -> Product | None:
    """The product with this slug, whatever its status (the caller applies visibility)."""
    return await Product.get_or_none(slug=slug)


async def category_by_slug(*, slug: str) -> CategoryRow | None:
    """The category with this slug, from the category tree of the current catalog version."""
    return (await tree.current()).by_slug.get(slug)


Count = Callable[[], Awaitable[int]]


async def _slice(query: QuerySet[M], offset: int, limit: int) -> tuple[list[M], Count]:
    rows = await query.offset(offset).limit(limit + 1)
    return list(rows), query.count


async def root_categories(*, offset: int, limit: int) -> tuple[list[Category], Count]:
    """Top-level categories from `offset`: up to limit + 1 rows (one more says a next page
    exists), and how to count them all (a query, run only when needed)."""
    return await _slice(Category.filter(parent_id__isnull=True), offset, limit)


async def tags(*, offset: int, limit: int) -> tuple[list[Tag], Count]:
    """Tags from `offset`, as `root_categories` pages them."""
    return await _slice(Tag.all(), offset, limit)


async def brands(*, offset: int, limit: int) -> tuple[list[Brand], Count]:
    """Brands from `offset`, as `root_categories` pages them."""
    return await _slice(Brand.all(), offset, limit)


async def tags_of_products(*, product_ids: Iterable[int]) -> dict[int, list[Tag]]:
    """Each product's tags by name, in one query (light rows: id, slug and name only)."""
    rows = (
        await Tag.filter(products__id__in=list(set(product_ids)))
        .annotate()
        .values("id", "slug", "name", "products__id")
    )
    grouped: dict[int, list[Tag]] = defaultdict(list)
    for row in rows:
        grouped[row["products__id"]].append(Tag(id=row["id"], slug=row["slug"], name=row["name"]))
    for tags in grouped.values():
        tags.sort(key=lambda tag: tag.name)
    return grouped
