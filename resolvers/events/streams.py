"""The live streams behind the Subscription root: who may follow what, and from where.

Every stream is `hub.follow()` (backlog from the outbox after a cursor, then live events)
narrowed to what the caller may see, with the same rules as the queries: an order's updates
for whoever may read the order, stock of a product for whoever may see the product, and the
partner stream for an API key, limited to the event types its scopes allow.
"""

from __future__ import annotations

import base64
import binascii
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterable

from graphql import GraphQLError
from strawberry import relay

from models.accounts import Permission
from resolvers.auth import require_user, viewer
from resolvers.catalog.queries import can_see_product
from resolvers.context import Info, Loaders
from resolvers.orders.access import can_see_order
from services.events import runtime
from services.events.hub import ListenerOverflow
from services.events.records import EventRecord
from services.events.types import SPECS, EventTypeName

Match = Callable[[EventRecord], bool]
ORDER = "order"
STOCK_TYPES = (EventTypeName.VARIANT_STOCK_CHANGED, EventTypeName.VARIANT_BACK_IN_STOCK)
_CURSOR_PREFIX = "position:"


def encode_cursor(position: int) -> str:
    """The opaque cursor of a stream position (what `after` and `Last-Event-ID` take)."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{position}".encode()).decode("ascii")


def decode_cursor(cursor: str, *, argument: str = "after") -> int:
    """The stream position of a cursor; a GraphQL error saying what is wrong otherwise."""
    try:
        text = base64.urlsafe_b64decode(cursor.strip().encode("ascii")).decode("ascii")
        if not text.startswith(_CURSOR_PREFIX):
            raise ValueError(text)
        position = int(text.removeprefix(_CURSOR_PREFIX))
        if position < 0:
            raise ValueError(text)
        return position
    except (ValueError, UnicodeError, binascii.Error):
        raise GraphQLError(
            f"`{argument}` is not an event cursor: pass the `position` of the last event you "
            "received (or leave it out to start from now).",
            extensions={"code": "BAD_USER_INPUT", "argument": argument},
        ) from None


# Each event executes like a request of its own (what was read for the previous event may
# have changed since), and every subscriber of this process executing the same event shares
# its loaders: they hold rows, not decisions (authorization stays per caller, in the
# resolvers), so a thousand subscribers cost one query per relation instead of a thousand.
_EVENT_LOADERS: OrderedDict[int, Loaders] = OrderedDict()
_KEPT_EVENTS = 64


def loaders_for(position: int) -> Loaders:
    loaders = _EVENT_LOADERS.get(position)
    if loaders is None:
        loaders = _EVENT_LOADERS[position] = Loaders()
        while len(_EVENT_LOADERS) > _KEPT_EVENTS:
            _EVENT_LOADERS.popitem(last=False)
    return loaders


def _resume_position(info: Info, after: str | None) -> int | None:
    """Where to resume: `after`, else the SSE client's `Last-Event-ID`, else from now on."""
    if after is not None:
        return decode_cursor(after)
    last_event_id = info.context.last_event_id
    if last_event_id:
        return decode_cursor(last_event_id, argument="Last-Event-ID")
    return None


async def follow(
    info: Info,
    *,
    after: str | None,
    match: Match | None = None,
    types: Iterable[str] | None = None,
) -> AsyncIterator[EventRecord]:
    """The caller's events after the cursor, then live; ends with a resumable error when
    the caller fell too far behind."""
    position = _resume_position(info, after)
    last = position
    try:
        async for record in runtime.current().hub.follow(after=position, match=match, types=types):
            last = record.position
            info.context.loaders = loaders_for(record.position)
            info.context.stream_cursor = encode_cursor(record.position)
            yield record
    except ListenerOverflow:
        resume = encode_cursor(last) if last is not None else None
        raise GraphQLError(
            "This subscription fell too far behind the event stream and was ended. Subscribe "
            "again with `after` set to the `position` of the last event you received "
            f"({resume or 'none yet: leave `after` out'}) to resume without a gap.",
            extensions={"code": "RESUBSCRIBE", "after": resume},
        ) from None


def _not_found(what: str, argument: str) -> GraphQLError:
    return GraphQLError(f"No such {what}.", extensions={"code": "NOT_FOUND", "argument": argument})


def my_orders(info: Info, after: str | None) -> AsyncIterator[EventRecord]:
    """The signed-in customer's own orders."""
    user = require_user(info)
    owner = relay.to_base64("User", user.id)

    def mine(record: EventRecord) -> bool:
        return record.aggregate_type == ORDER and record.payload.get("customerId") == owner

    return follow(info, after=after, match=mine)


async def one_order(info: Info, order_id: int, after: str | None) -> AsyncIterator[EventRecord]:
    """One order's events, for whoever may read the order (owner, staff, READ_ORDERS key)."""
    order = await info.context.loaders.orders.order_by_id.load(order_id) if order_id > 0 else None
    # The same answer for an unknown and a foreign order: existence is not leaked.
    if order is None or not await can_see_order(info, order):
        raise _not_found("order", "orderId")
    key = str(order.id)

    def of_order(record: EventRecord) -> bool:
        return record.aggregate_type == ORDER and record.aggregate_id == key

    async for record in follow(info, after=after, match=of_order):
        yield record


async def product_stock(
    info: Info, product_id: int, after: str | None
) -> AsyncIterator[EventRecord]:
    """Stock changes of a product's variants, while the caller may see the product."""
    if not await _product_visible(info, product_id):
        raise _not_found("product", "productId")
    wanted = relay.to_base64("Product", product_id)

    def of_product(record: EventRecord) -> bool:
        return record.payload.get("productId") == wanted

    async for record in follow(info, after=after, match=of_product, types=STOCK_TYPES):
        # Unpublished since the subscription started: invisible, as in queries.
        if await _product_visible(info, product_id):
            yield record


async def _product_visible(info: Info, product_id: int) -> bool:
    row = (
        await info.context.loaders.catalog.product_by_id.load(product_id)
        if product_id > 0
        else None
    )
    return row is not None and can_see_product(info, row)


def _is_event_staff(info: Info) -> bool:
    user = viewer(info)
    return user is not None and user.has_permission(Permission.MANAGE_API_KEYS)


def followable_types(info: Info) -> frozenset[EventTypeName]:
    """The event types this caller may follow: by its key's scopes (plus the notice that its
    own webhook endpoint was disabled), or every type that leaves the process for staff."""
    key = info.context.api_key
    staff = _is_event_staff(info)
    scopes = set(key.scopes or []) if key is not None else set()
    allowed = {
        name
        for name, spec in SPECS.items()
        if not spec.internal and (staff or (spec.scope is not None and spec.scope in scopes))
    }
    if key is not None:
        allowed.add(EventTypeName.WEBHOOK_ENDPOINT_DISABLED)
    return frozenset(allowed)


def partner_stream(
    info: Info, types: list[EventTypeName] | None, after: str | None
) -> AsyncIterator[EventRecord]:
    """The typed event stream of a partner app (API key), resumable from a cursor."""
    key = info.context.api_key
    if key is None and not _is_event_staff(info):
        raise GraphQLError(
            'Follow the event stream with an API key: `{"apiKey": "sgk_..."}` in '
            "connection_init, or the `X-Api-Key` header over Server-Sent Events.",
            extensions={"code": "UNAUTHENTICATED"},
        )
    allowed = followable_types(info)
    asked = frozenset(types) if types else allowed
    refused = sorted(asked - allowed)
    if refused:
        needs = sorted({str(SPECS[t].scope or "staff") for t in refused})
        raise GraphQLError(
            f"This API key may not follow {', '.join(t.name for t in refused)}: "
            f"that needs {', '.join(needs)}.",
            extensions={"code": "FORBIDDEN", "types": [t.name for t in refused]},
        )
    own = {str(key.id), relay.to_base64("ApiKey", key.id)} if key is not None else set()
    staff = _is_event_staff(info)

    def visible(record: EventRecord) -> bool:
        if record.type == EventTypeName.WEBHOOK_ENDPOINT_DISABLED and not staff:
            return str(record.payload.get("apiKeyId")) in own
        return True

    return follow(info, after=after, match=visible, types=[str(t) for t in asked])
