"""One page of rows for each of many parents (reviews of several products, answers of
several questions) in one query, with ROW_NUMBER() over each parent's rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from tortoise import connections

from services import sql


async def page_ids(
    *,
    table: str,
    parent: str,
    parents: Sequence[int],
    order: str,
    offset: int,
    limit: int,
    where: str = "",
    params: Sequence[object] = (),
) -> dict[int, list[int]]:
    """Ids of rows `offset .. offset + limit` (one more, to tell a next page) per parent.

    `where` is extra SQL over the table's columns with `{}` for each of `params` in order;
    `order` an ORDER BY list over the same columns (fixed strings of ours, never input).
    """
    keys = sorted(set(parents))
    if not keys:
        return {}
    conn = connections.get("default")
    marks = sql.marks(conn, len(keys) + len(params) + 2)
    key_marks = ", ".join(marks[: len(keys)])
    extra = where.format(*marks[len(keys) : len(keys) + len(params)]) if where else "1 = 1"
    low, high = marks[-2], marks[-1]
    rows = await conn.execute_query_dict(
        f"""
        SELECT {parent} AS parent, id FROM (
          SELECT {parent}, id, ROW_NUMBER() OVER (PARTITION BY {parent} ORDER BY {order}) AS n
          FROM {table} WHERE {parent} IN ({key_marks}) AND ({extra})
        ) ranked WHERE n > {low} AND n <= {high} ORDER BY {parent}, n
        """,
        [*keys, *params, offset, offset + limit + 1],
    )
    found: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        found[int(row["parent"])].append(int(row["id"]))
    return found
