"""Forward Relay pagination over offsets, with strict argument checking."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeAlias, TypeVar

from graphql import GraphQLError
from strawberry.relay.utils import from_base64, to_base64

T = TypeVar("T")
CURSOR_PREFIX = "offset"
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

# A list's size, or how to count it: counting is a query of its own, run only when a client
# selects `totalCount`.
Total: TypeAlias = int | Callable[[], Awaitable[int]] | None


@dataclass(frozen=True)
class Window:
    offset: int
    limit: int


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    offset: int
    total: Total
    has_next: bool

    def cursor(self, index: int) -> str:
        return encode_cursor(self.offset + index)

    async def count(self) -> int | None:
        """The list's size, counted now if the page only knows how to count it."""
        return await self.total() if callable(self.total) else self.total


def encode_cursor(offset: int) -> str:
    return to_base64(CURSOR_PREFIX, offset)


def decode_cursor(cursor: str) -> int:
    """The offset a cursor points at; a clear GraphQL error for anything else."""
    try:
        prefix, value = from_base64(cursor)
        offset = int(value)
    except Exception:
        raise GraphQLError(
            f"Invalid cursor {cursor!r}: pass a cursor exactly as a previous page returned it.",
            extensions={"code": "BAD_USER_INPUT", "argument": "after"},
        ) from None
    if prefix != CURSOR_PREFIX or offset < 0:
        raise GraphQLError(
            f"Invalid cursor {cursor!r}: it does not belong to this list.",
            extensions={"code": "BAD_USER_INPUT", "argument": "after"},
        )
    return offset


def window(first: int | None, after: str | None) -> Window:
    """Validate `first`/`after` and turn them into an offset window."""
    size = DEFAULT_PAGE_SIZE if first is None else first
    if size < 0:
        raise GraphQLError(
            "`first` must not be negative.",
            extensions={"code": "BAD_USER_INPUT", "argument": "first"},
        )
    if size > MAX_PAGE_SIZE:
        raise GraphQLError(
            f"`first` is {size}, but a page holds at most {MAX_PAGE_SIZE} items; "
            "paginate with `after` to read more.",
            extensions={"code": "BAD_USER_INPUT", "argument": "first", "max": MAX_PAGE_SIZE},
        )
    offset = decode_cursor(after) + 1 if after else 0
    return Window(offset=offset, limit=size)


def page_from_slice(rows: Sequence[T], win: Window, total: Total) -> Page[T]:
    """Build a page from `limit + 1` fetched rows (the extra row only signals a next page)."""
    return Page(
        items=rows[: win.limit],
        offset=win.offset,
        total=total,
        has_next=len(rows) > win.limit,
    )
