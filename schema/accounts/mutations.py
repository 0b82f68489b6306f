"""Account mutations: sign-up and sign-in, profile, addresses, children, staff and API keys."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models.accounts import User
from resolvers.accounts import mutations as ops
from resolvers.context import Info
from schema.accounts.inputs import (
    AddressInput,
    AddressUpdateInput,
    ApiKeyCreateInput,
    ChildProfileInput,
    ChildProfileUpdateInput,
    LoginInput,
    RegisterInput,
    UpdateProfileInput,
)
from schema.accounts.payloads import (
    AddressDeletePayload,
    AddressPayload,
    ApiKeyCreatePayload,
    ApiKeyPayload,
    AuthPayload,
    ChildProfileDeletePayload,
    ChildProfilePayload,
    GuestIdPayload,
    LogoutPayload,
    UserPayload,
)
from schema.accounts.types import (
    AccountError,
    AccountErrorCode,
    AddressType,
    ApiKeyType,
    ChildProfileType,
    Permission,
    UserType,
)
from schema.nodes import typed_pk
from schema.payloads import payload_errors
from services.accounts import guests
from services.accounts.throttle import TooManyAttempts
from services.accounts.tokens import TokenPair
from services.errors import DomainError, DomainErrors

Failure = (DomainError, DomainErrors)


def _errors(error: DomainError | DomainErrors) -> list[AccountError]:
    return payload_errors(error, AccountError, AccountErrorCode)


def _session(user: User, pair: TokenPair) -> AuthPayload:
    return AuthPayload(
        user=UserType.from_model(user),
        access_token=pair.access_token,
        access_token_expires_at=pair.access_expires_at,
        refresh_token=pair.refresh_token,
        refresh_token_expires_at=pair.refresh_expires_at,
    )


def _owner(info: Info) -> UserType | None:
    user = info.context.user
    return UserType.from_model(user) if user is not None else None


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description="Create a customer account and sign it in. Errors: INVALID_EMAIL, "
        "WEAK_PASSWORD, EMAIL_TAKEN (emails are compared case-insensitively)."
    )
    async def register(self, info: Info, input: RegisterInput) -> AuthPayload:
        try:
            user, pair = await ops.register(
                info,
                email=input.email,
                password=input.password,
                display_name=input.display_name,
                marketing_consent=input.marketing_consent,
                personalization_consent=input.personalization_consent,
                cart_token=input.cart_token,
            )
        except Failure as error:
            return AuthPayload(errors=_errors(error))
        return _session(user, pair)

    @strawberry.mutation(
        description="Sign in with email and password; a guest cart is merged into the "
        "user's. Any mismatch is INVALID_CREDENTIALS. After 5 attempts for one email within "
        "15 minutes (or 50 wrong passwords from one address) it is TOO_MANY_ATTEMPTS with "
        "`retryAfter` seconds (also the HTTP `Retry-After` header), whether or not the "
        "account exists; a successful sign-in resets the email's count."
    )
    async def login(self, info: Info, input: LoginInput) -> AuthPayload:
        try:
            user, pair = await ops.login(
                info, email=input.email, password=input.password, cart_token=input.cart_token
            )
        except TooManyAttempts as error:
            return AuthPayload(errors=_errors(error), retry_after=error.retry_after)
        except Failure as error:
            return AuthPayload(errors=_errors(error))
        return _session(user, pair)

    @strawberry.mutation(
        description="Exchange a refresh token for a new access and refresh token. The old "
        "refresh token stops working 30 seconds later (so two tabs refreshing at once both "
        "get a session); presenting it after that ends the whole session (INVALID_TOKEN), "
        "as only a thief would still hold it."
    )
    async def refresh_token(self, info: Info, refresh_token: str) -> AuthPayload:
        try:
            user, pair = await ops.refresh(info, refresh_token=refresh_token)
        except Failure as error:
            return AuthPayload(errors=_errors(error))
        return _session(user, pair)

    @strawberry.mutation(
        description="Sign out: the refresh token, every token rotated from it and every "
        "access token of this session stop working at once."
    )
    async def logout(self, info: Info, refresh_token: str) -> LogoutPayload:
        try:
            await ops.logout(info, refresh_token=refresh_token)
        except Failure as error:
            return LogoutPayload(errors=_errors(error))
        return LogoutPayload(ok=True)

    @strawberry.mutation(
        description="A new guest id: send it as `anonymousId` to `feed`, `trackEvents` and "
        "`markNotInterested` to keep a guest's behaviour together without a cart. It is "
        "signed by the server, so keep it like a cart token: whoever holds it sees that "
        "guest's personal feed. Guests with a cart may send `X-Cart-Token` instead."
    )
    def guest_id_create(self) -> GuestIdPayload:
        return GuestIdPayload(anonymous_id=guests.issue_guest_id())

    @strawberry.mutation(description="Change the signed-in user's profile and consents.")
    async def update_profile(self, info: Info, input: UpdateProfileInput) -> UserPayload:
        try:
            user = await ops.update_profile(
                info,
                display_name=input.display_name,
                phone=input.phone,
                marketing_consent=input.marketing_consent,
                personalization_consent=input.personalization_consent,
            )
        except Failure as error:
            return UserPayload(errors=_errors(error))
        return UserPayload(user=UserType.from_model(user))

    @strawberry.mutation(
        description="Change the password. Every session of the user ends (on all devices); "
        "the payload carries a fresh session for this one."
    )
    async def change_password(
        self, info: Info, current_password: str, new_password: str
    ) -> AuthPayload:
        try:
            user, pair = await ops.change_password(
                info, current_password=current_password, new_password=new_password
            )
        except Failure as error:
            return AuthPayload(errors=_errors(error))
        return _session(user, pair)

    @strawberry.mutation(description="Add an address to the signed-in user's address book.")
    async def address_create(self, info: Info, input: AddressInput) -> AddressPayload:
        try:
            row = await ops.create_address(info, values=input.values(), is_default=input.is_default)
        except Failure as error:
            return AddressPayload(errors=_errors(error))
        return AddressPayload(address=AddressType.from_model(row), user=_owner(info))

    @strawberry.mutation(description="Change one of the signed-in user's addresses.")
    async def address_update(
        self, info: Info, id: relay.GlobalID, input: AddressUpdateInput
    ) -> AddressPayload:
        try:
            row = await ops.update_address(
                info, address_id=typed_pk(id, "Address"), values=input.values()
            )
        except Failure as error:
            return AddressPayload(errors=_errors(error))
        return AddressPayload(address=AddressType.from_model(row), user=_owner(info))

    @strawberry.mutation(
        description="Delete an address; if it was the default, the oldest remaining address "
        "becomes the default."
    )
    async def address_delete(self, info: Info, id: relay.GlobalID) -> AddressDeletePayload:
        try:
            await ops.delete_address(info, address_id=typed_pk(id, "Address"))
        except Failure as error:
            return AddressDeletePayload(errors=_errors(error))
        return AddressDeletePayload(deleted_id=id, user=_owner(info))

    @strawberry.mutation(description="Make an address the default (the old default is unset).")
    async def address_set_default(self, info: Info, id: relay.GlobalID) -> AddressPayload:
        try:
            row = await ops.set_default_address(info, address_id=typed_pk(id, "Address"))
        except Failure as error:
            return AddressPayload(errors=_errors(error))
        return AddressPayload(address=AddressType.from_model(row), user=_owner(info))

    @strawberry.mutation(description="Add a child profile to the signed-in user's account.")
    async def child_profile_create(
        self, info: Info, input: ChildProfileInput
    ) -> ChildProfilePayload:
        try:
            row = await ops.create_child(
                info, name=input.name, birth_month=input.birth_month, interests=input.interests
            )
        except Failure as error:
            return ChildProfilePayload(errors=_errors(error))
        return ChildProfilePayload(child_profile=ChildProfileType.from_model(row))

    @strawberry.mutation(description="Change one of the signed-in user's child profiles.")
    async def child_profile_update(
        self, info: Info, id: relay.GlobalID, input: ChildProfileUpdateInput
    ) -> ChildProfilePayload:
        try:
            row = await ops.update_child(
                info,
                child_id=typed_pk(id, "ChildProfile"),
                name=input.name,
                birth_month=input.birth_month,
                interests=input.interests,
            )
        except Failure as error:
            return ChildProfilePayload(errors=_errors(error))
        return ChildProfilePayload(child_profile=ChildProfileType.from_model(row))

    @strawberry.mutation(description="Delete one of the signed-in user's child profiles.")
    async def child_profile_delete(
        self, info: Info, id: relay.GlobalID
    ) -> ChildProfileDeletePayload:
        try:
            await ops.delete_child(info, child_id=typed_pk(id, "ChildProfile"))
        except Failure as error:
            return ChildProfileDeletePayload(errors=_errors(error))
        return ChildProfileDeletePayload(deleted_id=id)

    @strawberry.mutation(
        description="Set exactly these permissions on a user (needs MANAGE_STAFF). A user "
        "with any permission is staff; an empty list makes them a customer again."
    )
    async def staff_set_permissions(
        self,
        info: Info,
        user_id: relay.GlobalID,
        permissions: list[Permission],  # type: ignore[valid-type]
    ) -> UserPayload:
        try:
            user = await ops.set_staff_permissions(
                info, user_id=typed_pk(user_id, "User"), permissions=permissions
            )
        except Failure as error:
            return UserPayload(errors=_errors(error))
        return UserPayload(user=UserType.from_model(user))

    @strawberry.mutation(
        description="Issue a partner API key (needs MANAGE_API_KEYS). The key is in this "
        "payload only: it is stored as a hash and cannot be shown again."
    )
    async def api_key_create(self, info: Info, input: ApiKeyCreateInput) -> ApiKeyCreatePayload:
        try:
            row, plain = await ops.create_api_key(info, name=input.name, scopes=input.scopes)
        except Failure as error:
            return ApiKeyCreatePayload(errors=_errors(error))
        return ApiKeyCreatePayload(api_key=ApiKeyType.from_model(row), key=plain)

    @strawberry.mutation(
        description="Revoke a partner API key (needs MANAGE_API_KEYS); it stops working at once."
    )
    async def api_key_revoke(self, info: Info, id: relay.GlobalID) -> ApiKeyPayload:
        try:
            row = await ops.revoke_api_key(info, key_id=typed_pk(id, "ApiKey"))
        except Failure as error:
            return ApiKeyPayload(errors=_errors(error))
        return ApiKeyPayload(api_key=ApiKeyType.from_model(row))
