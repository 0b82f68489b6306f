"""Live case updates: a customer's own cases, one case, and the staff queue."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from strawberry import relay

from resolvers.aftersales import streams
from resolvers.aftersales.access import can_see_case
from resolvers.context import Info
from schema.aftersales.types import CaseType
from schema.events import After, DomainEventType, EventType
from schema.nodes import typed_pk
from services.events.records import EventRecord


@strawberry.type(description="A case changed: the event, and the case as it is now.")
class CaseUpdate:
    event: DomainEventType
    case_id: strawberry.Private[int]

    @strawberry.field(description="The case now; null if the caller may no longer see it.")
    async def case(self, info: Info) -> CaseType | None:
        row = await info.context.loaders.aftersales.case_by_id.load(self.case_id)
        if row is None or not can_see_case(info, row):
            return None
        return CaseType.from_model(row)


def _update(record: EventRecord) -> CaseUpdate:
    return CaseUpdate(event=DomainEventType.from_record(record), case_id=int(record.aggregate_id))


@strawberry.type
class AftersalesSubscription:
    @strawberry.subscription(
        description="Case events: without `caseId`, every case of the signed-in customer; "
        "with it, that case (its customer, staff with MANAGE_TICKETS, an API key with "
        "READ_TICKETS). Customers receive case.created, case.status_changed, "
        "case.message_added (not for internal notes), case.survey_offered, "
        "case.satisfaction_rated, "
        "case.resolved and case.closed; staff also the SLA warnings and breaches. NOT_FOUND "
        "for an unknown case and one you may not see."
    )
    async def case_updates(
        self, info: Info, case_id: relay.GlobalID | None = None, after: After = None
    ) -> AsyncGenerator[CaseUpdate, None]:
        pk = typed_pk(case_id, "Case") if case_id is not None else None
        async for record in streams.case_updates(info, pk, after):
            yield _update(record)

    @strawberry.subscription(
        description="The staff queue, live: every case's events (case.created, "
        "case.status_changed, case.message_added, case.sla_warning, case.sla_breached, "
        "case.survey_offered, case.satisfaction_rated, case.resolved, case.closed), "
        "optionally only some types. "
        "Needs MANAGE_TICKETS, or an API key with READ_TICKETS (a support desk syncing cases)."
    )
    async def case_queue_updates(
        self,
        info: Info,
        types: Annotated[
            list[EventType] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only these case event types (default: all)."),
        ] = None,
        after: After = None,
    ) -> AsyncGenerator[CaseUpdate, None]:
        async for record in streams.case_queue(info, types, after):
            yield _update(record)
