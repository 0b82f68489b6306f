"""Behaviour tracking: the events a storefront reports about what shoppers do."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any, cast

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from models.analytics import EventKind
from resolvers import analytics as resolvers
from resolvers.context import Info
from schema.nodes import optional_typed_pk
from schema.payloads import payload_errors
from services.analytics.errors import AnalyticsErrorCode as AnalyticsErrorCodeSpec
from services.analytics.tracking import MAX_EVENTS, TrackedEvent

AnalyticsErrorCode = strawberry.enum(
    AnalyticsErrorCodeSpec,
    name="AnalyticsErrorCode",
    description="Why tracked events were refused. TOO_MANY_EVENTS: more than "
    f"{MAX_EVENTS} in one call; INVALID_PRODUCT / INVALID_VARIANT: the ID points at no "
    "product, or at a variant of another product; MISSING_PRODUCT: only SEARCH events may "
    "leave out the product; MISSING_QUERY / INVALID_QUERY: a SEARCH needs its text (at most "
    "200 characters); INVALID_QUANTITY: 1 to 10000; INVALID_CONTEXT: at most 10 string "
    "values; MISSING_IDENTITY / INVALID_IDENTITY: a guest must send `anonymousId` or "
    "`X-Cart-Token` (at most 64 characters); INVALID_KIND: purchases come from orders.",
)


@strawberry.enum(description="What the shopper did.")
class TrackEventKind(Enum):
    VIEW = strawberry.enum_value("view", description="Opened a product page.")
    SEARCH = strawberry.enum_value("search", description="Searched; send `query`.")
    CLICK = strawberry.enum_value(
        "click", description="Clicked a product in a list (say which in `context`)."
    )
    ADD_TO_CART = strawberry.enum_value("add_to_cart", description="Put units in the cart.")
    REMOVE_FROM_CART = strawberry.enum_value(
        "remove_from_cart", description="Took units out of the cart."
    )
    FAVOURITE = strawberry.enum_value("favourite", description="Saved the product.")
    SHARE = strawberry.enum_value("share", description="Shared the product.")


@strawberry.input(description="One thing a shopper did.")
class TrackEventInput:
    kind: TrackEventKind
    product_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="The product; required except for SEARCH (taken from `variantId` when "
        "only that is sent).",
    )
    variant_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The variant, when the shopper picked one."
    )
    quantity: int | None = strawberry.field(
        default=None, description="Units, for ADD_TO_CART / REMOVE_FROM_CART; 1 when left out."
    )
    query: str | None = strawberry.field(default=None, description="The search text (SEARCH).")
    occurred_at: datetime | None = strawberry.field(
        default=None,
        description="When it happened on the device, for events sent in batches. Times in "
        "the future or older than 7 days are replaced by the server's time; so is null.",
    )
    context: JSON | None = strawberry.field(
        default=None,
        description='Where it happened, as string values, e.g. {"source": "feed", "section": '
        '"FOR_YOU"}. {"personalization": "off"} records a guest\'s opt-out.',
    )

    def to_spec(self) -> TrackedEvent:
        return TrackedEvent(
            kind=EventKind[self.kind.name],
            product_id=optional_typed_pk(self.product_id, "Product"),
            variant_id=optional_typed_pk(self.variant_id, "Variant"),
            quantity=self.quantity,
            query=self.query,
            occurred_at=self.occurred_at,
            context=cast(dict[str, str], self.context if self.context is not None else {}),
        )


@strawberry.type(description="One reason tracked events were refused.")
class AnalyticsError:
    field: str | None = strawberry.field(
        description='Path of the input at fault, e.g. "events.3.productId"; null when the '
        "whole call is at fault."
    )
    message: str
    code: AnalyticsErrorCode  # type: ignore[valid-type]


@strawberry.type(description="The result of trackEvents: all events were recorded, or none.")
class TrackEventsPayload:
    accepted: int = strawberry.field(description="Events recorded; 0 when there are errors.")
    errors: list[AnalyticsError]


@strawberry.type
class AnalyticsMutation:
    @strawberry.mutation(
        description=f"Report what a shopper did, up to {MAX_EVENTS} events per call (batch "
        "them, e.g. every few seconds). Signed-in customers are recognised by their token; "
        "guests send `anonymousId` or the `X-Cart-Token` header. All events are recorded, "
        "or, when any is invalid, none (see `errors`)."
    )
    async def track_events(
        self,
        info: Info,
        events: list[TrackEventInput],
        anonymous_id: Annotated[
            str | None,
            strawberry.argument(
                description="A guest id issued by `guestIdCreate` (keep it in local "
                "storage; a string the client made up is BAD_USER_INPUT); the "
                "`X-Cart-Token` header is used when left out."
            ),
        ] = None,
    ) -> TrackEventsPayload:
        result = await resolvers.track_events(
            info, events=[event.to_spec() for event in events], anonymous_id=anonymous_id
        )
        errors: list[Any] = (
            payload_errors(result.error, AnalyticsError, AnalyticsErrorCodeSpec)
            if result.error is not None
            else []
        )
        return TrackEventsPayload(accepted=result.accepted, errors=errors)
