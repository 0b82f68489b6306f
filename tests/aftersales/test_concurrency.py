"""Races only PostgreSQL shows: concurrent return requests for the last returnable units."""

from __future__ import annotations

import asyncio

import pytest

from models.aftersales import CaseKind, CaseLine, CaseReason
from models.orders import OrderLine
from services.aftersales import LineRequest
from services.errors import DomainError
from services.flows import case_opening
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
