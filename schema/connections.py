"""The one connection shape of every list: relay edges and pageInfo, plus `totalCount`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self, TypeVar

import strawberry
from strawberry import relay

from resolvers.pagination import Page

TOTAL_COUNT = "How many items the whole list holds."

ItemT = TypeVar("ItemT", bound=relay.Node)


@strawberry.type
class CountedConnection(relay.Connection[ItemT]):
    """Subclass it once per list, naming the item type and describing the list:
    `class ProductConnection(CountedConnection[ProductType])`; build pages with
    `ProductConnection.from_page(page, ProductType.from_model)`."""

    page: strawberry.Private[Page[Any]]

    @strawberry.field(description=TOTAL_COUNT)
    async def total_count(self) -> int | None:
        # Resolved only when selected, so a page without `totalCount` runs no count query.
        return await self.page.count()

    @classmethod
    def from_page(cls, page: Page[Any], convert: Callable[[Any], ItemT]) -> Self:
        """The connection of one page, each row turned into its GraphQL type by `convert`."""
        edges = [
            relay.Edge(node=convert(row), cursor=page.cursor(index))
            for index, row in enumerate(page.items)
        ]
        return cls(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=page.has_next,
                has_previous_page=page.offset > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            page=page,
        )
