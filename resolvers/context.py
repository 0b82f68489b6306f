"""The per-request context every resolver receives."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeAlias

import strawberry
from starlette.requests import HTTPConnection

from models.accounts import ApiKey, User
from resolvers.accounts.loaders import AccountLoaders
from resolvers.aftersales.loaders import AftersalesLoaders
from resolvers.catalog.loaders import CatalogLoaders
from resolvers.community.posts_loaders import PostLoaders
from resolvers.community.reviews_loaders import ReviewLoaders
from resolvers.events.loaders import WebhookLoaders
from resolvers.logistics.loaders import LogisticsLoaders
from resolvers.membership.loaders import MembershipLoaders
from resolvers.orders.loaders import OrdersLoaders


class Loaders:
    """Per-request DataLoaders, one group per domain, each built on first use (most
    requests touch one domain, and a DataLoader costs a few microseconds to build)."""

    @cached_property
    def catalog(self) -> CatalogLoaders:
        return CatalogLoaders()

    @cached_property
    def accounts(self) -> AccountLoaders:
        return AccountLoaders()

    @cached_property
    def orders(self) -> OrdersLoaders:
        return OrdersLoaders()

    @cached_property
    def logistics(self) -> LogisticsLoaders:
        return LogisticsLoaders()

    @cached_property
    def webhooks(self) -> WebhookLoaders:
        return WebhookLoaders()

    @cached_property
    def membership(self) -> MembershipLoaders:
        return MembershipLoaders()

    @cached_property
    def aftersales(self) -> AftersalesLoaders:
        return AftersalesLoaders()

    @cached_property
    def community_posts(self) -> PostLoaders:
        return PostLoaders()

    @cached_property
    def community_reviews(self) -> ReviewLoaders:
        return ReviewLoaders()


@dataclass
class Context:
    request: HTTPConnection | None
    response: Any = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    loaders: Loaders = field(default_factory=Loaders)
    user: User | None = None
    api_key: ApiKey | None = None
    cart_token: str | None = None
    # Subscriptions: what the client sent in connection_init (WebSocket), the stream cursor
    # it resumes from (`Last-Event-ID`, Server-Sent Events), and the cursor of the event
    # being delivered (the SSE `id:` line).
    connection_params: dict[str, Any] | None = None
    last_event_id: str | None = None
    stream_cursor: str | None = None


Info: TypeAlias = strawberry.Info[Context, None]
