"""Staff figures of after-sales cases for a period."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import aftersales as m
from resolvers.aftersales import figures as figure_resolvers
from resolvers.context import Info
from schema.aftersales.types import CaseKind, CaseReason
from services.aftersales.figures import Figures


@strawberry.type(description="Figures of the cases opened in the period (a group or all).")
class CaseFigures:
    kind: CaseKind | None = strawberry.field(description="Null on the totals row.")  # type: ignore[valid-type]
    reason: CaseReason | None = strawberry.field(description="Null on the totals row.")  # type: ignore[valid-type]
    cases: int
    first_replied: int = strawberry.field(description="Cases staff answered.")
    first_reply_hours_mean: float | None = strawberry.field(
        description="Calendar hours from opening to the first staff answer."
    )
    first_reply_hours_median: float | None
    resolved: int = strawberry.field(description="Cases solved or resolved (or declined).")
    resolution_hours_mean: float | None = strawberry.field(
        description="Calendar hours from opening to solved / resolved."
    )
    resolution_hours_median: float | None
    breached: int = strawberry.field(description="Cases that missed an SLA target.")
    breach_rate: float | None = strawberry.field(description="breached / cases (0-1).")
    rated: int
    rating_mean: float | None = strawberry.field(description="Mean satisfaction rating, 1-5.")
    satisfied_share: float | None = strawberry.field(
        description="Share of ratings of 4 or 5 among the rated (0-1)."
    )

    @classmethod
    def of(cls, row: Figures) -> CaseFigures:
        return cls(
            kind=m.CaseKind(row.kind) if row.kind else None,
            reason=m.CaseReason(row.reason) if row.reason else None,
            cases=row.cases,
            first_replied=row.first_replied,
            first_reply_hours_mean=row.first_reply_hours_mean,
            first_reply_hours_median=row.first_reply_hours_median,
            resolved=row.resolved,
            resolution_hours_mean=row.resolution_hours_mean,
            resolution_hours_median=row.resolution_hours_median,
            breached=row.breached,
            breach_rate=row.breach_rate,
            rated=row.rated,
            rating_mean=row.rating_mean,
            satisfied_share=row.satisfied_share,
        )


@strawberry.type(description="Case figures for a period: the totals and per kind and reason.")
class CaseFiguresReport:
    since: datetime
    until: datetime
    total: CaseFigures
    by_kind_and_reason: list[CaseFigures] = strawberry.field(
        description="One row per kind and reason that had cases in the period."
    )


@strawberry.type
class AftersalesFiguresQuery:
    @strawberry.field(
        description="First-reply time, resolution time, breach rate and satisfaction of the "
        "cases opened in [since, until) (at most 366 days), per kind and reason. Needs "
        "MANAGE_TICKETS, or an API key with READ_TICKETS."
    )
    async def case_figures(self, info: Info, since: datetime, until: datetime) -> CaseFiguresReport:
        total, groups = await figure_resolvers.case_figures(info, since=since, until=until)
        return CaseFiguresReport(
            since=since,
            until=until,
            total=CaseFigures.of(total),
            by_kind_and_reason=[CaseFigures.of(g) for g in groups],
        )
