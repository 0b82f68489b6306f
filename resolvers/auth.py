"""Who is calling, and what they may do: the checks every resolver of user data makes."""

from __future__ import annotations

from graphql import GraphQLError

from models.accounts import ApiKey, ApiScope, Permission, User
from resolvers.context import Info


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


def can_see_user_data(info: Info, owner_id: int | None, permission: Permission) -> bool:
    """The owner, or staff with `permission`, may read a user's data; nobody else."""
    user = viewer(info)
    if user is None or owner_id is None:
        return False
    return user.id == owner_id or user.has_permission(permission)
