"""Who may see and act on a case: its customer; staff with MANAGE_TICKETS; partner keys
(a support desk) with READ_TICKETS read cases, the queue and its subscriptions, and with
WRITE_TICKETS act as a desk does (messages and internal notes, assign, tag, prioritise,
approve, decline, resolve, close) and see the cases they act on. Receiving goods, refunds
and the parcels and replacement orders stay with staff. Nobody else, through any field or
node(id:)."""

from __future__ import annotations

from models.accounts import ApiScope, Permission, User
from models.aftersales import Case
from resolvers.auth import (
    has_permission,
    has_scope,
    is_partner,
    may,
    missing_scope,
    require_permission,
    require_permission_or_scope,
    viewer,
)
from resolvers.context import Info
from services.aftersales.errors import AftersalesErrorCode, error


def can_see_case(info: Info, case: Case) -> bool:
    user = viewer(info)
    if user is not None and user.id == case.customer_id:
        return True
    return is_staff(info)


def is_staff(info: Info) -> bool:
    """Staff see internal notes and the staff-only fields; support desks' keys see them too."""
    return may(info, Permission.MANAGE_TICKETS, ApiScope.READ_TICKETS) or has_scope(
        info, ApiScope.WRITE_TICKETS
    )


def require_reader(info: Info) -> None:
    require_permission_or_scope(info, Permission.MANAGE_TICKETS, ApiScope.READ_TICKETS)


def require_staff(info: Info) -> User:
    return require_permission(info, Permission.MANAGE_TICKETS)


def require_desk(info: Info) -> User | None:
    """Staff with MANAGE_TICKETS (returned), or a support desk's key with WRITE_TICKETS
    (None: the key is the actor); a key without the scope is told which one it needs."""
    if has_permission(info, Permission.MANAGE_TICKETS):
        return viewer(info)
    if has_scope(info, ApiScope.WRITE_TICKETS):
        return None
    if is_partner(info):
        raise missing_scope(ApiScope.WRITE_TICKETS)
    return require_staff(info)


async def own_case(info: Info, user: User, case_id: int | None) -> Case:
    """The caller's own case; CASE_NOT_FOUND for anyone else's (no hint it exists)."""
    case = await info.context.loaders.aftersales.case_by_id.load(case_id) if case_id else None
    if case is None or case.customer_id != user.id:
        raise error(AftersalesErrorCode.CASE_NOT_FOUND, "No such case.", field="caseId")
    return case


async def staff_case(info: Info, case_id: int | None, *, desk: bool = False) -> Case:
    """The case for a staff action; with `desk`, one a support desk's key may take too."""
    if desk:
        require_desk(info)
    else:
        require_staff(info)
    case = await info.context.loaders.aftersales.case_by_id.load(case_id) if case_id else None
    if case is None:
        raise error(AftersalesErrorCode.CASE_NOT_FOUND, "No such case.", field="caseId")
    return case
