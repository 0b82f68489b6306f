"""Live case updates: a customer follows their own cases, staff (MANAGE_TICKETS) and support
desks (API key with READ_TICKETS) follow the queue; the same rules as the queries.

Customers never receive what is for staff only: internal notes' message events and the SLA
warnings and breaches.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import GraphQLError
from strawberry import relay

from resolvers.aftersales.access import can_see_case, is_staff, require_reader
from resolvers.auth import require_user
from resolvers.context import Info
from resolvers.events.streams import follow
from services.events.records import EventRecord
from services.events.types import SPECS, EventTypeName

CASE = "case"
CASE_TYPES = frozenset(name.value for name, spec in SPECS.items() if spec.aggregate == CASE)
STAFF_ONLY = frozenset(
    {EventTypeName.CASE_SLA_WARNING.value, EventTypeName.CASE_SLA_BREACHED.value}
)
CUSTOMER_TYPES = CASE_TYPES - STAFF_ONLY


def _for_customer(record: EventRecord) -> bool:
    if record.type == EventTypeName.CASE_MESSAGE_ADDED and record.payload.get("internal"):
        return False
    return record.type in CUSTOMER_TYPES


async def case_updates(
    info: Info, case_id: int | None, after: str | None
) -> AsyncIterator[EventRecord]:
    """One case's events (its customer, or staff and support desks), or without `case_id`
    every case of the signed-in customer."""
    staff = is_staff(info)
    if case_id is None:
        owner = relay.to_base64("User", require_user(info).id)

        def mine(record: EventRecord) -> bool:
            return (
                record.aggregate_type == CASE
                and record.payload.get("customerId") == owner
                and _for_customer(record)
            )

        async for record in follow(info, after=after, match=mine, types=CUSTOMER_TYPES):
            yield record
        return
    found = await info.context.loaders.aftersales.case_by_id.load(case_id) if case_id > 0 else None
    # The same answer for an unknown and a foreign case: existence is not leaked.
    if found is None or not can_see_case(info, found):
        raise GraphQLError("No such case.", extensions={"code": "NOT_FOUND", "argument": "caseId"})
    key = str(found.id)

    def of_case(record: EventRecord) -> bool:
        return (
            record.aggregate_type == CASE
            and record.aggregate_id == key
            and (staff or _for_customer(record))
        )

    types = CASE_TYPES if staff else CUSTOMER_TYPES
    async for record in follow(info, after=after, match=of_case, types=types):
        yield record


def case_queue(
    info: Info, types: list[EventTypeName] | None, after: str | None
) -> AsyncIterator[EventRecord]:
    """Every case's events, for the staff queue and support desks."""
    require_reader(info)
    wanted = CASE_TYPES & {str(t) for t in types} if types else CASE_TYPES

    def of_cases(record: EventRecord) -> bool:
        return record.aggregate_type == CASE

    return follow(info, after=after, match=of_cases, types=wanted)
