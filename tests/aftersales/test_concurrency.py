"""Races only PostgreSQL shows: concurrent return requests for the last returnable units,
and one exchange pressed several times at once."""

from __future__ import annotations

import asyncio
from decimal import Decimal as D

import pytest

from models.aftersales import CaseKind, CaseLine, CaseReason, InspectionResult
from models.catalog import Variant
from models.orders import Order, OrderLine, Refund
from services.aftersales import Inspection, LineRequest, staff
from services.errors import DomainError
from services.flows import case_exchange, case_opening
from services.orders.replacements import ReplacementLine
from tests.aftersales._helpers import delivered_order
from tests.conftest import using_postgres
from tests.factories import create_user, create_variant

pytestmark = [
    pytest.mark.usefixtures("database"),
    pytest.mark.skipif(
        not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
    ),
]


async def test_20_concurrent_returns_of_3_units_claim_exactly_3() -> None:
    # Given a delivered order of 3 units of one toy
    user = await create_user()
    variant = await create_variant(price="8.00", stock=10)
    order = await delivered_order(user, (variant, 3))
    line = await OrderLine.get(order_id=order.id)

    # When 20 return requests of 1 unit each arrive at once
    async def one() -> object:
        return await case_opening.open_case(
            customer_id=user.id,
            kind=CaseKind.RETURN,
            reason=CaseReason.UNWANTED,
            order_id=order.id,
            lines=[LineRequest(line.id, 1)],
        )

    outcomes = await asyncio.gather(*(one() for _ in range(20)), return_exceptions=True)

    # Then 3 cases were opened and 17 told nothing more can be returned
    refused = [o.code for o in outcomes if isinstance(o, DomainError)]
    others = [
        o for o in outcomes if isinstance(o, BaseException) and not isinstance(o, DomainError)
    ]
    assert others == []
    assert refused == ["QUANTITY_EXCEEDS_RETURNABLE"] * 17
    claimed = await CaseLine.filter(order_line_id=line.id).values_list("quantity", flat=True)
    assert sum(claimed) == 3


async def test_5_concurrent_exchanges_of_one_case_place_one_replacement_and_one_refund() -> None:
    # Given a received exchange of a 20.00 toy, to be swapped for a 12.00 one
    user = await create_user()
    returned = await create_variant(price="20.00", stock=10)
    cheaper = await create_variant(price="12.00", stock=10)
    order = await delivered_order(user, (returned, 1))
    line = await OrderLine.get(order_id=order.id)
    case = await case_opening.open_case(
        customer_id=user.id, kind=CaseKind.EXCHANGE, reason=CaseReason.SIZE_OR_AGE,
        order_id=order.id, lines=[LineRequest(line.id, 1)],
    )  # fmt: skip
    await staff.approve(case_id=case.id)
    case_line = await CaseLine.get(case_id=case.id)
    await staff.receive(
        case_id=case.id, inspections=[Inspection(case_line.id, InspectionResult.RESTOCK)]
    )

    # When staff press "exchange" five times at once
    async def one() -> object:
        return await case_exchange.exchange_case(
            case_id=case.id, staff_id=1, lines=[ReplacementLine(cheaper.id, 1)]
        )

    outcomes = await asyncio.gather(*(one() for _ in range(5)), return_exceptions=True)

    # Then one replacement is placed, 8.00 refunded once, one unit taken and one restocked
    assert [o for o in outcomes if isinstance(o, BaseException)] == []
    assert len({o.replacement_order_id for o in outcomes}) == 1  # type: ignore[attr-defined]
    assert await Order.filter(idempotency_key=f"case-{case.id}-exchange").count() == 1
    refunds = await Refund.filter(payment__order_id=order.id).values_list("amount", flat=True)
    assert [D(a) for a in refunds] == [D("8.00")]
    assert (await Order.get(id=order.id)).refunded_total == D("8.00")
    assert (await Variant.get(id=cheaper.id)).stock == 9
    assert (await Variant.get(id=returned.id)).stock == 10
