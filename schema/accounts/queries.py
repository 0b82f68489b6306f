"""Account queries: the viewer, staff look-ups and partner API keys."""

from __future__ import annotations

import strawberry
from strawberry import relay

from resolvers.accounts import queries
from resolvers.context import Info
from schema.accounts.types import ApiKeyConnection, ApiKeyType, UserType
from schema.nodes import typed_pk


@strawberry.type
class AccountQuery:
    @strawberry.field(
        description="The signed-in user; null for guests and for expired or invalid tokens."
    )
    def me(self, info: Info) -> UserType | None:
        user = queries.me(info)
        return UserType.from_model(user) if user is not None else None

    @strawberry.field(
        description="A user by ID, for staff with MANAGE_ORDERS or MANAGE_STAFF (and the user "
        "themself); null when not found or not yours to see."
    )
    async def user(self, info: Info, id: relay.GlobalID) -> UserType | None:
        row = await queries.user(info, user_id=typed_pk(id, "User"))
        return UserType.from_model(row) if row is not None else None

    @strawberry.field(description="Partner API keys, newest first (needs MANAGE_API_KEYS).")
    async def api_keys(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        include_revoked: bool = False,
    ) -> ApiKeyConnection:
        page = await queries.api_keys(
            info, first=first, after=after, include_revoked=include_revoked
        )
        return ApiKeyConnection.from_page(page, ApiKeyType.from_model)

    @strawberry.field(
        description="The API key sent in `X-Api-Key`, so partners can check its name and "
        "scopes; null without a key or for a revoked or unknown one."
    )
    def viewer_api_key(self, info: Info) -> ApiKeyType | None:
        key = queries.viewer_api_key(info)
        return ApiKeyType.from_model(key) if key is not None else None
