"""Personalized feeds: sections of recommended products, each with the reason it is shown."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry import relay

from resolvers import feed as resolvers
from resolvers.context import Info
from resolvers.pagination import MAX_PAGE_SIZE
from schema.catalog.types import ProductType
from schema.connections import CountedConnection
from schema.nodes import optional_typed_pk
from schema.payloads import payload_errors
from services.feed import entries as spec
from services.feed.errors import FeedErrorCode as FeedErrorCodeSpec


@strawberry.enum(description="Which feed to show.")
class FeedSection(Enum):
    FOR_YOU = strawberry.enum_value(
        "for_you",
        description="Personal picks from the shopper's history and what they did in the last "
        "30 minutes (a view shows up here within a couple of seconds). Guests are recognised "
        "by `anonymousId` or `X-Cart-Token`; without personalization consent, best sellers.",
    )
    TRENDING = strawberry.enum_value(
        "trending", description="What shoppers interacted with most over the last two weeks."
    )
    NEW_ARRIVALS = strawberry.enum_value("new_arrivals", description="The newest products.")
    SIMILAR = strawberry.enum_value(
        "similar", description="Products like `productId` (required), by behaviour and content."
    )
    BOUGHT_TOGETHER = strawberry.enum_value(
        "bought_together",
        description="Products often in the same orders as `productId` (required).",
    )
    FOR_CHILD = strawberry.enum_value(
        "for_child",
        description="Age-appropriate products for one of the signed-in shopper's children "
        "(`childProfileId`, required), favouring the child's interests.",
    )


@strawberry.enum(description="Why a product is in a feed; `FeedReason.text` says it in words.")
class FeedReasonKind(Enum):
    VIEWED_SIMILAR = strawberry.enum_value(
        "viewed_similar",
        description='Like a product the shopper viewed, saved or carted ("Because you viewed '
        'Technic Race Car"); `sourceProduct` is that product.',
    )
    BOUGHT_SIMILAR = strawberry.enum_value(
        "bought_similar",
        description='Like a product the shopper bought ("Because you bought ..."); '
        "`sourceProduct` is that product.",
    )
    BOUGHT_TOGETHER = strawberry.enum_value(
        "bought_together",
        description='Often in the same orders as `sourceProduct` ("Often bought with ...").',
    )
    SIMILAR = strawberry.enum_value(
        "similar", description='Like `sourceProduct` ("Similar to ...").'
    )
    POPULAR = strawberry.enum_value(
        "popular",
        description='Popular overall ("Popular right now") or in a category the shopper '
        'likes ("Popular in Technic").',
    )
    TRENDING = strawberry.enum_value(
        "trending", description='Much more popular lately than usual ("Trending now").'
    )
    NEW_ARRIVAL = strawberry.enum_value("new_arrival", description='New ("New arrival").')
    FOR_CHILD_AGE = strawberry.enum_value(
        "for_child_age",
        description='Popular for the child\'s age ("Popular for 4-year-olds").',
    )


FeedErrorCode = strawberry.enum(
    FeedErrorCodeSpec,
    name="FeedErrorCode",
    description="Why feed feedback was refused. INVALID_PRODUCT: the ID is not an active "
    "product; MISSING_IDENTITY: a guest must send `anonymousId` or `X-Cart-Token`; "
    "INVALID_IDENTITY: `anonymousId` is longer than 64 characters.",
)


@strawberry.type(description="Why a product is shown, as data and as a sentence.")
class FeedReason:
    kind: FeedReasonKind
    text: str = strawberry.field(
        description='Ready to show under the product, e.g. "Because you viewed Technic Race Car".'
    )
    source_product: ProductType | None = strawberry.field(
        description="The product the reason refers to (viewed, bought with, similar to); "
        "null for reasons that name none."
    )


@strawberry.type(description="One recommended product.")
class FeedItem:
    product: ProductType
    score: float = strawberry.field(
        description="Relevance within this feed (higher is better); only for ordering, it is "
        "not comparable across feeds or over time."
    )
    reason: FeedReason

    @classmethod
    def from_row(cls, row: resolvers.FeedRow) -> FeedItem:
        entry = row.entry
        source = row.source
        return cls(
            product=ProductType.from_model(row.product),
            score=round(float(entry.score), 6),
            reason=FeedReason(
                kind=FeedReasonKind(entry.reason.value),
                text=spec.reason_text(entry, source.name if source is not None else None),
                source_product=ProductType.from_model(source) if source is not None else None,
            ),
        )


# Feed items are ranked entries that exist only on their page: edges and cursors, but no
# global ID, so no Node (which relay's type variable asks for; GraphQL does not).
@strawberry.type(description="A page of a feed, best first.")
class FeedConnection(CountedConnection[FeedItem]):  # type: ignore[type-var]
    pass


@strawberry.type(description="One reason feed feedback was refused.")
class FeedError:
    field: str | None = strawberry.field(
        description="The input at fault (camelCase), or null when it is not one input."
    )
    message: str
    code: FeedErrorCode  # type: ignore[valid-type]


@strawberry.type(description="The result of markNotInterested.")
class MarkNotInterestedPayload:
    product: ProductType | None = strawberry.field(
        description="The product now hidden from the shopper's feeds; null on errors."
    )
    errors: list[FeedError]


@strawberry.type
class FeedQuery:
    @strawberry.field(
        description="Recommended products for the caller, one section at a time, each with "
        "its reason. Only active, in-stock products; nothing bought in the last 90 days "
        "(except consumables such as crayons and clay); never a product marked not "
        f"interested; at most two of one category in a row. Up to {MAX_PAGE_SIZE} per page."
    )
    async def feed(
        self,
        info: Info,
        section: FeedSection,
        product_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="The product, for SIMILAR and BOUGHT_TOGETHER."),
        ] = None,
        child_profile_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="One of your child profiles, for FOR_CHILD."),
        ] = None,
        first: int | None = 20,
        after: str | None = None,
        anonymous_id: Annotated[
            str | None,
            strawberry.argument(
                description="A guest id issued by `guestIdCreate` (signed; any other "
                "string is BAD_USER_INPUT), the same one sent to `trackEvents`; the "
                "`X-Cart-Token` header is used when left out."
            ),
        ] = None,
    ) -> FeedConnection:
        page = await resolvers.feed(
            info,
            section=spec.FeedSection(str(section.value)),
            product_id=optional_typed_pk(product_id, "Product"),
            child_profile_id=optional_typed_pk(child_profile_id, "ChildProfile"),
            first=first,
            after=after,
            anonymous_id=anonymous_id,
        )
        return FeedConnection.from_page(page, FeedItem.from_row)


@strawberry.type
class FeedMutation:
    @strawberry.mutation(
        description="Never show this product in the caller's feeds again, and show fewer "
        "like it. Guests send `anonymousId` or `X-Cart-Token`. Repeating it changes nothing."
    )
    async def mark_not_interested(
        self,
        info: Info,
        product_id: relay.GlobalID,
        anonymous_id: Annotated[
            str | None,
            strawberry.argument(
                description="A guest id issued by `guestIdCreate`; `X-Cart-Token` when left out."
            ),
        ] = None,
    ) -> MarkNotInterestedPayload:
        result = await resolvers.mark_not_interested(
            info,
            product_id=optional_typed_pk(product_id, "Product") or -1,
            anonymous_id=anonymous_id,
        )
        if result.error is not None:
            errors: list[Any] = payload_errors(result.error, FeedError, FeedErrorCodeSpec)
            return MarkNotInterestedPayload(product=None, errors=errors)
        product = ProductType.from_model(result.product) if result.product else None
        return MarkNotInterestedPayload(product=product, errors=[])
