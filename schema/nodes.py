"""The one base for Nodes read through a request's DataLoaders, hiding what a caller may not see."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Iterable
from typing import Any, ClassVar, Self

from strawberry import relay

from resolvers.context import Info

# Row ids are IntField (PostgreSQL integer) primary keys; larger numbers match no row, and
# sending them would fail the whole query batch they were loaded with.
INT4_MAX = 2**31 - 1


class IdTypeMismatch(ValueError):
    """A global ID of another type than the argument takes (a Category ID for a Product)."""

    def __init__(self, gid: relay.GlobalID, expected: str) -> None:
        super().__init__(f"Expected a {expected} ID, got a {gid.type_name} ID.")
        self.gid = gid
        self.expected = expected


def node_pk(node_id: str, *, maximum: int = INT4_MAX) -> int | None:
    """The row id in a global ID's node part; None (no such row) unless 1 to `maximum`."""
    if not (0 < len(node_id) <= len(str(maximum)) and node_id.isascii() and node_id.isdigit()):
        return None
    pk = int(node_id)
    return pk if 0 < pk <= maximum else None


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
        rows = [next(found) if key is not None else None for key in keys]
        # Checked side by side, so async checks that use loaders batch into one query.
        shown = await asyncio.gather(*(cls._shown(info, row) for row in rows))
        return [cls.from_model(row) if ok else None for row, ok in zip(rows, shown, strict=True)]

    @classmethod
    async def _shown(cls, info: Info, row: Any) -> bool:
        if row is None:
            return False
        verdict = cls.visible(info, row)
        if inspect.isawaitable(verdict):
            verdict = await verdict
        return bool(verdict)


def typed_pk(gid: relay.GlobalID, type_name: str) -> int:
    """The row id of a global ID of `type_name`; -1 (matches no row) for an unknown number.

    An ID of another type raises IdTypeMismatch, which the input validation answers as
    INVALID_ID naming the expected type.
    """
    if gid.type_name != type_name:
        raise IdTypeMismatch(gid, type_name)
    pk = node_pk(gid.node_id)
    return pk if pk is not None else -1


def optional_typed_pk(gid: relay.GlobalID | None, type_name: str) -> int | None:
    """For an optional argument: None when no ID was given, -1 for an ID of another type.

    Used where the service reports every foreign ID of a batch itself, with its own code.
    """
    if gid is None:
        return None
    pk = node_pk(gid.node_id) if gid.type_name == type_name else None
    return pk if pk is not None else -1
