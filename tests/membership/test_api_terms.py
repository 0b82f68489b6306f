"""The program's terms over GraphQL: public to read, changed by MANAGE_MEMBERSHIP staff with a
reason, checked (typed errors), audited with before and after, and honoured from then on;
rules and tiers audited too; a customer's own birthday."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from models.accounts import Permission
from models.membership import MemberAccount, MembershipAudit, PointsLot, ShortfallPolicy
from services import clock
from services.events.ids import global_id
from services.membership import PaidLine, admin, quote, tiers
from tests.factories import auth_headers, create_user
from tests.membership.conftest import earn

pytestmark = pytest.mark.usefixtures("app")

PROGRAM = """
{ membershipProgram { pointValues { currency value } minRedeem maxShare pendingDays
  expiryDays expiringNoticeDays shortfallPolicy tierWindow tierBasis downgradeGraceDays } }
"""
UPDATE = """
mutation Terms($input: MembershipProgramInput!) {
  membershipUpdateProgram(input: $input) {
    program { pointValues { currency value } minRedeem maxShare pendingDays shortfallPolicy }
    errors { field code message }
  }
}
"""
BIRTHDAY = """
mutation Birthday($month: Int!, $day: Int!) {
  membershipSetBirthday(month: $month, day: $day) {
    membership { birthday birthdayRewards { year points couponCode } }
    errors { field code }
  }
}
"""
SAVE_TIER = """
mutation Tier($input: TierInput!) {
  membershipSaveTier(input: $input) { tier { code discountPercent } errors { field code } }
}
"""


async def _staff() -> tuple[int, dict[str, str]]:
    user = await create_user(permissions=[Permission.MANAGE_MEMBERSHIP])
    return user.id, auth_headers(user)


async def test_anyone_reads_the_terms(gql: Any, terms) -> None:
    await terms(min_redeem=250, point_values={"EUR": "0.01"})
    found = (await gql(PROGRAM))["data"]["membershipProgram"]
    assert found["minRedeem"] == 250
    assert found["pointValues"] == [{"currency": "EUR", "value": "0.01"}]
    assert found["shortfallPolicy"] in ("NEGATIVE_BALANCE", "REDUCE_REFUND")


async def test_staff_change_the_terms_with_a_reason_audited_and_honoured(gql: Any, terms) -> None:
    await terms(min_redeem=100, max_share=Decimal("0.5"), pending_days=14)
    staff_id, staff = await _staff()
    change = {
        "pointValues": [
            {"currency": "EUR", "value": "0.02"}, {"currency": "gbp", "value": "0.015"}
        ],
        "minRedeem": 50, "maxShare": "0.25", "pendingDays": 30,
        "shortfallPolicy": "REDUCE_REFUND", "reason": "Spring program review",
    }  # fmt: skip

    # Customers and anonymous callers cannot
    denied = await gql(UPDATE, {"input": change}, **auth_headers(await create_user()))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    done = (await gql(UPDATE, {"input": change}, **staff))["data"]["membershipUpdateProgram"]
    assert done["errors"] == []
    assert done["program"] == {
        "pointValues": [
            {"currency": "EUR", "value": "0.02"}, {"currency": "GBP", "value": "0.015"}
        ],
        "minRedeem": 50, "maxShare": "0.250", "pendingDays": 30, "shortfallPolicy": "REDUCE_REFUND",
    }  # fmt: skip

    # Audited: who, why, each term before and after
    row = await MembershipAudit.filter(action="terms.update").order_by("-id").first()
    assert row is not None and (row.staff_id, row.reason) == (staff_id, "Spring program review")
    assert row.changes["min_redeem"] == {"from": 100, "to": 50}
    assert row.changes["shortfall_policy"]["to"] == "reduce_refund"

    # Honoured: 50 points now pay 1.00 (0.02 each), at most a quarter of the order
    user = await create_user()
    await admin.adjust(user_id=user.id, points=500, reason="test", key=f"t{user.id}")
    priced = await quote(user_id=user.id, points=500, amount_due=Decimal("20.00"), currency="EUR")
    assert (priced.points, priced.amount) == (250, Decimal("5.00"))


async def test_terms_already_earned_keep_their_dates(gql: Any, rule, terms) -> None:
    await terms(pending_days=14)
    await rule(points_per_unit=Decimal(1))
    _, staff = await _staff()
    user = await create_user()
    await earn(user.id, PaidLine(1, 1, Decimal("10.00")))
    before = await PointsLot.get(user_id=user.id)

    changed = await gql(UPDATE, {"input": {"pendingDays": 0, "reason": "shorter window"}}, **staff)

    assert changed["data"]["membershipUpdateProgram"]["errors"] == []
    assert (await PointsLot.get(id=before.id)).available_at == before.available_at
    assert before.available_at > clock.now() + timedelta(days=13)


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"minRedeem": 0}, "minRedeem", "TERMS_INVALID"),
        ({"maxShare": "1.5"}, "maxShare", "TERMS_INVALID"),
        ({"maxShare": "0.12345"}, "maxShare", "TOO_PRECISE"),
        ({"pointValues": [{"currency": "EURO", "value": "0.01"}]}, "pointValues", "TERMS_INVALID"),
        ({"pointValues": [{"currency": "EUR", "value": "0"}]}, "pointValues", "TERMS_INVALID"),
        ({"pointValues": []}, "pointValues", "TERMS_INVALID"),
        ({"pendingDays": -1}, "pendingDays", "TERMS_INVALID"),
        ({"expiryDays": 20, "expiringNoticeDays": 30}, "expiringNoticeDays", "TERMS_INVALID"),
        ({"expiryDays": 10, "expiringNoticeDays": 1, "pendingDays": 14}, "pendingDays",
         "TERMS_INVALID"),
    ],
)  # fmt: skip
async def test_bad_terms_are_typed_errors_and_change_nothing(
    gql: Any, terms, change: dict[str, Any], field: str, code: str
) -> None:
    program = await terms()
    _, staff = await _staff()
    result = await gql(UPDATE, {"input": {**change, "reason": "try"}}, **staff)
    errors = result["data"]["membershipUpdateProgram"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    assert (await terms()).min_redeem == program.min_redeem


async def test_a_reason_is_required(gql: Any, terms) -> None:
    await terms(shortfall_policy=ShortfallPolicy.NEGATIVE_BALANCE)
    _, staff = await _staff()
    result = await gql(
        UPDATE, {"input": {"shortfallPolicy": "REDUCE_REFUND", "reason": "  "}}, **staff
    )
    errors = result["data"]["membershipUpdateProgram"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("reason", "REASON_REQUIRED")]
    assert (await terms()).shortfall_policy == ShortfallPolicy.NEGATIVE_BALANCE


async def test_tier_changes_are_audited_with_before_and_after(gql: Any, ladder) -> None:
    staff_id, staff = await _staff()
    saved = await gql(SAVE_TIER, {"input": {
        "code": "silver", "name": "Silver", "rank": 1, "threshold": "200",
        "discountPercent": "7", "reason": "richer silver",
    }}, **staff)  # fmt: skip
    assert saved["data"]["membershipSaveTier"]["errors"] == []
    row = await MembershipAudit.filter(subject="tier:silver").order_by("-id").first()
    assert row is not None and (row.action, row.staff_id) == ("tier.update", staff_id)
    assert row.changes["discount_percent"] == {"from": "5", "to": "7"}


async def test_a_customer_adds_their_birthday_once(gql: Any) -> None:
    user = await create_user()
    headers = auth_headers(user)
    guest = await gql(BIRTHDAY, {"month": 3, "day": 9})
    assert guest["data"]["membershipSetBirthday"]["errors"][0]["code"] == "PERMISSION_DENIED"

    set_ = (await gql(BIRTHDAY, {"month": 3, "day": 9}, **headers))["data"]
    assert set_["membershipSetBirthday"] == {
        "membership": {"birthday": "03-09", "birthdayRewards": []},
        "errors": [],
    }
    moved = (await gql(BIRTHDAY, {"month": 4, "day": 9}, **headers))["data"]
    assert moved["membershipSetBirthday"]["errors"] == [
        {"field": "month", "code": "BIRTHDAY_ALREADY_SET"}
    ]
    other = auth_headers(await create_user())
    invalid = (await gql(BIRTHDAY, {"month": 4, "day": 31}, **other))["data"]
    assert invalid["membershipSetBirthday"]["errors"][0]["code"] == "BIRTHDAY_INVALID"


AUDIT = """
{ membershipAuditTrail(first: 2) { totalCount edges { node {
  action subject staffId reason changes createdAt } } } }
"""


async def test_membership_staff_read_the_audit_trail_newest_first(gql: Any, terms) -> None:
    await terms(min_redeem=100)
    _, staff = await _staff()
    await gql(UPDATE, {"input": {"minRedeem": 120, "reason": "first"}}, **staff)
    await gql(UPDATE, {"input": {"minRedeem": 140, "reason": "second"}}, **staff)

    denied = await gql(AUDIT, **auth_headers(await create_user()))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    trail = (await gql(AUDIT, **staff))["data"]["membershipAuditTrail"]
    assert trail["totalCount"] >= 2
    newest = [edge["node"] for edge in trail["edges"]]
    assert [(n["reason"], n["changes"]["min_redeem"]["to"]) for n in newest] == [
        ("second", 140),
        ("first", 120),
    ]
    assert newest[0]["action"] == "terms.update" and newest[0]["staffId"]


CORRECT_BIRTHDAY = """
mutation Correct($input: BirthdayCorrectionInput!) {
  membershipCorrectBirthday(input: $input) { month day errors { field code } }
}
"""


async def test_staff_correct_a_birthday_with_a_reason_audited(gql: Any) -> None:
    member = await create_user()
    await gql(BIRTHDAY, {"month": 3, "day": 9}, **auth_headers(member))
    staff_id, staff = await _staff()
    given = {"userId": global_id("User", member.id), "month": 3, "day": 19, "reason": "Typo"}

    denied = await gql(CORRECT_BIRTHDAY, {"input": given}, **auth_headers(await create_user()))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    no_reason = await gql(CORRECT_BIRTHDAY, {"input": {**given, "reason": " "}}, **staff)
    assert no_reason["data"]["membershipCorrectBirthday"]["errors"] == [
        {"field": "reason", "code": "REASON_REQUIRED"}
    ]
    bad_day = await gql(CORRECT_BIRTHDAY, {"input": {**given, "day": 32}}, **staff)
    assert bad_day["data"]["membershipCorrectBirthday"]["errors"] == [
        {"field": "day", "code": "BIRTHDAY_INVALID"}
    ]
    nobody = {**given, "userId": global_id("User", 2_000_000_000)}
    missing = await gql(CORRECT_BIRTHDAY, {"input": nobody}, **staff)
    assert missing["data"]["membershipCorrectBirthday"]["errors"][0]["code"] == "MEMBER_NOT_FOUND"
    account = await MemberAccount.get(user_id=member.id)
    assert (account.birth_month, account.birth_day) == (3, 9)
    assert not await MembershipAudit.filter(action="birthday.correct").exists()

    done = (await gql(CORRECT_BIRTHDAY, {"input": given}, **staff))["data"]
    assert done["membershipCorrectBirthday"] == {"month": 3, "day": 19, "errors": []}
    await account.refresh_from_db()
    assert (account.birth_month, account.birth_day) == (3, 19)
    row = await MembershipAudit.get(action="birthday.correct", subject=f"member:{member.id}")
    assert (row.staff_id, row.reason) == (staff_id, "Typo")
    assert row.changes == {"birthday": {"from": "03-09", "to": "03-19"}}


POINTS_LADDER_ME = """
{ me { membership { tier { code } qualifyingSpend qualifyingPoints
  nextTier { tier { code thresholdPoints } basis spendNeeded pointsNeeded } } } }
"""


async def test_staff_put_the_ladder_on_points_and_members_see_points_to_go(
    gql: Any, terms, ladder, rule
) -> None:
    await terms(pending_days=0)
    await rule(points_per_unit=Decimal(3))
    _, staff = await _staff()
    for code, name, rank, points in (("silver", "Silver", 1, 300), ("gold", "Gold", 2, 900)):
        saved = await gql(SAVE_TIER, {"input": {
            "code": code, "name": name, "rank": rank, "threshold": "1000",
            "thresholdPoints": points, "reason": "points ladder",
        }}, **staff)  # fmt: skip
        assert saved["data"]["membershipSaveTier"]["errors"] == []
    bad = await gql(SAVE_TIER, {"input": {
        "code": "gold", "name": "Gold", "rank": 2, "threshold": "0", "thresholdPoints": -1,
        "reason": "oops",
    }}, **staff)  # fmt: skip
    assert bad["data"]["membershipSaveTier"]["errors"] == [
        {"field": "thresholdPoints", "code": "TIER_INVALID"}
    ]
    member = await create_user()
    await earn(member.id, PaidLine(1, 1, Decimal("120.00")))  # 360 points, 120 of spend

    # On spend (the default) 120 of 1,000 reaches nothing
    me = (await gql(POINTS_LADDER_ME, **auth_headers(member)))["data"]["me"]["membership"]
    assert me["nextTier"] == {
        "tier": {"code": "member", "thresholdPoints": 0}, "basis": "SPEND",
        "spendNeeded": "0.00", "pointsNeeded": None,
    }  # fmt: skip
    changed = await gql(
        UPDATE, {"input": {"tierBasis": "POINTS", "reason": "Tiers follow points"}}, **staff
    )
    assert changed["data"]["membershipUpdateProgram"]["errors"] == []
    assert (await gql(PROGRAM))["data"]["membershipProgram"]["tierBasis"] == "POINTS"
    row = await MembershipAudit.filter(action="terms.update").order_by("-id").first()
    assert row is not None and row.changes["tier_basis"] == {"from": "spend", "to": "points"}

    # The daily review moves the member on points: Silver (360 of 300), 540 to Gold
    await tiers.review_all()
    me = (await gql(POINTS_LADDER_ME, **auth_headers(member)))["data"]["me"]["membership"]
    assert me == {
        "tier": {"code": "silver"}, "qualifyingSpend": "120.00", "qualifyingPoints": 360,
        "nextTier": {
            "tier": {"code": "gold", "thresholdPoints": 900}, "basis": "POINTS",
            "spendNeeded": None, "pointsNeeded": 540,
        },
    }  # fmt: skip
