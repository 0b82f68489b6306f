"""Case lists: a customer's own (newest first) and the staff queue (what is due first)."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from models.aftersales import Case, CaseKind, CasePriority, CaseStatus


@dataclass(frozen=True)
class CaseFilter:
    status: CaseStatus | None = None
    kind: CaseKind | None = None
    priority: CasePriority | None = None
    breached: bool | None = None
    customer_id: int | None = None
    assignee_id: int | None = None


def case_query(filters: CaseFilter, *, queue: bool) -> QuerySet[Case]:
    query = Case.all()
    if filters.customer_id is not None:
        query = query.filter(customer_id=filters.customer_id)
    if filters.status is not None:
        query = query.filter(status=filters.status)
    if filters.kind is not None:
        query = query.filter(kind=filters.kind)
    if filters.priority is not None:
        query = query.filter(priority=filters.priority)
    if filters.assignee_id is not None:
        query = query.filter(assignee_id=filters.assignee_id)
    if filters.breached is not None:
        query = query.filter(breached_at__isnull=not filters.breached)
    if not queue:
        return query.order_by("-created_at", "-id")
    # What falls due first on top; paused and finished cases (no running clock) after them,
    # the same on both databases (SQLite would put NULLs first).
    stopped = RawSQL('CASE WHEN "next_due_at" IS NULL THEN 1 ELSE 0 END')
    return query.annotate(stopped=stopped).order_by("stopped", "next_due_at", "id")


async def list_cases(*, query: QuerySet[Case], offset: int, limit: int) -> tuple[list[Case], bool]:
    rows = list(await query.offset(offset).limit(limit + 1))
    return rows[:limit], len(rows) > limit


async def count_cases(*, query: QuerySet[Case]) -> int:
    return await query.count()
