"""The root Query, assembled from each domain's query type."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry import relay

from resolvers.context import Info
from schema.accounts import AccountMutation, AccountQuery
from schema.aftersales import AftersalesMutation, AftersalesQuery
from schema.aftersales.subscriptions import AftersalesSubscription
from schema.analytics import AnalyticsMutation
from schema.catalog import CatalogMutation, CatalogQuery
from schema.community.moderation import ModerationMutation, ModerationQuery
from schema.community.posts import PostsMutation, PostsQuery, PostsSubscription
from schema.community.questions import QuestionsMutation
from schema.community.reviews import ReviewsMutation, ReviewsQuery
from schema.events import EventsSubscription
from schema.feed import FeedMutation, FeedQuery
from schema.logistics import LogisticsMutation, LogisticsQuery
from schema.membership import MembershipMutation, MembershipQuery
from schema.membership.subscriptions import MembershipSubscription
from schema.orders import OrdersMutation, OrdersQuery
from schema.webhooks import WebhookMutation, WebhookQuery

MAX_NODES = 100


async def _resolve(info: Info, gid: relay.GlobalID) -> relay.Node | None:
    try:
        node_type = gid.resolve_type(info)
    except Exception:
        raise GraphQLError(
            f"{gid} is not an ID of this API.", extensions={"code": "BAD_USER_INPUT"}
        ) from None
    # resolve_nodes hides what the caller may not see, so null means "not for you" too.
    result: Any = node_type.resolve_nodes(info=info, node_ids=[gid.node_id], required=False)
    if inspect.isawaitable(result):
        result = await result
    return next(iter(result), None)


@strawberry.type(description="Everything a client can read.")
class Query(
    CatalogQuery,
    AccountQuery,
    OrdersQuery,
    LogisticsQuery,
    FeedQuery,
    WebhookQuery,
    MembershipQuery,
    AftersalesQuery,
    PostsQuery,
    ModerationQuery,
    ReviewsQuery,
):
    @strawberry.field(
        description="Any object by its global ID; null when it does not exist or is hidden."
    )
    async def node(self, info: Info, id: relay.GlobalID) -> relay.Node | None:
        return await _resolve(info, id)

    @strawberry.field(
        description="Objects by global ID, in the order asked; null for each one not found. "
        f"At most {MAX_NODES} IDs."
    )
    async def nodes(self, info: Info, ids: list[relay.GlobalID]) -> list[relay.Node | None]:
        if len(ids) > MAX_NODES:
            raise GraphQLError(
                f"Ask for at most {MAX_NODES} IDs at once; got {len(ids)}.",
                extensions={"code": "BAD_USER_INPUT", "argument": "ids"},
            )
        return list(await asyncio.gather(*(_resolve(info, gid) for gid in ids)))


@strawberry.type(description="Everything a client can change.")
class Mutation(
    AccountMutation,
    CatalogMutation,
    AnalyticsMutation,
    OrdersMutation,
    LogisticsMutation,
    FeedMutation,
    WebhookMutation,
    MembershipMutation,
    AftersalesMutation,
    PostsMutation,
    ModerationMutation,
    ReviewsMutation,
    QuestionsMutation,
):
    pass


@strawberry.type(
    description="Live updates, over WebSocket (graphql-transport-ws or graphql-ws) or "
    "Server-Sent Events (graphql-sse) on /graphql."
)
class Subscription(
    EventsSubscription, MembershipSubscription, AftersalesSubscription, PostsSubscription
):
    pass
