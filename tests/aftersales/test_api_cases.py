"""Cases through GraphQL: customers open, preview, reply and rate their own; staff with
MANAGE_TICKETS run the workflow; READ_TICKETS keys read; nobody else sees a case, also
through node(id:)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from strawberry import relay
from strawberry.relay import to_base64

from models.accounts import ApiScope, Permission
from models.aftersales import Case
from models.orders import OrderLine
from services import clock
from services.accounts import api_keys
from tests.aftersales._helpers import delivered_order
from tests.factories import auth_headers, create_user, create_variant

OPEN = """
mutation Open($input: CaseOpenInput!) {
  caseOpen(input: $input) {
    case { id number kind status priority lines { id quantity orderLine { sku } } }
    errors { field code message }
  }
}
"""
PREVIEW = """
mutation P($input: ReturnPreviewInput!) {
  casePreviewReturn(input: $input) {
    preview { total { amount currency } shipping { amount } pointsBack
              lines { quantity refund { amount } restockingFee { amount } } }
    errors { field code }
  }
}
"""
APPROVE = "mutation A($id: ID!) { caseApprove(caseId: $id) { case { status } errors { code } } }"
RECEIVE = """
mutation R($id: ID!, $inspections: [CaseInspectionInput!]!) {
  caseReceive(caseId: $id, inspections: $inspections) { case { status } errors { code field } }
}
"""
REFUND = """
mutation F($id: ID!) {
  caseRefund(caseId: $id) { case { status refundAmount { amount } } errors { code } }
}
"""
RESOLVE = "mutation S($id: ID!) { caseResolve(caseId: $id) { case { status } errors { code } } }"
NOTE = """
mutation N($id: ID!, $body: String!, $internal: Boolean!) {
  caseStaffMessage(caseId: $id, body: $body, internal: $internal) {
    message { body internal } errors { code }
  }
}
"""
REPLY = """
mutation Y($id: ID!, $body: String!) {
  caseReply(caseId: $id, body: $body) { message { author } errors { code } }
}
"""
RATE = """
mutation Rt($id: ID!, $r: Int!) {
  caseRate(caseId: $id, rating: $r) { case { rating } errors { code } }
}
"""
NODE = """
query Node($id: ID!) {
  node(id: $id) {
    ... on Case { number status messages { body internal } timeline { actor toStatus } }
  }
}
"""
MINE = "query { myCases(first: 10) { totalCount edges { node { number } } } }"
QUEUE = """
query Q($filter: CaseFilter) {
  cases(first: 50, filter: $filter) {
    totalCount
    edges { node { number status sla { breached paused nextDueAt nextReplyDue businessHours }
                   survey { open } returnShipment { id } replacementOrderId
                   lines { quantity orderLine { sku } } timeline { kind } messages { body } } }
  }
}
"""


def _gid(type_name: str, pk: int) -> str:
    return to_base64(type_name, pk)


async def _agent() -> dict[str, str]:
    return auth_headers(await create_user(permissions=[Permission.MANAGE_TICKETS]))


async def _key(*scopes: ApiScope) -> dict[str, str]:
    _, plain = await api_keys.create_api_key(name="Desk", scopes=scopes, created_by_id=None)
    return {"X-Api-Key": plain}


async def _return_case(gql: Any, **owner: str) -> tuple[dict[str, Any], list[OrderLine]]:
    user = owner.pop("user")  # type: ignore[arg-type]
    variant = await create_variant(price="15.00", stock=5)
    order = await delivered_order(user, (variant, 2))  # type: ignore[arg-type]
    lines = list(await OrderLine.filter(order_id=order.id))
    body = await gql(
        OPEN,
        {
            "input": {
                "kind": "RETURN",
                "reason": "DEFECTIVE",
                "orderId": _gid("Order", order.id),
                "lines": [{"orderLineId": _gid("OrderLine", lines[0].id), "quantity": 1}],
                "photoUrls": ["https://img.example/broken.jpg"],
            }
        },
        **auth_headers(user),
    )
    assert body["data"]["caseOpen"]["errors"] == [], body
    return body["data"]["caseOpen"]["case"], lines


async def test_a_return_from_preview_to_refund_through_the_api(gql: Any) -> None:
    user = await create_user()
    me = auth_headers(user)
    variant = await create_variant(price="15.00", stock=5)
    order = await delivered_order(user, (variant, 2))
    line = await OrderLine.get(order_id=order.id)
    lines = [{"orderLineId": _gid("OrderLine", line.id), "quantity": 1}]
    order_gid = _gid("Order", order.id)

    preview = await gql(
        PREVIEW, {"input": {"orderId": order_gid, "reason": "DEFECTIVE", "lines": lines}}, **me
    )
    found = preview["data"]["casePreviewReturn"]
    assert found["errors"] == []
    assert found["preview"]["total"] == {"amount": "15.00", "currency": "EUR"}
    assert found["preview"]["pointsBack"] == 0  # the order earned no points

    opened = await gql(
        OPEN,
        {"input": {"kind": "RETURN", "reason": "DEFECTIVE", "orderId": order_gid, "lines": lines}},
        **me,
    )
    case = opened["data"]["caseOpen"]["case"]
    assert (case["status"], case["kind"]) == ("REQUESTED", "RETURN")
    # The same unit cannot be asked for twice beyond what was bought.
    again = await gql(
        OPEN,
        {
            "input": {
                "kind": "RETURN",
                "reason": "DEFECTIVE",
                "orderId": order_gid,
                "lines": [{"orderLineId": lines[0]["orderLineId"], "quantity": 2}],
            }
        },
        **me,
    )
    assert [e["code"] for e in again["data"]["caseOpen"]["errors"]] == [
        "QUANTITY_EXCEEDS_RETURNABLE"
    ]

    agent = await _agent()
    assert (await gql(APPROVE, {"id": case["id"]}, **agent))["data"]["caseApprove"]["case"] == {
        "status": "AWAITING_ITEMS"
    }
    inspections = [{"caseLineId": case["lines"][0]["id"], "result": "RESTOCK"}]
    received = await gql(RECEIVE, {"id": case["id"], "inspections": inspections}, **agent)
    assert received["data"]["caseReceive"]["case"]["status"] == "RECEIVED"
    refunded = await gql(REFUND, {"id": case["id"]}, **agent)
    assert refunded["data"]["caseRefund"]["case"] == {
        "status": "REFUNDED",
        "refundAmount": {"amount": "15.00"},
    }
    early = await gql(RATE, {"id": case["id"], "r": 5}, **me)
    assert [e["code"] for e in early["data"]["caseRate"]["errors"]] == ["RATING_NOT_OPEN"]
    await gql(RESOLVE, {"id": case["id"]}, **agent)
    # The survey opens a day after the case was resolved.
    pk = int(relay.GlobalID.from_id(case["id"]).node_id)
    await Case.filter(id=pk).update(solved_at=clock.now() - timedelta(hours=25))
    rated = await gql(RATE, {"id": case["id"], "r": 5}, **me)
    assert rated["data"]["caseRate"] == {"case": {"rating": 5}, "errors": []}


async def test_customers_cannot_open_or_see_others_cases_and_never_see_internal_notes(
    gql: Any,
) -> None:
    owner, stranger = await create_user(), await create_user()
    case, _ = await _return_case(gql, user=owner)  # type: ignore[arg-type]
    agent = await _agent()
    await gql(NOTE, {"id": case["id"], "body": "Looks like misuse", "internal": True}, **agent)
    await gql(NOTE, {"id": case["id"], "body": "We are on it", "internal": False}, **agent)

    as_owner = (await gql(NODE, {"id": case["id"]}, **auth_headers(owner)))["data"]["node"]
    assert [m["body"] for m in as_owner["messages"]] == ["We are on it"]
    assert {t["actor"] for t in as_owner["timeline"]} <= {"customer", "staff", "system"}
    as_staff = (await gql(NODE, {"id": case["id"]}, **agent))["data"]["node"]
    assert [m["internal"] for m in as_staff["messages"]] == [True, False]
    assert (await gql(NODE, {"id": case["id"]}, **auth_headers(stranger)))["data"]["node"] is None
    assert (await gql(NODE, {"id": case["id"]}))["data"]["node"] is None
    as_key = await gql(NODE, {"id": case["id"]}, **await _key(ApiScope.READ_TICKETS))
    assert as_key["data"]["node"]["number"] == case["number"]
    other_key = await gql(NODE, {"id": case["id"]}, **await _key(ApiScope.READ_ORDERS))
    assert other_key["data"]["node"] is None

    reply = await gql(REPLY, {"id": case["id"], "body": "Mine now?"}, **auth_headers(stranger))
    assert [e["code"] for e in reply["data"]["caseReply"]["errors"]] == ["CASE_NOT_FOUND"]
    mine = await gql(MINE, **auth_headers(stranger))
    assert mine["data"]["myCases"]["totalCount"] == 0
    forbidden = await gql(APPROVE, {"id": case["id"]}, **auth_headers(owner))
    assert forbidden["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    queue = await gql(QUEUE, **auth_headers(owner))
    assert queue["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_bad_input_is_typed_errors_not_500(gql: Any) -> None:
    user = await create_user()
    me = auth_headers(user)
    body = await gql(
        OPEN,
        {"input": {"kind": "COMPLAINT", "reason": "OTHER", "reasonNote": "x" * 501}},
        **me,
    )
    assert [e["code"] for e in body["data"]["caseOpen"]["errors"]] == ["TOO_LONG"]
    body = await gql(
        OPEN,
        {
            "input": {
                "kind": "INQUIRY",
                "reason": "OTHER",
                "reasonNote": "?",
                "photoUrls": ["ftp://x"],
            }
        },
        **me,
    )
    assert [e["code"] for e in body["data"]["caseOpen"]["errors"]] == ["URL_INVALID"]
    body = await gql(OPEN, {"input": {"kind": "RETURN", "reason": "UNWANTED"}}, **me)
    assert [e["field"] for e in body["data"]["caseOpen"]["errors"]] == ["orderId"]
    body = await gql(
        OPEN,
        {"input": {"kind": "RETURN", "reason": "UNWANTED", "orderId": _gid("Order", 2**40)}},
        **me,
    )
    assert [e["code"] for e in body["data"]["caseOpen"]["errors"]] == ["ORDER_NOT_FOUND"]
    body = await gql(RATE, {"id": _gid("Case", 99_999_999), "r": 9}, **me)
    assert [e["code"] for e in body["data"]["caseRate"]["errors"]] == ["CASE_NOT_FOUND"]


async def test_the_queue_costs_the_same_queries_for_2_and_8_cases(
    gql: Any, count_queries: Any
) -> None:
    agent = await _agent()
    counts = []
    for batch in (2, 6):
        for _ in range(batch):
            owner = await create_user()
            case, _ = await _return_case(gql, user=owner)  # type: ignore[arg-type]
            await gql(NOTE, {"id": case["id"], "body": "Checking", "internal": True}, **agent)
        with count_queries() as counter:
            body = await gql(QUEUE, {"filter": {"kind": "RETURN", "status": "REQUESTED"}}, **agent)
        assert "errors" not in body, body
        own = [
            q
            for q in counter.statements
            if not any(t in q for t in ('"webhook_endpoint"', "webhook_delivery", "domain_event"))
        ]
        counts.append((body["data"]["cases"]["totalCount"], len(own)))
    (small, small_queries), (large, large_queries) = counts
    assert large - small == 6
    assert small_queries == large_queries
    # user, page, count, lines, order lines, timeline, messages
    assert large_queries <= 8, "\n".join(q[:90] for q in own)
