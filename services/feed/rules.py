"""Business rules applied after scoring: what may be shown, what is pushed down, in what order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Q

from models.catalog import Product
from models.feed import FeedbackKind, FeedFeedback
from models.orders import PURCHASED_STATUSES, OrderLine
from services.catalog.visibility import public_products
from services.feed.entries import PERSONAL_REASONS, FeedEntry, product_ids

BOUGHT_WINDOW = timedelta(days=90)
# Consumables may be bought again and again, so buying one does not hide it. A product is
# consumable when it carries the `consumable` tag or sits in one of these categories (crayons,
# paints, clay and craft kits get used up).
CONSUMABLE_TAGS = frozenset({"consumable"})
CONSUMABLE_CATEGORY_SLUGS = frozenset({"drawing-colouring", "modelling-clay", "craft-kits"})
NOT_INTERESTED_PENALTY = 0.5  # neighbours of a "not interested" product score this much
NOT_INTERESTED_NEIGHBOURS = 20  # how many neighbours of each are pushed down
NOT_INTERESTED_RECENT = 50  # only the most recent marks push neighbours down
MAX_RUN = 2  # at most this many products of one category in a row
# Products explained by something the shopper did in this session score this much more: what
# they look at now says more than their history or the crowd, and the feed shows it at once.
SESSION_BOOST = 2.0


@dataclass(frozen=True)
class Listed:
    """What the rules need of a product that can be shown (active, with stock)."""

    category_id: int | None
    min_age_months: int | None
    max_age_months: int | None

    def fits_age(self, months: int) -> bool:
        low, high = self.min_age_months, self.max_age_months
        return (low is None or low <= months) and (high is None or months <= high)


async def listed(products: Iterable[int]) -> dict[int, Listed]:
    """Of these products, the ones a shopper can buy now: published, with a variant in stock."""
    ids = list(set(products))
    if not ids:
        return {}
    rows = (
        await public_products()
        .filter(
            id__in=ids,
            price_min__isnull=False,
            variants__stock__gt=0,
        )
        .distinct()
        .values("id", "category_id", "min_age_months", "max_age_months")
    )
    return {
        row["id"]: Listed(row["category_id"], row["min_age_months"], row["max_age_months"])
        for row in rows
    }


async def bought_recently(*, user_id: int | None, now: datetime) -> set[int]:
    """Products in the user's orders of the last 90 days that were paid (not cancelled)."""
    if user_id is None:
        return set()
    ids = await OrderLine.filter(
        order__user_id=user_id,
        order__placed_at__gte=now - BOUGHT_WINDOW,
        order__status__in=list(PURCHASED_STATUSES),
        product_id__isnull=False,
    ).values_list("product_id", flat=True)
    return set(product_ids(pid for pid in ids if pid is not None))


async def consumables(products: Iterable[int]) -> set[int]:
    """Which of these products are consumables (see CONSUMABLE_TAGS / _CATEGORY_SLUGS)."""
    ids = list(set(products))
    if not ids:
        return set()
    found = await (
        Product.filter(
            Q(tags__slug__in=list(CONSUMABLE_TAGS))
            | Q(category__slug__in=list(CONSUMABLE_CATEGORY_SLUGS)),
            id__in=ids,
        )
        .distinct()
        .values_list("id", flat=True)
    )
    return set(product_ids(found))


async def not_interested(*, user_id: int | None, anonymous_id: str | None) -> list[int]:
    """Products the shopper marked "not interested", most recent first."""
    who = [Q(user_id=user_id)] if user_id is not None else []
    who += [Q(anonymous_id=anonymous_id)] if anonymous_id else []
    if not who:
        return []
    ids = (
        await FeedFeedback.filter(Q(*who, join_type="OR"), kind=FeedbackKind.NOT_INTERESTED)
        .order_by("-created_at", "-id")
        .values_list("product_id", flat=True)
    )
    return list(dict.fromkeys(product_ids(ids)))


def boost_session(entries: Sequence[FeedEntry], session: set[int]) -> list[FeedEntry]:
    """Scores of products recommended because of this session's events, times SESSION_BOOST."""
    return [
        entry.rescored(entry.score * SESSION_BOOST)
        if entry.source_product_id in session and entry.reason in PERSONAL_REASONS
        else entry
        for entry in entries
    ]


def push_down(entries: Sequence[FeedEntry], neighbours: set[int]) -> list[FeedEntry]:
    """Scores of products like a "not interested" one, times NOT_INTERESTED_PENALTY."""
    return [
        entry.rescored(entry.score * NOT_INTERESTED_PENALTY)
        if entry.product_id in neighbours
        else entry
        for entry in entries
    ]


def diversify(
    entries: Sequence[FeedEntry], category_of: Callable[[int], int | None], max_run: int = MAX_RUN
) -> list[FeedEntry]:
    """Greedy re-rank: the best remaining product that does not make a run of max_run + 1.

    When only one category is left, its products follow in score order (nothing else to mix).
    """
    pending = sorted(entries, key=lambda entry: (-entry.score, entry.product_id))
    result: list[FeedEntry] = []
    while pending:
        run = {category_of(entry.product_id) for entry in result[-max_run:]}
        pick = 0
        if len(result) >= max_run and len(run) == 1:
            blocked = run.pop()  # products without a category count as one group
            pick = next(
                (i for i, entry in enumerate(pending) if category_of(entry.product_id) != blocked),
                0,
            )
        result.append(pending.pop(pick))
    return result
