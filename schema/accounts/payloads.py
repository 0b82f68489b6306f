"""Account mutation payloads: what each operation returns, with its `errors`."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from schema.accounts.types import (
    AccountError,
    AddressType,
    ApiKeyType,
    ChildProfileType,
    UserType,
)


@strawberry.type(
    description="A signed-in session. Send `Authorization: Bearer <accessToken>`; before it "
    "expires (15 minutes) exchange `refreshToken` with the `refreshToken` mutation."
)
class AuthPayload:
    user: UserType | None = None
    access_token: str | None = strawberry.field(default=None, description="Short-lived JWT.")
    access_token_expires_at: datetime | None = None
    refresh_token: str | None = strawberry.field(
        default=None,
        description="Opaque, single use: each refresh returns a new one. Keep it secret.",
    )
    refresh_token_expires_at: datetime | None = None
    retry_after: int | None = strawberry.field(
        default=None,
        description="With TOO_MANY_ATTEMPTS: seconds to wait before signing in again.",
    )
    errors: list[AccountError] = strawberry.field(default_factory=list)


@strawberry.type(description="A new signed guest id.")
class GuestIdPayload:
    anonymous_id: str = strawberry.field(
        description="Send as `anonymousId`; at most 64 characters, opaque."
    )


@strawberry.type(description="The result of signing out.")
class LogoutPayload:
    ok: bool = strawberry.field(default=False, description="True when the session ended.")
    errors: list[AccountError] = strawberry.field(default_factory=list)


@strawberry.type(description="A changed user.")
class UserPayload:
    user: UserType | None = None
    errors: list[AccountError] = strawberry.field(default_factory=list)


@strawberry.type(description="A changed address, and its owner to refresh the address book.")
class AddressPayload:
    address: AddressType | None = None
    user: UserType | None = None
    errors: list[AccountError] = strawberry.field(default_factory=list)


@strawberry.type(description="A deleted address.")
class AddressDeletePayload:
    deleted_id: relay.GlobalID | None = None
    user: UserType | None = strawberry.field(
        default=None, description="The owner; another address may now be the default."
    )
    errors: list[AccountError] = strawberry.field(default_factory=list)


@strawberry.type(description="A changed child profile.")
class ChildProfilePayload:
    child_profile: ChildProfileType | None = None
    errors: list[AccountError] = strawberry.field(default_factory=list)


@strawberry.type(description="A deleted child profile.")
class ChildProfileDeletePayload:
    deleted_id: relay.GlobalID | None = None
    errors: list[AccountError] = strawberry.field(default_factory=list)


@strawberry.type(description="A new API key. `key` is shown here once and never again.")
class ApiKeyCreatePayload:
    api_key: ApiKeyType | None = None
    key: str | None = strawberry.field(
        default=None,
        description="The full key: store it now, it cannot be read later. Partners send it "
        "as `X-Api-Key`.",
    )
    errors: list[AccountError] = strawberry.field(default_factory=list)


@strawberry.type(description="A changed API key.")
class ApiKeyPayload:
    api_key: ApiKeyType | None = None
    errors: list[AccountError] = strawberry.field(default_factory=list)
