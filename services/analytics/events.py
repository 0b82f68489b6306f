"""Record behaviour events (batched, validated, consent-aware) and read them back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models.accounts import User
from models.analytics import BehaviourEvent, EventKind
from models.catalog import Variant
from models.orders import Cart, Order, OrderLine, OrderStatus
from services.catalog.visibility import PUBLIC_STATUSES, public_products
from services.errors import DomainError, DomainErrors
from services.feed import cache as feed_cache

MAX_EVENTS = 100
MAX_AGE = timedelta(days=7)
MAX_QUANTITY = 10_000
MAX_QUERY_LENGTH = 200
MAX_ANONYMOUS_ID_LENGTH = 64
MAX_CONTEXT_ENTRIES = 10
MAX_CONTEXT_KEY_LENGTH = 40
MAX_CONTEXT_VALUE_LENGTH = 200
# The context key the recommender reads: "off" means "do not personalize from this event".
PERSONALIZATION = "personalization"
CLIENT_KINDS = frozenset(EventKind) - {EventKind.PURCHASE}
# Orders in these states were bought (and not cancelled): they count as purchases.
PURCHASED = frozenset(
    {
        OrderStatus.PAID,
        OrderStatus.FULFILLING,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.COMPLETED,
        OrderStatus.PARTIALLY_REFUNDED,
    }
)
_CHUNK = 2000


class AnalyticsErrorCode(StrEnum):
    TOO_MANY_EVENTS = "TOO_MANY_EVENTS"
    INVALID_KIND = "INVALID_KIND"
    INVALID_PRODUCT = "INVALID_PRODUCT"
    INVALID_VARIANT = "INVALID_VARIANT"
    MISSING_PRODUCT = "MISSING_PRODUCT"
    MISSING_QUERY = "MISSING_QUERY"
    INVALID_QUERY = "INVALID_QUERY"
    INVALID_QUANTITY = "INVALID_QUANTITY"
    INVALID_CONTEXT = "INVALID_CONTEXT"
    MISSING_IDENTITY = "MISSING_IDENTITY"
    INVALID_IDENTITY = "INVALID_IDENTITY"
    # Malformed input (services.errors.InputErrorCode), refused before domain rules.
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_PRECISE = "TOO_PRECISE"
    INVALID_ID = "INVALID_ID"


Code = AnalyticsErrorCode


@dataclass(frozen=True)
class TrackedEvent:
    """One event as a client reports it; ids of -1 point at nothing (a foreign global ID)."""

    kind: EventKind
    product_id: int | None = None
    variant_id: int | None = None
    quantity: int | None = None
    query: str | None = None
    occurred_at: datetime | None = None
    context: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RecentEvent:
    """One recorded event, as the recommender reads it."""

    kind: EventKind
    product_id: int | None
    variant_id: int | None
    quantity: int
    query: str | None
    occurred_at: datetime
    context: dict[str, str]

    @property
    def personalization_off(self) -> bool:
        return self.context.get(PERSONALIZATION) == "off"


def clamp_time(occurred_at: datetime | None, now: datetime) -> datetime:
    """Client clocks lie: a time in the future or older than 7 days becomes server time."""
    if occurred_at is None:
        return now
    if occurred_at.tzinfo is None:
        occurred_at = occurred_at.replace(tzinfo=UTC)
    if occurred_at > now or occurred_at < now - MAX_AGE:
        return now
    return occurred_at.astimezone(UTC)


def _context(raw: dict[str, str], path: str, problems: list[DomainError]) -> dict[str, str]:
    if not isinstance(raw, dict) or len(raw) > MAX_CONTEXT_ENTRIES:
        problems.append(
            DomainError(
                Code.INVALID_CONTEXT,
                f"Context is an object of at most {MAX_CONTEXT_ENTRIES} string values.",
                field=f"{path}.context",
            )
        )
        return {}
    for key, value in raw.items():
        if (
            not isinstance(value, str)
            or not key
            or len(key) > MAX_CONTEXT_KEY_LENGTH
            or len(value) > MAX_CONTEXT_VALUE_LENGTH
        ):
            problems.append(
                DomainError(
                    Code.INVALID_CONTEXT,
                    f"Context keys are 1-{MAX_CONTEXT_KEY_LENGTH} characters and values are "
                    f"strings of at most {MAX_CONTEXT_VALUE_LENGTH}.",
                    field=f"{path}.context",
                )
            )
            return {}
    context = dict(raw)
    # Only an opt-out may come from the client (a guest's consent choice); "on" is ours.
    if context.get(PERSONALIZATION) != "off":
        context.pop(PERSONALIZATION, None)
    return context


async def track_events(
    *,
    events: Sequence[TrackedEvent],
    user_id: int | None,
    anonymous_id: str | None,
    now: datetime | None = None,
) -> int:
    """Validate every event, then write all of them in one INSERT, or none; returns the count."""
    if len(events) > MAX_EVENTS:
        raise DomainError(
            Code.TOO_MANY_EVENTS,
            f"Send at most {MAX_EVENTS} events per call; got {len(events)}.",
            field="events",
        )
    anonymous_id = (anonymous_id or "").strip() or None
    if user_id is None and anonymous_id is None:
        raise DomainError(
            Code.MISSING_IDENTITY,
            "Guests send `anonymousId` (or the `X-Cart-Token` header).",
            field="anonymous_id",
        )
    if anonymous_id is not None and len(anonymous_id) > MAX_ANONYMOUS_ID_LENGTH:
        raise DomainError(
            Code.INVALID_IDENTITY,
            f"`anonymousId` is at most {MAX_ANONYMOUS_ID_LENGTH} characters.",
            field="anonymous_id",
        )
    if not events:
        return 0
    now = now or datetime.now(UTC)
    opted_out = (
        user_id is not None
        and not await User.filter(id=user_id, personalization_consent=True).exists()
    )
    rows, problems = await _validate(events, now)
    if problems:
        raise DomainErrors(problems)
    for row in rows:
        row.user_id = user_id
        row.anonymous_id = anonymous_id
        if opted_out:
            row.context[PERSONALIZATION] = "off"
    await BehaviourEvent.bulk_create(rows)
    # The shopper's next feed folds these events in: drop the cached one now.
    await feed_cache.invalidate(user_id=user_id, anonymous_id=anonymous_id)
    return len(rows)


async def _validate(
    events: Sequence[TrackedEvent], now: datetime
) -> tuple[list[BehaviourEvent], list[DomainError]]:
    product_ids = {e.product_id for e in events if e.product_id is not None}
    variant_ids = {e.variant_id for e in events if e.variant_id is not None}
    # Only published products can be tracked: a draft is refused exactly like an unknown id,
    # so tracking confirms nothing about unreleased products.
    known_products = set(
        await public_products().filter(id__in=list(product_ids)).values_list("id", flat=True)
        if product_ids
        else []
    )
    variant_products = {
        row["id"]: row["product_id"]
        for row in (
            await Variant.filter(
                id__in=list(variant_ids), product__status__in=sorted(PUBLIC_STATUSES)
            ).values("id", "product_id")
            if variant_ids
            else []
        )
    }
    known_products.update(variant_products.values())
    rows: list[BehaviourEvent] = []
    problems: list[DomainError] = []
    for index, event in enumerate(events):
        path = f"events.{index}"
        before = len(problems)
        product_id = event.product_id
        if event.kind not in CLIENT_KINDS:
            problems.append(
                DomainError(
                    Code.INVALID_KIND,
                    "Purchases are recorded from orders, not sent by clients.",
                    field=f"{path}.kind",
                )
            )
        if event.variant_id is not None:
            owner = variant_products.get(event.variant_id)
            if owner is None or (product_id is not None and owner != product_id):
                problems.append(
                    DomainError(
                        Code.INVALID_VARIANT,
                        "No such variant of this product.",
                        field=f"{path}.variant_id",
                    )
                )
            elif product_id is None:
                product_id = owner
        if product_id is not None and product_id not in known_products:
            problems.append(
                DomainError(Code.INVALID_PRODUCT, "No such product.", field=f"{path}.product_id")
            )
        elif product_id is None and event.kind != EventKind.SEARCH:
            problems.append(
                DomainError(
                    Code.MISSING_PRODUCT,
                    f"A {event.kind.name} event names the product.",
                    field=f"{path}.product_id",
                )
            )
        query = " ".join((event.query or "").split())
        if event.kind == EventKind.SEARCH and not query:
            problems.append(
                DomainError(Code.MISSING_QUERY, "Say what was searched.", field=f"{path}.query")
            )
        if len(query) > MAX_QUERY_LENGTH:
            problems.append(
                DomainError(
                    Code.INVALID_QUERY,
                    f"A query is at most {MAX_QUERY_LENGTH} characters.",
                    field=f"{path}.query",
                )
            )
        quantity = 1 if event.quantity is None else event.quantity
        if not 1 <= quantity <= MAX_QUANTITY:
            problems.append(
                DomainError(
                    Code.INVALID_QUANTITY,
                    f"Quantity is from 1 to {MAX_QUANTITY}.",
                    field=f"{path}.quantity",
                )
            )
        context = _context(event.context, path, problems)
        if len(problems) == before:
            rows.append(
                BehaviourEvent(
                    kind=event.kind,
                    product_id=product_id,
                    variant_id=event.variant_id,
                    quantity=quantity,
                    query=query or None,
                    context=context,
                    occurred_at=clamp_time(event.occurred_at, now),
                )
            )
    return rows, problems


async def record_purchases(*, order_id: int) -> int:
    """Record one PURCHASE event per line of a bought order (once; later calls do nothing)."""
    return await record_order_purchases(order_ids=[order_id])


async def record_order_purchases(*, order_ids: Iterable[int]) -> int:
    """PURCHASE events for many orders in bulk; orders already recorded or not bought are skipped.

    The event time is when the order was paid (else placed); a guest order is attributed to
    its cart token, the same anonymous id the guest's other events carry.
    """
    ids = sorted(set(order_ids))
    written = 0
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        async with in_transaction():
            written += await _record_chunk(chunk)
    return written


async def _record_chunk(order_ids: list[int]) -> int:
    orders = {
        row["id"]: row
        for row in await Order.filter(id__in=order_ids, status__in=list(PURCHASED)).values(
            "id", "user_id", "cart_id", "placed_at", "paid_at"
        )
    }
    if not orders:
        return 0
    # Orders recorded before are skipped. Their events carry the order's own time, so the
    # occurred_at index finds them without scanning the (large) event table by order_id.
    times = list({row["paid_at"] or row["placed_at"] for row in orders.values()})
    for order_id in await BehaviourEvent.filter(
        occurred_at__in=times, order_id__in=list(orders), kind=EventKind.PURCHASE
    ).values_list("order_id", flat=True):
        orders.pop(order_id, None)
    if not orders:
        return 0
    user_ids = {row["user_id"] for row in orders.values() if row["user_id"] is not None}
    opted_out = set(
        await User.filter(id__in=list(user_ids), personalization_consent=False).values_list(
            "id", flat=True
        )
        if user_ids
        else []
    )
    cart_ids = {row["cart_id"] for row in orders.values() if row["cart_id"] is not None}
    tokens = {
        row["id"]: row["token"]
        for row in (
            await Cart.filter(id__in=list(cart_ids)).values("id", "token") if cart_ids else []
        )
    }
    lines = await OrderLine.filter(order_id__in=list(orders), product_id__isnull=False).values(
        "order_id", "product_id", "variant_id", "quantity", "returned_quantity"
    )
    rows = []
    for line in lines:
        quantity = line["quantity"] - line["returned_quantity"]
        if quantity <= 0:
            continue
        order = orders[line["order_id"]]
        context = {"source": "order"}
        if order["user_id"] in opted_out:
            context[PERSONALIZATION] = "off"
        rows.append(
            BehaviourEvent(
                kind=EventKind.PURCHASE,
                user_id=order["user_id"],
                anonymous_id=None if order["user_id"] else tokens.get(order["cart_id"]),
                product_id=line["product_id"],
                variant_id=line["variant_id"],
                order_id=line["order_id"],
                quantity=quantity,
                context=context,
                occurred_at=order["paid_at"] or order["placed_at"],
            )
        )
    await BehaviourEvent.bulk_create(rows, batch_size=1000)
    return len(rows)


async def recent_events(
    *,
    user_id: int | None = None,
    anonymous_id: str | None = None,
    since: datetime,
    limit: int = 500,
) -> list[RecentEvent]:
    """A shopper's events since `since`, newest first; with both ids, either one matches.

    Passing both stitches a guest's history (anonymous id) to the account they signed in to.
    Events whose `personalization_off` is true must not feed personal recommendations.
    """
    if user_id is None and anonymous_id is None:
        return []
    who = [Q(user_id=user_id)] if user_id is not None else []
    who += [Q(anonymous_id=anonymous_id)] if anonymous_id is not None else []
    rows = (
        await BehaviourEvent.filter(Q(*who, join_type="OR"), occurred_at__gte=since)
        .order_by("-occurred_at", "-id")
        .limit(limit)
        .values("kind", "product_id", "variant_id", "quantity", "query", "occurred_at", "context")
    )
    return [
        RecentEvent(
            kind=EventKind(row["kind"]),
            product_id=row["product_id"],
            variant_id=row["variant_id"],
            quantity=row["quantity"],
            query=row["query"],
            occurred_at=row["occurred_at"],
            context=dict(row["context"] or {}),
        )
        for row in rows
    ]
