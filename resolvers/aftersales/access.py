"""Who may see and act on a case: its customer; staff with MANAGE_TICKETS; partner keys
with READ_TICKETS may read. Nobody else, through any field or node(id:)."""

from __future__ import annotations

from models.accounts import ApiScope, Permission, User
from models.aftersales import Case
from resolvers.auth import may, require_permission, require_permission_or_scope, viewer
from resolvers.context import Info
from services.aftersales.errors import AftersalesErrorCode, error


def can_see_case(info: Info, case: Case) -> bool:
    user = viewer(info)
    if user is not None and user.id == case.customer_id:
        return True
    return may(info, Permission.MANAGE_TICKETS, ApiScope.READ_TICKETS)


def is_staff(info: Info) -> bool:
    """Staff see internal notes and the staff-only fields; partner keys see them too."""
    return may(info, Permission.MANAGE_TICKETS, ApiScope.READ_TICKETS)


def require_reader(info: Info) -> None:
    require_permission_or_scope(info, Permission.MANAGE_TICKETS, ApiScope.READ_TICKETS)


def require_staff(info: Info) -> User:
    return require_permission(info, Permission.MANAGE_TICKETS)


async def own_case(info: Info, user: User, case_id: int | None) -> Case:
    """The caller's own case; CASE_NOT_FOUND for anyone else's (no hint it exists)."""
    case = await info.context.loaders.aftersales.case_by_id.load(case_id) if case_id else None
    if case is None or case.customer_id != user.id:
        raise error(AftersalesErrorCode.CASE_NOT_FOUND, "No such case.", field="caseId")
    return case


async def staff_case(info: Info, case_id: int | None) -> Case:
    require_staff(info)
    case = await info.context.loaders.aftersales.case_by_id.load(case_id) if case_id else None
    if case is None:
        raise error(AftersalesErrorCode.CASE_NOT_FOUND, "No such case.", field="caseId")
    return case
