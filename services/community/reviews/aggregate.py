"""The product's rating summary, kept true under concurrent reviews, edits and removals.

Every change is one conditional UPDATE of the product's `rating_summary` row, which locks
it until the writer commits: concurrent writers of the same product queue on that row, and
each writes the product's columns from the summary it just changed, so the last committer
leaves them matching the histogram. The row is created empty first with an INSERT that
ignores a conflict, so two first reviews at once cannot both create it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tortoise import connections
from tortoise.expressions import F

from models.community.reviews import RatingSummary
from services import sql
from services.catalog import ratings as catalog_ratings


@dataclass(frozen=True)
class Summary:
    count: int
    total: int
    histogram: tuple[int, int, int, int, int]  # stars 1..5

    @property
    def average(self) -> float | None:
        value = catalog_ratings.average(count=self.count, total=self.total)
        return float(value) if value is not None else None


EMPTY = Summary(0, 0, (0, 0, 0, 0, 0))
_COLUMNS = ("count", "total", "stars_1", "stars_2", "stars_3", "stars_4", "stars_5")


def summary_of(row: dict[str, int] | None) -> Summary:
    if row is None:
        return EMPTY
    return Summary(
        count=row["count"],
        total=row["total"],
        histogram=(row["stars_1"], row["stars_2"], row["stars_3"], row["stars_4"], row["stars_5"]),
    )


async def change(*, product_id: int, added: int | None = None, removed: int | None = None) -> None:
    """Count rating `added` and uncount rating `removed` (an edit passes both), inside the
    caller's transaction."""
    deltas: Counter[int] = Counter()
    if added is not None:
        deltas[added] += 1
    if removed is not None:
        deltas[removed] -= 1
    deltas = Counter({stars: n for stars, n in deltas.items() if n})
    if not deltas:
        return
    conn = connections.get("default")
    mark = sql.marks(conn, 1)[0]
    await conn.execute_query(
        f"INSERT INTO rating_summary (product_id, {', '.join(_COLUMNS)}) "
        f"VALUES ({mark}, 0, 0, 0, 0, 0, 0, 0) ON CONFLICT (product_id) DO NOTHING",
        [product_id],
    )
    updates = {f"stars_{stars}": F(f"stars_{stars}") + n for stars, n in deltas.items()}
    updates["count"] = F("count") + sum(deltas.values())
    updates["total"] = F("total") + sum(stars * n for stars, n in deltas.items())
    await RatingSummary.filter(product_id=product_id).update(**updates)
    row = await RatingSummary.filter(product_id=product_id).values(*_COLUMNS)
    summary = summary_of(row[0])
    await catalog_ratings.store_rating(
        product_id=product_id, count=summary.count, total=summary.total
    )


async def summaries(product_ids: list[int]) -> dict[int, Summary]:
    rows = await RatingSummary.filter(product_id__in=product_ids).values("product_id", *_COLUMNS)
    return {row["product_id"]: summary_of(row) for row in rows}


async def recount(*, product_id: int) -> Summary:
    """The summary recomputed from the reviews themselves (tests and repairs compare it)."""
    from models.community.reviews import Review

    rows = await Review.filter(product_id=product_id, in_aggregate=True).values("rating")
    ratings = [int(row["rating"]) for row in rows]
    counts = Counter(ratings)
    histogram = (counts[1], counts[2], counts[3], counts[4], counts[5])
    return Summary(count=sum(histogram), total=sum(ratings), histogram=histogram)
