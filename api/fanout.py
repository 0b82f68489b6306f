"""One execution per event for every guest socket running the same subscription.

A product page's "back in stock" is the mass case: thousands of guests with the same
document and variables. A guest (no token, no API key, no cart token) is authorized like
every other guest, so the result of one execution is the result for each of them: it runs
once per event in this process and each member receives it under its own operation id.
Signed-in callers and partners keep their own execution, with their own authorization.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from resolvers.context import Context

Source = Callable[[], Awaitable[AsyncIterator[Any]]]
_END = object()
# A member this far behind the shared stream is dropped, as the hub drops a slow listener.
MEMBER_BACKLOG = 1_000


def is_guest(context: Context) -> bool:
    return context.user is None and context.api_key is None and not context.cart_token


def group_key(query: str, variables: dict[str, Any] | None, operation_name: str | None) -> str:
    return json.dumps([query, variables or {}, operation_name], sort_keys=True, default=str)


class MemberFellBehind(Exception):
    """This socket read the shared stream too slowly."""


@dataclass(eq=False)
class Group:
    members: set[asyncio.Queue[Any]] = field(default_factory=set)
    task: asyncio.Task[None] | None = None

    async def pump(self, source: Source) -> None:
        try:
            results = await source()
            async for result in results:
                for queue in tuple(self.members):
                    if queue.qsize() >= MEMBER_BACKLOG:
                        self.members.discard(queue)
                        queue.put_nowait(MemberFellBehind())
                    else:
                        queue.put_nowait(result)
        finally:
            for queue in tuple(self.members):
                queue.put_nowait(_END)


class SharedStreams:
    """The guest groups of this process, by document, variables and operation name."""

    def __init__(self) -> None:
        self.groups: dict[str, Group] = {}

    async def join(self, key: str, source: Source) -> AsyncGenerator[Any, None]:
        group = self.groups.get(key)
        if group is None or group.task is None or group.task.done():
            group = self.groups[key] = Group()
            group.task = asyncio.create_task(group.pump(source))
        queue: asyncio.Queue[Any] = asyncio.Queue()
        group.members.add(queue)
        try:
            while True:
                item = await queue.get()
                if item is _END:
                    return
                if isinstance(item, MemberFellBehind):
                    raise item
                yield item
        finally:
            group.members.discard(queue)
            if not group.members and self.groups.get(key) is group:
                del self.groups[key]
                if group.task is not None and not group.task.done():
                    group.task.cancel()
                    with contextlib.suppress(BaseException):
                        await group.task
