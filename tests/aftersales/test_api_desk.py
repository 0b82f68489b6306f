"""A support desk's API key: READ_TICKETS reads, WRITE_TICKETS acts (replies, internal
notes, assign, tags, priority, approve, decline, resolve, close) with the key as the actor;
receiving goods and money outcomes stay with staff; customers' tokens act on nothing."""

from __future__ import annotations

from typing import Any

from strawberry import relay

from models.accounts import ApiScope, Permission
from models.aftersales import Case, CaseKind, CaseMessage, CaseReason, CaseTimelineEntry
from models.events import DomainEvent
from services.accounts import api_keys
from services.aftersales import cases
from tests.aftersales.test_api_cases import APPROVE, QUEUE, RECEIVE, REFUND, _gid, _key
from tests.aftersales.test_api_cases import _return_case as return_case
from tests.factories import auth_headers, create_user

MESSAGE = """
mutation M($id: ID!, $body: String!, $internal: Boolean!, $wait: Boolean!) {
  caseStaffMessage(caseId: $id, body: $body, internal: $internal, waitOnCustomer: $wait) {
    message { author body internal } errors { code }
  }
}
"""
ASSIGN = """
mutation As($id: ID!, $to: ID) {
  caseAssign(caseId: $id, assigneeId: $to) { case { assigneeId } errors { code } }
}
"""
PRIORITY = """
mutation Pr($id: ID!) {
  caseSetPriority(caseId: $id, priority: URGENT) { case { priority } errors { code } }
}
"""
TAGS = """
mutation T($id: ID!) { caseSetTags(caseId: $id, tags: ["Desk"]) { case { tags } errors { code } } }
"""
DECLINE = """
mutation D($id: ID!) {
  caseDecline(caseId: $id, reason: FINAL_SALE) { case { status } errors { code } }
}
"""
RESOLVE = "mutation S($id: ID!) { caseResolve(caseId: $id) { case { status } errors { code } } }"
CLOSE = "mutation C($id: ID!) { caseClose(caseId: $id) { case { status } errors { code } } }"


def _pk(gid: str) -> int:
    return int(relay.from_base64(gid)[1])


def _forbidden(body: dict[str, Any]) -> str | None:
    assert body["errors"], body
    extensions = body["errors"][0]["extensions"]
    assert extensions["code"] == "FORBIDDEN"
    return extensions.get("scope")


async def test_a_write_key_acts_as_a_desk_and_a_read_key_only_reads(gql: Any) -> None:
    owner = await create_user()
    agent = await create_user(permissions=[Permission.MANAGE_TICKETS])
    complaint = await cases.open_case(
        customer_id=owner.id, kind=CaseKind.COMPLAINT, reason=CaseReason.OTHER, reason_note="x"
    )
    gid = _gid("Case", complaint.id)
    reader = await _key(ApiScope.READ_TICKETS)
    desk, plain = await api_keys.create_api_key(
        name="Desk", scopes=[ApiScope.WRITE_TICKETS], created_by_id=None
    )
    writer = {"X-Api-Key": plain}
    variables = {"id": gid, "body": "We are on it", "internal": False, "wait": False}

    # READ_TICKETS reads the queue but acts on nothing; it is told the scope it lacks.
    assert (await gql(QUEUE, **reader))["data"]["cases"]["totalCount"] >= 1
    for document, extra in [(MESSAGE, variables), (PRIORITY, {}), (CLOSE, {})]:
        assert _forbidden(await gql(document, {"id": gid, **extra}, **reader)) == "WRITE_TICKETS"
    # WRITE_TICKETS acts but does not read the queue (READ_TICKETS does that).
    assert _forbidden(await gql(QUEUE, **writer)) == "READ_TICKETS"
    # The customer's own token is not a desk.
    _forbidden(await gql(MESSAGE, variables, **auth_headers(owner)))

    reply = await gql(MESSAGE, variables, **writer)
    assert reply["data"]["caseStaffMessage"] == {
        "message": {"author": "STAFF", "body": "We are on it", "internal": False},
        "errors": [],
    }
    note = await gql(MESSAGE, {**variables, "body": "VIP", "internal": True}, **writer)
    assert note["data"]["caseStaffMessage"]["message"]["internal"] is True
    assigned = await gql(ASSIGN, {"id": gid, "to": _gid("User", agent.id)}, **writer)
    assert assigned["data"]["caseAssign"]["case"]["assigneeId"] == _gid("User", agent.id)
    refused = await gql(ASSIGN, {"id": gid, "to": _gid("User", owner.id)}, **writer)
    assert [e["code"] for e in refused["data"]["caseAssign"]["errors"]] == ["ASSIGNEE_INVALID"]
    assert (await gql(TAGS, {"id": gid}, **writer))["data"]["caseSetTags"]["case"]["tags"] == [
        "desk"
    ]
    urgent = await gql(PRIORITY, {"id": gid}, **writer)
    assert urgent["data"]["caseSetPriority"]["case"]["priority"] == "URGENT"
    assert (await gql(RESOLVE, {"id": gid}, **writer))["data"]["caseResolve"]["case"] == {
        "status": "SOLVED"
    }
    assert (await gql(CLOSE, {"id": gid}, **writer))["data"]["caseClose"]["case"] == {
        "status": "CLOSED"
    }

    # The key is the actor: no staff author on its messages, its id on the timeline and events.
    actor = f"api_key:{desk.id}"
    stored = await CaseMessage.filter(case_id=complaint.id).order_by("id")
    assert [(m.author_user_id, m.internal) for m in stored] == [(None, False), (None, True)]
    entries = await CaseTimelineEntry.filter(case_id=complaint.id).exclude(kind="opened")
    assert entries and {e.actor for e in entries} == {actor}
    added = await DomainEvent.filter(
        aggregate_id=str(complaint.id), aggregate_type="case", type="case.message_added"
    )
    assert {e.actor for e in added} == {actor}
    final = await Case.get(id=complaint.id)
    assert (final.assignee_id, final.tags) == (agent.id, ["desk"])


async def test_a_write_key_decides_goods_cases_but_staff_receive_and_refund(gql: Any) -> None:
    writer = await _key(ApiScope.WRITE_TICKETS)
    case, lines = await return_case(gql, user=await create_user())
    approved = await gql(APPROVE, {"id": case["id"]}, **writer)
    assert approved["data"]["caseApprove"]["case"]["status"] == "AWAITING_ITEMS"
    inspections = [{"caseLineId": case["lines"][0]["id"], "result": "RESTOCK"}]
    received = await gql(RECEIVE, {"id": case["id"], "inspections": inspections}, **writer)
    # Receiving goods and refunds need a signed-in staff member: a key is nobody signed in.
    for body in (received, await gql(REFUND, {"id": case["id"]}, **writer)):
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", body
    assert (await Case.get(id=_pk(case["id"]))).status == "awaiting_items"
    other, _ = await return_case(gql, user=await create_user())
    declined = await gql(DECLINE, {"id": other["id"]}, **writer)
    assert declined["data"]["caseDecline"]["case"]["status"] == "DECLINED"
    assert lines  # the order lines of the first case stay untouched by the key
