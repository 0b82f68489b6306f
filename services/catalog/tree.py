"""The category tree held in memory, one copy per catalog version.

The whole category table is small (hundreds of rows) and read on almost every catalog page
(a product's category, its breadcrumbs, a category's children, the descendants a filter
takes in). Each worker reads it once per catalog version instead of once per request: every
category write raises the version (services/catalog/versioning.py), so the next read after
a rename or a move loads the new tree.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from models.catalog import Category
from services import cache
from services.catalog import rows, versioning
from services.catalog.rows import CategoryRow


@dataclass(frozen=True)
class CategoryTree:
    """Every category by id and by slug, and each one's children in the model's ordering."""

    version: str
    by_id: dict[int, CategoryRow]
    by_slug: dict[str, CategoryRow]
    children: dict[int | None, list[CategoryRow]] = field(repr=False)

    @classmethod
    def of(cls, version: str, categories: Iterable[CategoryRow]) -> CategoryTree:
        ordered = list(categories)
        children: dict[int | None, list[CategoryRow]] = defaultdict(list)
        for row in ordered:
            children[row.parent_id].append(row)
        return cls(
            version=version,
            by_id={row.id: row for row in ordered},
            by_slug={row.slug: row for row in ordered},
            children=dict(children),
        )

    def get(self, category_id: int) -> CategoryRow | None:
        return self.by_id.get(category_id)

    def children_of(self, category_id: int | None) -> list[CategoryRow]:
        return self.children.get(category_id, [])

    def ancestors(self, row: CategoryRow) -> list[CategoryRow]:
        """From the root down to the parent (breadcrumbs), read from the materialized path."""
        ids = [int(part) for part in row.path.strip("/").split("/") if part][:-1]
        return [self.by_id[ancestor] for ancestor in ids if ancestor in self.by_id]

    def with_descendants(self, roots: Iterable[CategoryRow]) -> list[int]:
        """The ids of `roots` and of every category below them."""
        prefixes = tuple(row.path for row in roots)
        if not prefixes:
            return []
        return [row.id for row in self.by_id.values() if row.path.startswith(prefixes)]


@dataclass
class _Held:
    tree: CategoryTree | None = None


# One per cache backend, as versioning keeps one known version per backend (tests run two
# "workers" in one process by switching backends).
_held: weakref.WeakKeyDictionary[Any, _Held] = weakref.WeakKeyDictionary()
_no_backend = _Held()


def _state() -> _Held:
    backend = cache.backend()
    if backend is None:
        return _no_backend
    held = _held.get(backend)
    if held is None:
        held = _held[backend] = _Held()
    return held


async def current() -> CategoryTree:
    """The tree as of the current catalog version, read from the database once per version."""
    # The version is read before the rows, so a tree is never older than its version.
    version = await versioning.current()
    held = _state()
    tree = held.tree
    if tree is not None and tree.version == version:
        return tree
    # Requests racing at a version change may each read the table once; that is cheaper
    # than making every request wait on a lock.
    tree = CategoryTree.of(version, await rows.read(CategoryRow, Category.all()))
    held.tree = tree
    return tree
