"""Staff writes to the category tree (materialized paths kept true for whole subtrees)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tortoise import connections

from models.catalog import Category, Product
from services.catalog import versioning
from services.catalog.admin.common import (
    CATEGORY_KEYS,
    MAX_PATH,
    TREE_LOCK,
    Code,
    bad,
    check,
    clean_text,
    free_slug,
    unique_write,
    validate_slug,
)
from services.catalog.denormalize import refresh_products
from services.catalog.importer import slugify
from services.errors import DomainError
from services.transactions import transaction

# --- categories -------------------------------------------------------------------------


async def _lock_tree() -> None:
    """Serialize tree writers on PostgreSQL, so two concurrent moves can never make a cycle."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [TREE_LOCK])
    # SQLite runs one transaction at a time already.


async def _validate_category(
    values: dict[str, Any], current: Category | None, problems: list[DomainError]
) -> Category | None:
    if "name" in values:
        values["name"] = clean_text(values["name"], "name", 200, problems)
    if "description" in values:
        values["description"] = str(values["description"] or "").strip()
    if "slug" in values:
        await validate_slug(Category, values["slug"], current, 120, problems)
    parent = None
    if values.get("parent_id") is not None:
        parent = await Category.get_or_none(id=values["parent_id"])
        if parent is None:
            bad(problems, Code.NOT_FOUND, "No such category.", "parent_id")
        elif current is not None and parent.path.startswith(current.path):
            bad(
                problems,
                Code.CATEGORY_CYCLE,
                "A category cannot move under itself or one of its descendants.",
                "parent_id",
            )
    return parent


async def create_category(*, fields: Mapping[str, Any]) -> Category:
    """Create a category at the root or under `parent_id`."""
    values = {key: value for key, value in fields.items() if key in CATEGORY_KEYS}
    values.setdefault("name", "")
    async with transaction():
        await _lock_tree()
        problems: list[DomainError] = []
        parent = await _validate_category(values, None, problems)
        check(problems)
        if not values.get("slug"):
            values["slug"] = await free_slug(Category, slugify(values["name"]), 120)
        values["parent_id"] = parent.id if parent else None
        category = await unique_write(
            Category.create(path="", depth=parent.depth + 1 if parent else 0, **values),
            Code.SLUG_TAKEN,
            "slug",
        )
        category.path = _new_path(category, parent)
        if len(category.path) > MAX_PATH:
            raise DomainError(Code.INVALID_VALUE, "The tree is too deep.", field="parent_id")
        await category.save(update_fields=["path"])
        # Readers hold the category tree per catalog version (services/catalog/tree.py).
        await versioning.bump()
    return category


async def update_category(*, category_id: int, changes: Mapping[str, Any]) -> Category:
    """Rename or move a category; a move rewrites `path` and `depth` of its whole subtree."""
    values = {key: value for key, value in changes.items() if key in CATEGORY_KEYS}
    async with transaction():
        await _lock_tree()
        category = await Category.get_or_none(id=category_id)
        if category is None:
            raise DomainError(Code.NOT_FOUND, "No such category.", field="id")
        problems: list[DomainError] = []
        parent = await _validate_category(values, category, problems)
        check(problems)
        moving = "parent_id" in values and values["parent_id"] != category.parent_id
        if moving:
            await _move_subtree(category, parent)
        if values:
            await unique_write(
                Category.filter(id=category_id).update(**values), Code.SLUG_TAKEN, "slug"
            )
        # Category names and paths are part of the search document of the products below.
        path = _new_path(category, parent) if moving else category.path
        subtree = Category.filter(path__startswith=path).values_list("id", flat=True)
        products = Product.filter(category_id__in=await subtree).values_list("id", flat=True)
        await refresh_products(product_ids=await products)  # type: ignore[arg-type]
        # Raised even when no product lies below (refresh_products then raises nothing):
        # readers hold the category tree per catalog version.
        await versioning.bump()
    return await Category.get(id=category_id)


def _new_path(category: Category, parent: Category | None) -> str:
    return f"{parent.path if parent else '/'}{category.id}/"


async def _move_subtree(category: Category, parent: Category | None) -> None:
    """Rewrite the materialized path and depth of `category` and every descendant at once."""
    old_path, new_path = category.path, _new_path(category, parent)
    shift = (parent.depth + 1 if parent else 0) - category.depth
    paths = await Category.filter(path__startswith=old_path).values_list("path", flat=True)
    if max(len(path) for path in paths) + len(new_path) - len(old_path) > MAX_PATH:
        raise DomainError(Code.INVALID_VALUE, "The tree would get too deep.", field="parent_id")
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        sql = (
            "UPDATE category SET path = $1 || substr(path, $2), depth = depth + $3 "
            "WHERE path LIKE $4"
        )
    else:
        sql = "UPDATE category SET path = ? || substr(path, ?), depth = depth + ? WHERE path LIKE ?"
    # Paths hold only digits and slashes, so LIKE needs no escaping.
    await conn.execute_query(sql, [new_path, len(old_path) + 1, shift, f"{old_path}%"])
