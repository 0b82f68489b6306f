"""Account reads: the viewer, users staff may look up, and partner API keys."""

from __future__ import annotations

from models.accounts import Address, ApiKey, ChildProfile, Permission, User
from resolvers.accounts.access import can_see_children, can_see_contact_data, can_see_user
from resolvers.auth import require_permission, viewer
from resolvers.context import Info
from resolvers.pagination import Page, window
from services.accounts import api_keys as api_key_service


def me(info: Info) -> User | None:
    user = viewer(info)
    if user is not None:
        info.context.loaders.accounts.prime_user(user)
    return user


async def user(info: Info, *, user_id: int | None) -> User | None:
    """A user the caller may see, else None (hidden and missing look the same)."""
    if user_id is None or not can_see_user(info, user_id):
        return None
    return await info.context.loaders.accounts.user_by_id.load(user_id)


async def addresses(info: Info, *, user_id: int) -> list[Address] | None:
    if not can_see_contact_data(info, user_id):
        return None
    return await info.context.loaders.accounts.addresses_by_user_id.load(user_id)


async def child_profiles(info: Info, *, user_id: int) -> list[ChildProfile] | None:
    if not can_see_children(info, user_id):
        return None
    return await info.context.loaders.accounts.child_profiles_by_user_id.load(user_id)


async def api_keys(
    info: Info, *, first: int | None, after: str | None, include_revoked: bool
) -> Page[ApiKey]:
    require_permission(info, Permission.MANAGE_API_KEYS)
    win = window(first, after)
    rows, total = await api_key_service.list_api_keys(
        include_revoked=include_revoked, offset=win.offset, limit=win.limit
    )
    return Page(items=rows, offset=win.offset, total=total, has_next=win.offset + len(rows) < total)


def viewer_api_key(info: Info) -> ApiKey | None:
    return info.context.api_key
