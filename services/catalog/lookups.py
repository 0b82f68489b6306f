"""Catalog rows found by slug, and the plain pages of categories, tags and brands."""

from __future__ import annotations

from typing import TypeVar

from tortoise.models import Model
from tortoise.queryset import QuerySet

from models.catalog import Brand, Category, Product, Tag

M = TypeVar("M", bound=Model)


async def product_by_slug(*, slug: str) -> Product | None:
    """The product with this slug, whatever its status (the caller applies visibility)."""
    return await Product.get_or_none(slug=slug)


async def category_by_slug(*, slug: str) -> Category | None:
    return await Category.get_or_none(slug=slug)


async def _slice(query: QuerySet[M], offset: int, limit: int) -> tuple[list[M], int]:
    total = await query.count()
    rows = await query.offset(offset).limit(limit + 1)
    return list(rows), total


async def root_categories(*, offset: int, limit: int) -> tuple[list[Category], int]:
    """Top-level categories from `offset`: up to limit + 1 rows (one more says a next page
    exists), and how many there are."""
    return await _slice(Category.filter(parent_id__isnull=True), offset, limit)


async def tags(*, offset: int, limit: int) -> tuple[list[Tag], int]:
    """Tags from `offset`, as `root_categories` pages them."""
    return await _slice(Tag.all(), offset, limit)


async def brands(*, offset: int, limit: int) -> tuple[list[Brand], int]:
    """Brands from `offset`, as `root_categories` pages them."""
    return await _slice(Brand.all(), offset, limit)
