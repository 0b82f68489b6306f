"""Outcome mutations through GraphQL: staff send the return parcel (the customer then sees
its label and tracking on the case), exchange with a replacement order, ship a repair;
customers and strangers cannot, and nobody else reaches the case's parcels."""

from __future__ import annotations

from typing import Any

from strawberry.relay import to_base64

from models.accounts import Permission
from models.aftersales import CaseKind, CaseReason, InspectionResult
from models.orders import OrderLine
from services.aftersales import Inspection, LineRequest, staff
from services.flows import case_opening, case_parcels
from tests.aftersales._helpers import delivered_order
from tests.factories import auth_headers, create_user, create_variant
from tests.logistics._helpers import carrier, number

PARCEL = """
mutation P($id: ID!, $parcel: CaseParcelInput!) {
  caseSendReturnParcel(caseId: $id, parcel: $parcel) {
    case { status returnShipment { id purpose status trackingNumber labelUrl } }
    errors { field code message }
  }
}
"""
EXCHANGE = """
mutation X($id: ID!, $lines: [CaseReplacementLineInput!]!) {
  caseExchange(caseId: $id, lines: $lines) {
    case { status exchangeDifference { amount } replacementOrderId
           replacementOrder { totals { total { amount } } status } }
    errors { field code message }
  }
}
"""
REPAIR = """
mutation R($id: ID!, $parcel: CaseParcelInput!) {
  caseShipRepair(caseId: $id, parcel: $parcel) {
    case { status outboundShipment { purpose } } errors { code }
  }
}
"""
CASE = """
query C($id: ID!) { node(id: $id) { ... on Case { status
  returnShipment { trackingNumber labelUrl purpose } } } }
"""


async def _case(kind: CaseKind, *, received: bool) -> tuple[Any, Any, str]:
    user = await create_user()
    variant = await create_variant(price="20.00", stock=5)
    order = await delivered_order(user, (variant, 1))
    line = await OrderLine.get(order_id=order.id)
    case = await case_opening.open_case(
        customer_id=user.id, kind=kind, reason=CaseReason.SIZE_OR_AGE, order_id=order.id,
        lines=[LineRequest(line.id, 1)],
    )  # fmt: skip
    await staff.approve(case_id=case.id)
    if received:
        case_line = await case.lines.all().first()
        assert case_line is not None
        await staff.receive(
            case_id=case.id, inspections=[Inspection(case_line.id, InspectionResult.RESTOCK)]
        )
    return user, case, to_base64("Case", case.id)


async def test_return_parcel_is_sent_by_staff_and_shown_to_its_customer_only(gql: Any) -> None:
    await carrier("dhl")
    owner, _, case_id = await _case(CaseKind.RETURN, received=False)
    agent = auth_headers(await create_user(permissions=[Permission.MANAGE_TICKETS]))
    tracking = number()
    parcel = {"carrier": "dhl", "trackingNumber": tracking, "labelUrl": "https://l.example/1"}
    refused = await gql(PARCEL, {"id": case_id, "parcel": parcel}, **auth_headers(owner))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = await gql(PARCEL, {"id": case_id, "parcel": {"carrier": "nope"}}, **agent)
    assert [e["code"] for e in bad["data"]["caseSendReturnParcel"]["errors"]] == [
        "CARRIER_NOT_FOUND"
    ]
    sent = await gql(PARCEL, {"id": case_id, "parcel": parcel}, **agent)
    assert sent["data"]["caseSendReturnParcel"]["errors"] == [], sent
    shown = sent["data"]["caseSendReturnParcel"]["case"]["returnShipment"]
    assert (shown["purpose"], shown["trackingNumber"], shown["status"]) == (
        "RETURN",
        tracking,
        "PENDING",
    )
    as_owner = (await gql(CASE, {"id": case_id}, **auth_headers(owner)))["data"]["node"]
    assert as_owner["returnShipment"] == {
        "trackingNumber": tracking,
        "labelUrl": "https://l.example/1",
        "purpose": "RETURN",
    }
    stranger = auth_headers(await create_user())
    assert (await gql(CASE, {"id": case_id}, **stranger))["data"]["node"] is None
    shipment_id = shown["id"]
    node = await gql(
        "query N($id: ID!) { node(id: $id) { ... on Shipment { trackingNumber } } }",
        {"id": shipment_id},
        **stranger,
    )
    assert node["data"]["node"] is None


async def test_exchange_and_repair_through_the_api(gql: Any) -> None:
    await carrier("dhl")
    agent = auth_headers(await create_user(permissions=[Permission.MANAGE_TICKETS]))
    owner, _, case_id = await _case(CaseKind.EXCHANGE, received=True)
    other = await create_variant(price="26.50", stock=2)
    lines = [{"variantId": to_base64("Variant", other.id), "quantity": 1}]
    by_owner = await gql(EXCHANGE, {"id": case_id, "lines": lines}, **auth_headers(owner))
    assert by_owner["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    done = await gql(EXCHANGE, {"id": case_id, "lines": lines}, **agent)
    payload = done["data"]["caseExchange"]
    assert payload["errors"] == [], payload
    assert payload["case"]["status"] == "EXCHANGED"
    assert payload["case"]["exchangeDifference"] == {"amount": "6.50"}
    # Support staff without order permissions see the id, not the order itself.
    assert payload["case"]["replacementOrderId"] is not None
    assert payload["case"]["replacementOrder"] is None
    mine = await gql(
        "query M($id: ID!) { node(id: $id) { ... on Case { replacementOrder { "
        "totals { total { amount } } status } } } }",
        {"id": case_id},
        **auth_headers(owner),
    )
    assert mine["data"]["node"]["replacementOrder"] == {
        "totals": {"total": {"amount": "6.50"}},
        "status": "UNPAID",
    }
    _, _, repair_id = await _case(CaseKind.REPAIR, received=True)
    repaired = await gql(REPAIR, {"id": repair_id, "parcel": {"carrier": "dhl"}}, **agent)
    assert repaired["data"]["caseShipRepair"] == {
        "case": {"status": "REPAIRED", "outboundShipment": {"purpose": "REPAIR"}},
        "errors": [],
    }


MINE = """
query { myCases(first: 50) { totalCount edges { node { number status
  sla { nextDueAt nextReplyDue businessHours } survey { open }
  returnShipment { trackingNumber labelUrl purpose } outboundShipment { id }
  replacementOrderId lines { quantity orderLine { sku } } messages { body } } } } }
"""


async def test_my_cases_with_parcels_cost_the_same_queries_for_2_and_5(
    gql: Any, count_queries: Any
) -> None:
    await carrier("dhl")
    owner = await create_user()
    counts = []
    for batch in (2, 3):
        for _ in range(batch):
            variant = await create_variant(price="9.00", stock=5)
            order = await delivered_order(owner, (variant, 1))
            line = await OrderLine.get(order_id=order.id)
            case = await case_opening.open_case(
                customer_id=owner.id, kind=CaseKind.RETURN, reason=CaseReason.UNWANTED,
                order_id=order.id, lines=[LineRequest(line.id, 1)],
            )  # fmt: skip
            await staff.approve(case_id=case.id)
            await case_parcels.send_return_parcel(
                case_id=case.id, carrier_code="dhl", tracking_number=number()
            )
        with count_queries() as counter:
            body = await gql(MINE, **auth_headers(owner))
        assert "errors" not in body, body
        own = [
            q
            for q in counter.statements
            if not any(t in q for t in ('"webhook_endpoint"', "webhook_delivery", "domain_event"))
        ]
        cases = body["data"]["myCases"]["edges"]
        assert all(c["node"]["returnShipment"]["purpose"] == "RETURN" for c in cases)
        counts.append((body["data"]["myCases"]["totalCount"], len(own)))
    (small, small_queries), (large, large_queries) = counts
    assert (small, large) == (2, 5)
    assert small_queries == large_queries, "\n".join(q[:90] for q in own)
    # user, page, count, shipments, lines, order lines, messages
    assert large_queries <= 8, "\n".join(q[:90] for q in own)
