"""Account writes as GraphQL needs them: authorize the caller, then call the services.

Services raise DomainError for expected failures; the schema turns those into payload errors.
"""

from __future__ import annotations

from datetime import date

from models.accounts import Address, ApiKey, ApiScope, ChildProfile, Permission, User
from resolvers.auth import require_permission, require_user
from resolvers.context import Info
from services.accounts import addresses as address_service
from services.accounts import api_keys as api_key_service
from services.accounts import children as child_service
from services.accounts import users as user_service
from services.accounts.throttle import TooManyAttempts
from services.accounts.tokens import TokenPair
from services.flows import guest_cart_merge


def _signed_in(info: Info, user: User) -> None:
    """The rest of this request sees the user who just signed in as its caller."""
    info.context.user = user
    info.context.loaders.accounts.prime_user(user)


async def register(
    info: Info,
    *,
    email: str,
    password: str,
    display_name: str,
    marketing_consent: bool,
    personalization_consent: bool,
    cart_token: str | None,
) -> tuple[User, TokenPair]:
    user, pair = await user_service.register(
        email=email,
        password=password,
        display_name=display_name,
        marketing_consent=marketing_consent,
        personalization_consent=personalization_consent,
    )
    await guest_cart_merge.after_sign_in(
        cart_token=cart_token or info.context.cart_token, user_id=user.id
    )
    _signed_in(info, user)
    return user, pair


async def login(
    info: Info, *, email: str, password: str, cart_token: str | None
) -> tuple[User, TokenPair]:
    request = info.context.request
    try:
        user, pair = await user_service.login(
            email=email,
            password=password,
            address=request.client.host if request is not None and request.client else None,
        )
    except TooManyAttempts as error:
        response = info.context.response
        if response is not None:
            response.headers["Retry-After"] = str(error.retry_after)
        raise
    await guest_cart_merge.after_sign_in(
        cart_token=cart_token or info.context.cart_token, user_id=user.id
    )
    _signed_in(info, user)
    return user, pair


async def refresh(info: Info, *, refresh_token: str) -> tuple[User, TokenPair]:
    user, pair = await user_service.refresh(refresh_token=refresh_token)
    _signed_in(info, user)
    return user, pair


async def logout(info: Info, *, refresh_token: str) -> None:
    await user_service.logout(refresh_token=refresh_token)


async def update_profile(
    info: Info,
    *,
    display_name: str | None,
    phone: str | None,
    marketing_consent: bool | None,
    personalization_consent: bool | None,
) -> User:
    viewer = require_user(info)
    user = await user_service.update_profile(
        user_id=viewer.id,
        display_name=display_name,
        phone=phone,
        marketing_consent=marketing_consent,
        personalization_consent=personalization_consent,
    )
    _signed_in(info, user)
    return user


async def change_password(
    info: Info, *, current_password: str, new_password: str
) -> tuple[User, TokenPair]:
    viewer = require_user(info)
    user, pair = await user_service.change_password(
        user_id=viewer.id, current_password=current_password, new_password=new_password
    )
    _signed_in(info, user)
    return user, pair


async def create_address(info: Info, *, values: dict[str, str], is_default: bool) -> Address:
    viewer = require_user(info)
    info.context.loaders.accounts.forget_writes()
    return await address_service.create_address(user_id=viewer.id, is_default=is_default, **values)


async def update_address(info: Info, *, address_id: int, values: dict[str, str]) -> Address:
    viewer = require_user(info)
    info.context.loaders.accounts.forget_writes()
    return await address_service.update_address(user_id=viewer.id, address_id=address_id, **values)


async def delete_address(info: Info, *, address_id: int) -> None:
    viewer = require_user(info)
    info.context.loaders.accounts.forget_writes()
    await address_service.delete_address(user_id=viewer.id, address_id=address_id)


async def set_default_address(info: Info, *, address_id: int) -> Address:
    viewer = require_user(info)
    info.context.loaders.accounts.forget_writes()
    return await address_service.set_default_address(user_id=viewer.id, address_id=address_id)


async def create_child(
    info: Info, *, name: str, birth_month: str | date, interests: list[str]
) -> ChildProfile:
    viewer = require_user(info)
    info.context.loaders.accounts.forget_writes()
    return await child_service.create_child(
        user_id=viewer.id, name=name, birth_month=birth_month, interests=interests
    )


async def update_child(
    info: Info,
    *,
    child_id: int,
    name: str | None,
    birth_month: str | date | None,
    interests: list[str] | None,
) -> ChildProfile:
    viewer = require_user(info)
    info.context.loaders.accounts.forget_writes()
    return await child_service.update_child(
        user_id=viewer.id,
        child_id=child_id,
        name=name,
        birth_month=birth_month,
        interests=interests,
    )


async def delete_child(info: Info, *, child_id: int) -> None:
    viewer = require_user(info)
    info.context.loaders.accounts.forget_writes()
    await child_service.delete_child(user_id=viewer.id, child_id=child_id)


async def set_staff_permissions(info: Info, *, user_id: int, permissions: list[Permission]) -> User:
    actor = require_permission(info, Permission.MANAGE_STAFF)
    user = await user_service.set_staff_permissions(
        actor_id=actor.id, user_id=user_id, permissions=permissions
    )
    if user.id == actor.id:
        _signed_in(info, user)
    else:
        info.context.loaders.accounts.prime_user(user)
    return user


async def create_api_key(info: Info, *, name: str, scopes: list[ApiScope]) -> tuple[ApiKey, str]:
    actor = require_permission(info, Permission.MANAGE_API_KEYS)
    return await api_key_service.create_api_key(name=name, scopes=scopes, created_by_id=actor.id)


async def revoke_api_key(info: Info, *, key_id: int) -> ApiKey:
    require_permission(info, Permission.MANAGE_API_KEYS)
    info.context.loaders.accounts.forget_writes()
    return await api_key_service.revoke_api_key(key_id=key_id)
