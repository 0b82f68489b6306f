"""Who may read which account data: owners, and staff holding the matching permission."""

from __future__ import annotations

from models.accounts import Permission
from resolvers.auth import can_see_user_data, has_permission, viewer
from resolvers.context import Info


def can_see_user(info: Info, user_id: int) -> bool:
    """The account itself: its owner, order managers (customer service) and staff managers."""
    return can_see_user_data(info, user_id, Permission.MANAGE_ORDERS) or has_permission(
        info, Permission.MANAGE_STAFF
    )


def can_see_contact_data(info: Info, user_id: int) -> bool:
    """Phone numbers and addresses: the owner, and staff who manage orders."""
    return can_see_user_data(info, user_id, Permission.MANAGE_ORDERS)


def can_see_children(info: Info, user_id: int) -> bool:
    """Child profiles are the owner's alone; no staff permission reveals them."""
    user = viewer(info)
    return user is not None and user.id == user_id


def can_see_api_keys(info: Info) -> bool:
    return has_permission(info, Permission.MANAGE_API_KEYS)
