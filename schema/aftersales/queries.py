"""After-sales queries: a customer's own cases and the staff queue."""

from __future__ import annotations

import strawberry
from strawberry import relay

from models import aftersales as m
from resolvers.aftersales import cases
from resolvers.context import Info
from schema.aftersales.figures import AftersalesFiguresQuery
from schema.aftersales.types import CaseConnection, CaseKind, CasePriority, CaseStatus, CaseType
from schema.nodes import optional_typed_pk
from services.aftersales.reads import CaseFilter as CaseFilterSpec


@strawberry.input(description="Narrow the case queue. All given conditions must hold.")
class CaseFilter:
    status: CaseStatus | None = None  # type: ignore[valid-type]
    kind: CaseKind | None = None  # type: ignore[valid-type]
    priority: CasePriority | None = None  # type: ignore[valid-type]
    breached: bool | None = strawberry.field(
        default=None, description="true: only cases that missed an SLA target."
    )
    assignee_id: relay.GlobalID | None = None

    def to_spec(self) -> CaseFilterSpec:
        return CaseFilterSpec(
            status=m.CaseStatus(self.status) if self.status is not None else None,
            kind=m.CaseKind(self.kind) if self.kind is not None else None,
            priority=m.CasePriority(self.priority) if self.priority is not None else None,
            breached=self.breached,
            assignee_id=optional_typed_pk(self.assignee_id, "User"),
        )


@strawberry.type
class AftersalesQuery(AftersalesFiguresQuery):
    @strawberry.field(description="The signed-in customer's cases, newest first.")
    async def my_cases(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> CaseConnection:
        page = await cases.my_cases(info, first=first, after=after)
        return CaseConnection.from_page(page, CaseType.from_model)

    @strawberry.field(
        description="The case queue, what is due first at the top. Needs MANAGE_TICKETS, or "
        "an API key with READ_TICKETS."
    )
    async def cases(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        filter: CaseFilter | None = None,
    ) -> CaseConnection:
        spec = filter.to_spec() if filter else CaseFilterSpec()
        page = await cases.staff_cases(info, filters=spec, first=first, after=after)
        return CaseConnection.from_page(page, CaseType.from_model)
