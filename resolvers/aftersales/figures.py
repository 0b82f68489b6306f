"""The staff figures query: who may read it and which periods are accepted."""

from __future__ import annotations

from datetime import datetime, timedelta

from graphql import GraphQLError

from resolvers.aftersales.access import require_reader
from resolvers.context import Info
from services.aftersales import figures

MAX_PERIOD = timedelta(days=366)


def _refuse(message: str, argument: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT", "argument": argument})


async def case_figures(
    info: Info, *, since: datetime, until: datetime
) -> tuple[figures.Figures, list[figures.Figures]]:
    require_reader(info)
    for name, value in (("since", since), ("until", until)):
        if value.tzinfo is None:
            raise _refuse(f"`{name}` needs a UTC offset (e.g. 2026-12-01T00:00:00Z).", name)
    if not since < until:
        raise _refuse("`until` must be after `since`.", "until")
    if until - since > MAX_PERIOD:
        raise _refuse("A period is at most 366 days.", "until")
    return await figures.figures(since=since, until=until)
