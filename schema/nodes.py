"""The one base for Nodes read through a request's DataLoaders, hiding what a caller may not see."""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import Any, ClassVar, Self

from strawberry import relay

from resolvers.context import Info


def node_pk(node_id: str) -> int | None:
    try:
        return int(node_id)
    except ValueError:
        return None


class LoadedNode(relay.Node):
    """Subclasses name their loader group (`catalog`, `accounts`, ...) and loader.

    `visible` (sync or async) decides per row; `node(id:)` answers null for hidden rows, so
    owner checks hold through every ID-based lookup.
    """

    loader_group: ClassVar[str]
    loader: ClassVar[str]

    @classmethod
    def from_model(cls, row: Any) -> Self:
        raise NotImplementedError

    @classmethod
    def visible(cls, info: Info, row: Any) -> Any:
        """Whether the caller may see `row` (a bool, or an awaitable of one)."""
        return False

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        keys = [node_pk(node_id) for node_id in node_ids]
        group = getattr(info.context.loaders, cls.loader_group)
        loader = getattr(group, cls.loader)
        found = iter(await loader.load_many([key for key in keys if key is not None]))
        result: list[Self | None] = []
        for key in keys:
            row = next(found) if key is not None else None
            shown: Any = row is not None and cls.visible(info, row)
            if inspect.isawaitable(shown):
                shown = await shown
            result.append(cls.from_model(row) if shown else None)
        return result


def typed_pk(gid: relay.GlobalID, type_name: str) -> int:
    """The row id of a global ID of `type_name`; -1 (matches no row) for any other ID."""
    pk = node_pk(gid.node_id) if gid.type_name == type_name else None
    return pk if pk is not None else -1


def optional_typed_pk(gid: relay.GlobalID | None, type_name: str) -> int | None:
    """`typed_pk` for an optional argument: None when no ID was given."""
    return typed_pk(gid, type_name) if gid is not None else None
