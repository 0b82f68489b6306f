"""Record the behaviour events clients send: batched, validated, consent-aware."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from models.accounts import User
from models.analytics import BehaviourEvent, EventKind
from models.catalog import Variant
from services.accounts.guests import shopper_identity
from services.analytics.errors import AnalyticsErrorCode as Code
from services.analytics.shoppers import PERSONALIZATION
from services.catalog.visibility import PUBLIC_STATUSES, public_products
from services.errors import DomainError, DomainErrors
from services.events import outbox
from services.events.types import EventTypeName
from services.transactions import transaction

MAX_EVENTS = 100
MAX_AGE = timedelta(days=7)
MAX_QUANTITY = 10_000
MAX_QUERY_LENGTH = 200
MAX_CONTEXT_ENTRIES = 10
MAX_CONTEXT_KEY_LENGTH = 40
MAX_CONTEXT_VALUE_LENGTH = 200
CLIENT_KINDS = frozenset(EventKind) - {EventKind.PURCHASE}


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
    batch_id: str | None = None,
) -> int:
    """Validate every event, then write all of them in one INSERT, or none; returns the count.

    `batch_id` names the batch in the `shopper.events_tracked` event (a new one if not given),
    so that whoever already acted on it can tell."""
    if len(events) > MAX_EVENTS:
        raise DomainError(
            Code.TOO_MANY_EVENTS,
            f"Send at most {MAX_EVENTS} events per call; got {len(events)}.",
            field="events",
        )
    anonymous_id = shopper_identity(user_id=user_id, anonymous_id=anonymous_id)
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
    async with transaction():
        await BehaviourEvent.bulk_create(rows)
        await outbox.emit(
            EventTypeName.SHOPPER_EVENTS_TRACKED,
            aggregate_id=_shopper_key(user_id, anonymous_id),
            payload={
                "userId": user_id,
                "anonymousId": anonymous_id,
                "count": len(rows),
                "kinds": sorted({EventKind(row.kind).value for row in rows}),
                "batchId": batch_id or uuid.uuid4().hex,
            },
        )
    return len(rows)


def _shopper_key(user_id: int | None, anonymous_id: str | None) -> str:
    """The shopper aggregate: the account, else a digest of the (unbounded) anonymous id."""
    if user_id is not None:
        return f"user:{user_id}"
    return "anon:" + hashlib.sha256((anonymous_id or "").encode()).hexdigest()[:32]


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
