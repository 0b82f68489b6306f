"""Who is calling, and what they may do: the checks every resolver of user data makes."""

from __future__ import annotations

from graphql import GraphQLError

from models.accounts import ApiKey, ApiScope, Permission, User
from resolvers.context import Info
from services.accounts import guests


def viewer(info: Info) -> User | None:
    """The signed-in, active user, or None for guests."""
    user = info.context.user
    return user if user is not None and user.is_active else None


def require_user(info: Info) -> User:
    user = viewer(info)
    if user is None:
        raise GraphQLError(
            "Sign in to do this: send `Authorization: Bearer <accessToken>`.",
            extensions={"code": "UNAUTHENTICATED"},
        )
    return user


def has_permission(info: Info, permission: Permission) -> bool:
    user = viewer(info)
    return user is not None and user.has_permission(permission)


def require_permission(info: Info, permission: Permission) -> User:
    user = require_user(info)
    if not user.has_permission(permission):
        raise GraphQLError(
            f"This needs the {permission.value} permission.",
            extensions={"code": "FORBIDDEN", "permission": permission.value},
        )
    return user


def has_scope(info: Info, scope: ApiScope) -> bool:
    key: ApiKey | None = info.context.api_key
    return key is not None and scope.value in (key.scopes or [])


def missing_scope(scope: ApiScope) -> GraphQLError:
    return GraphQLError(
        f"This API key needs the {scope.value} scope.",
        extensions={"code": "FORBIDDEN", "scope": scope.value},
    )


def is_partner(info: Info) -> bool:
    """An API key is calling and no user signed in with it."""
    return info.context.api_key is not None and viewer(info) is None


def may(info: Info, permission: Permission, scope: ApiScope) -> bool:
    """Staff with `permission`, or a partner key with `scope`."""
    return has_permission(info, permission) or has_scope(info, scope)


def require_permission_or_scope(info: Info, permission: Permission, scope: ApiScope) -> None:
    """Staff with `permission` or a key with `scope`; a key without it is told which scope."""
    if has_scope(info, scope) or has_permission(info, permission):
        return
    if is_partner(info):
        raise missing_scope(scope)
    require_permission(info, permission)


def can_see_user_data(info: Info, owner_id: int | None, permission: Permission) -> bool:
    """The owner, or staff with `permission`, may read a user's data; nobody else."""
    user = viewer(info)
    if user is None or owner_id is None:
        return False
    return user.id == owner_id or user.has_permission(permission)


def guest_identity(info: Info, anonymous_id: str | None) -> str | None:
    """Whom a guest's behaviour is filed under: a signed `anonymousId`, else the cart token.

    A bare, client-chosen `anonymousId` is refused (BAD_USER_INPUT): only the ids that
    `guestIdCreate` issues, or the `X-Cart-Token` header, identify a guest.
    """
    if anonymous_id is not None and anonymous_id.strip():
        identity = guests.identity_from_guest_id(anonymous_id)
        if identity is None:
            raise GraphQLError(
                "`anonymousId` must be an id issued by the `guestIdCreate` mutation "
                "(or send the `X-Cart-Token` header instead).",
                extensions={"code": "BAD_USER_INPUT", "argument": "anonymousId"},
            )
        return identity
    token = info.context.cart_token
    return guests.identity_from_cart_token(token) if token else None
