"""Staff figures for a period: first reply, resolution, breach rate and satisfaction per
kind and reason, from stored cases; readable by MANAGE_TICKETS staff and READ_TICKETS keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from models.accounts import ApiScope, Permission
from models.aftersales import Case, CaseKind, CaseReason
from services.accounts import api_keys
from services.aftersales import figures
from services.flows import case_opening
from tests.factories import auth_headers, create_user

pytestmark = pytest.mark.usefixtures("database")
# A period of its own, far from other tests' cases.
START = datetime(2031, 3, 2, 9, tzinfo=UTC)

FIGURES = """
query F($s: DateTime!, $u: DateTime!) {
  caseFigures(since: $s, until: $u) {
    total { cases breached breachRate ratingMean firstReplyHoursMean }
    byKindAndReason { kind reason cases firstReplied firstReplyHoursMean
      firstReplyHoursMedian resolved resolutionHoursMean breached breachRate rated ratingMean
      satisfiedShare }
  }
}
"""


async def _case(start: datetime, kind: CaseKind, reason: CaseReason, **stored: Any) -> Case:
    user = await create_user()
    case = await case_opening.open_case(
        customer_id=user.id, kind=kind, reason=reason, reason_note="n"
    )
    created = start + stored.pop("after", timedelta(0))
    values = {"created_at": created}
    for name in ("first_responded_at", "solved_at", "breached_at"):
        if name in stored:
            values[name] = created + stored.pop(name)
    await Case.filter(id=case.id).update(**values, **stored)
    return case


async def _period(start: datetime) -> None:
    h = timedelta(hours=1)
    await _case(start, CaseKind.COMPLAINT, CaseReason.LATE_DELIVERY, first_responded_at=2 * h,
                solved_at=10 * h, rating=5)  # fmt: skip
    await _case(start, CaseKind.COMPLAINT, CaseReason.LATE_DELIVERY, first_responded_at=4 * h,
                solved_at=30 * h, breached_at=20 * h, rating=2)  # fmt: skip
    await _case(
        start, CaseKind.COMPLAINT, CaseReason.LATE_DELIVERY, after=h, first_responded_at=9 * h
    )
    await _case(start, CaseKind.INQUIRY, CaseReason.OTHER, after=2 * h)
    # Outside the period: not counted.
    await _case(start, CaseKind.INQUIRY, CaseReason.OTHER, after=timedelta(days=8), rating=1)


async def test_figures_per_kind_and_reason() -> None:
    await _period(START)
    total, groups = await figures.figures(since=START, until=START + timedelta(days=7))
    assert (total.cases, total.breached, total.breach_rate) == (4, 1, 0.25)
    late, other = groups
    assert (late.kind, late.reason, late.cases) == (
        CaseKind.COMPLAINT,
        CaseReason.LATE_DELIVERY,
        3,
    )
    assert (late.first_replied, late.first_reply_hours_mean, late.first_reply_hours_median) == (
        3,
        5.0,
        4.0,
    )
    assert (late.resolved, late.resolution_hours_mean) == (2, 20.0)
    assert (late.breached, late.breach_rate) == (1, 0.3333)
    assert (late.rated, late.rating_mean, late.satisfied_share) == (2, 3.5, 0.5)
    assert (other.kind, other.cases, other.first_reply_hours_mean, other.rating_mean) == (
        CaseKind.INQUIRY,
        1,
        None,
        None,
    )


async def test_staff_and_desks_read_figures_customers_do_not(gql: Any) -> None:
    start = START + timedelta(days=30)
    await _period(start)
    variables = {"s": start.isoformat(), "u": (start + timedelta(days=7)).isoformat()}
    staff = await create_user(permissions=[Permission.MANAGE_TICKETS])
    answer = await gql(FIGURES, variables, **auth_headers(staff))
    report = answer["data"]["caseFigures"]
    assert report["total"]["cases"] == 4 and report["total"]["ratingMean"] == 3.5
    assert [(g["kind"], g["reason"]) for g in report["byKindAndReason"]] == [
        ("COMPLAINT", "LATE_DELIVERY"),
        ("INQUIRY", "OTHER"),
    ]
    _, desk = await api_keys.create_api_key(
        name="desk", scopes=[ApiScope.READ_TICKETS], created_by_id=None
    )
    by_key = await gql(FIGURES, variables, **{"X-Api-Key": desk})
    assert by_key["data"]["caseFigures"]["total"]["cases"] == 4
    customer = await create_user()
    refused = await gql(FIGURES, variables, **auth_headers(customer))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    backwards = {"s": variables["u"], "u": variables["s"]}
    bad = await gql(FIGURES, backwards, **auth_headers(staff))
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    too_long = {"s": variables["s"], "u": (start + timedelta(days=400)).isoformat()}
    assert (await gql(FIGURES, too_long, **auth_headers(staff)))["errors"][0]["extensions"][
        "code"
    ] == "BAD_USER_INPUT"
