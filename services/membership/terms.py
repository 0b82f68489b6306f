"""Staff changes of the program's terms: what a point is worth, the minimum to redeem, the
largest share of an order points may pay, the pending days (the return window purchase
points wait out), expiry and its notice, the shortfall policy, the tier window, what the
tiers are measured on (spend or points) and the downgrade grace. Each change is checked,
saved under the program row's lock and audited with its reason, before and after.

Terms apply from the change on: lots already earned keep their availability and expiry
dates (a rule change never changes points already earned).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from models.membership import MembershipProgram, ShortfallPolicy, TierBasis, TierWindow
from services.membership import audit, rules
from services.membership.errors import MembershipErrorCode, error
from services.transactions import transaction

C = MembershipErrorCode
CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_CURRENCIES = 20


@dataclass(frozen=True)
class TermsChange:
    """The terms to change; None leaves one as it is."""

    point_values: dict[str, Decimal] | None = None
    min_redeem: int | None = None
    max_share: Decimal | None = None
    pending_days: int | None = None
    expiry_days: int | None = None
    expiring_notice_days: int | None = None
    shortfall_policy: ShortfallPolicy | None = None
    tier_window: TierWindow | None = None
    tier_basis: TierBasis | None = None
    downgrade_grace_days: int | None = None


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise error(C.TERMS_INVALID, "Give a number.", field=field) from None
    if not number.is_finite():
        raise error(C.TERMS_INVALID, "Give a number.", field=field)
    return number


def _range(value: int | None, low: int, high: int, field: str, what: str) -> None:
    if value is not None and not low <= value <= high:
        raise error(C.TERMS_INVALID, f"{what}: {low:,} to {high:,}.", field=field)


def check(change: TermsChange, current: MembershipProgram) -> dict[str, Any]:
    """The changed columns and their new values; TERMS_INVALID names the field at fault."""
    values: dict[str, Any] = {}
    if change.point_values is not None:
        if not change.point_values or len(change.point_values) > MAX_CURRENCIES:
            raise error(
                C.TERMS_INVALID,
                f"Give a value per point for 1 to {MAX_CURRENCIES} currencies.",
                field="pointValues",
            )
        cleaned: dict[str, str] = {}
        for currency, raw in change.point_values.items():
            if not CURRENCY.match(currency):
                raise error(
                    C.TERMS_INVALID, "Currencies are ISO codes, e.g. EUR.", field="pointValues"
                )
            value = _decimal(raw, "pointValues")
            if not Decimal("0.0001") <= value <= 100 or value != round(value, 4):
                raise error(
                    C.TERMS_INVALID,
                    f"A point in {currency} is worth 0.0001 to 100, at most 4 decimals.",
                    field="pointValues",
                )
            cleaned[currency] = f"{value.normalize():f}"
        values["point_values"] = cleaned
    if change.max_share is not None:
        share = _decimal(change.max_share, "maxShare")
        if not Decimal(0) < share <= 1 or share != round(share, 3):
            raise error(
                C.TERMS_INVALID,
                "The share is above 0 and at most 1 (3 decimals).",
                field="maxShare",
            )
        values["max_share"] = share
    _range(change.min_redeem, 1, 1_000_000, "minRedeem", "Minimum to redeem")
    _range(change.pending_days, 0, 365, "pendingDays", "Pending days")
    _range(change.expiry_days, 1, 3650, "expiryDays", "Expiry days")
    _range(change.expiring_notice_days, 0, 365, "expiringNoticeDays", "Notice days")
    _range(change.downgrade_grace_days, 0, 365, "downgradeGraceDays", "Grace days")
    for name in (
        "min_redeem",
        "pending_days",
        "expiry_days",
        "expiring_notice_days",
        "shortfall_policy",
        "tier_window",
        "tier_basis",
        "downgrade_grace_days",
    ):
        value = getattr(change, name)
        if value is not None:
            values[name] = value
    expiry = values.get("expiry_days", current.expiry_days)
    notice = values.get("expiring_notice_days", current.expiring_notice_days)
    if notice >= expiry:
        raise error(
            C.TERMS_INVALID,
            "The expiry notice must come before points expire.",
            field="expiringNoticeDays",
        )
    pending = values.get("pending_days", current.pending_days)
    if pending >= expiry:
        raise error(
            C.TERMS_INVALID,
            "Points must become available before they expire.",
            field="pendingDays",
        )
    return values


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return getattr(value, "value", value)


async def update(*, change: TermsChange, staff_id: int | None, reason: str) -> MembershipProgram:
    """Change the terms; the audit row says who, why, and each changed term before and after."""
    reason = audit.clean_reason(reason)
    await rules.program()  # the row exists before it is locked
    async with transaction():
        current = await MembershipProgram.select_for_update().get(id=1)
        values = check(change, current)
        changes = {
            name: {"from": _plain(getattr(current, name)), "to": _plain(value)}
            for name, value in values.items()
            if _plain(getattr(current, name)) != _plain(value)
        }
        if changes:
            for name, value in values.items():
                setattr(current, name, value)
            await current.save(update_fields=[*values, "updated_at"])
        await audit.record(
            staff_id=staff_id, action="terms.update", subject="program", reason=reason,
            changes=changes,
        )  # fmt: skip
    return await MembershipProgram.get(id=1)


TERM_NAMES = tuple(f.name for f in fields(TermsChange))
