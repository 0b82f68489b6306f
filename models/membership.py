"""Membership models: the program's terms, tiers, earning rules, member accounts, point lots,
the append-only points ledger and the qualifying spend tiers are measured on."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from models.accounts import User


class EntryKind(StrEnum):
    EARN = "earn"
    SPEND = "spend"
    # Spent points given back (a cancelled or refunded order that points paid for).
    RESTORE = "restore"
    REVERSE = "reverse"
    EXPIRE = "expire"
    ADJUST = "adjust"
    # Points a reversal could not take back because they were already spent.
    SHORTFALL = "shortfall"


class RuleKind(StrEnum):
    PURCHASE = "purchase"
    SIGNUP = "signup"
    FIRST_REVIEW = "first_review"
    REVIEW_PHOTO = "review_photo"
    ACCEPTED_ANSWER = "accepted_answer"
    BIRTHDAY = "birthday"
    REFERRAL = "referral"


class TierWindow(StrEnum):
    ROLLING_12_MONTHS = "rolling_12_months"
    CALENDAR_YEAR = "calendar_year"


class TierBasis(StrEnum):
    # Goods paid, less refunds.
    SPEND = "spend"
    # Points earned by earning rules (not staff adjustments), less those reversed.
    POINTS = "points"


class ShortfallPolicy(StrEnum):
    # The member owes the points: the balance goes below zero and later earnings repay it.
    NEGATIVE_BALANCE = "negative_balance"
    # The balance stays at zero; the shortfall's money value is recorded for the refund.
    REDUCE_REFUND = "reduce_refund"


class MembershipProgram(Model):
    """The program terms (one row, id 1), set by staff."""

    id = fields.IntField(primary_key=True)
    # Money one point is worth, per currency: {"EUR": "0.01"}.
    point_values: fields.Field[dict[str, str]] = fields.JSONField(default=dict)
    min_redeem = fields.IntField(default=100)
    # The largest share of an order's amount due that points may pay, 0..1.
    max_share = fields.DecimalField(max_digits=4, decimal_places=3, default=0.5)
    pending_days = fields.IntField(default=14)
    expiry_days = fields.IntField(default=365)
    expiring_notice_days = fields.IntField(default=30)
    shortfall_policy = fields.CharEnumField(
        ShortfallPolicy, max_length=20, default=ShortfallPolicy.NEGATIVE_BALANCE
    )
    tier_window = fields.CharEnumField(
        TierWindow, max_length=20, default=TierWindow.ROLLING_12_MONTHS
    )
    # What the ladder's thresholds measure over the window (one basis for the whole ladder,
    # so members are compared on one scale).
    tier_basis = fields.CharEnumField(
        TierBasis, max_length=12, default=TierBasis.SPEND, db_default=TierBasis.SPEND
    )
    downgrade_grace_days = fields.IntField(default=30)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "membership_program"


class Tier(Model):
    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=80)
    rank = fields.IntField(unique=True)
    # Qualifying spend (goods paid, in the program's currency units) over the window.
    threshold = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    # Qualifying points over the window, for a ladder on the POINTS basis.
    threshold_points = fields.IntField(default=0, db_default=0)
    discount_percent = fields.DecimalField(max_digits=5, decimal_places=2, default=0)
    # Empty: the tier discount applies to every product; else only below these categories.
    discount_category_ids: fields.Field[list[int]] = fields.JSONField(default=list)
    free_delivery_from = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    points_multiplier = fields.DecimalField(max_digits=5, decimal_places=2, default=1)
    early_flash_hours = fields.IntField(default=0)
    birthday_coupon_percent = fields.DecimalField(max_digits=5, decimal_places=2, default=0)
    aftersales_priority = fields.IntField(default=0)
    is_active = fields.BooleanField(default=True)

    class Meta:
        table = "membership_tier"
        ordering = ["rank"]


class EarningRule(Model):
    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(RuleKind, max_length=20)
    name = fields.CharField(max_length=120)
    # PURCHASE: points per currency unit of goods paid; other kinds: `points` each time.
    points_per_unit = fields.DecimalField(max_digits=8, decimal_places=2, default=0)
    points = fields.IntField(default=0)
    # Per tier code, a multiplier that replaces the tier's own points multiplier.
    tier_multipliers: fields.Field[dict[str, str]] = fields.JSONField(default=dict)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField(null=True)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "membership_earning_rule"
        indexes = [Index(fields=("kind", "starts_at"))]


class MemberAccount(Model):
    """One member standing: its row is the lock every points change of the member takes."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "shopgraph.User", related_name="member_account", on_delete=fields.CASCADE
    )
    # Points owed after a reversal met spent points (NEGATIVE_BALANCE policy).
    debt = fields.IntField(default=0)
    tier: fields.ForeignKeyNullableRelation[Tier] = fields.ForeignKeyField(
        "shopgraph.Tier", related_name="members", null=True, on_delete=fields.SET_NULL
    )
    tier_since = fields.DatetimeField(null=True)
    # When the tier is next reviewed; a downgrade applies only after it plus the grace.
    tier_review_at = fields.DatetimeField(null=True)
    # The member's own birthday, without a year (the program needs no age): set once.
    birth_month = fields.SmallIntField(null=True)
    birth_day = fields.SmallIntField(null=True)
    # The code a member shares with friends (made on first ask).
    referral_code = fields.CharField(max_length=16, null=True, unique=True)
    updated_at = fields.DatetimeField(auto_now=True)

    user_id: int
    tier_id: int | None

    class Meta:
        table = "member_account"
        indexes = [Index(fields=("birth_month", "birth_day"))]


class PointsLot(Model):
    """Points earned together, with one expiry: `remaining` is what can still be spent."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="points_lots", on_delete=fields.CASCADE
    )
    points = fields.IntField()
    remaining = fields.IntField()
    # Points cancelled by reversals (taken back or recorded as shortfall) and by expiry.
    reversed = fields.IntField(default=0)
    expired = fields.IntField(default=0)
    rule: fields.ForeignKeyNullableRelation[EarningRule] = fields.ForeignKeyField(
        "shopgraph.EarningRule", related_name="lots", null=True, on_delete=fields.SET_NULL
    )
    multiplier = fields.DecimalField(max_digits=5, decimal_places=2, default=1)
    reference = fields.CharField(max_length=80, default="")
    order_id = fields.IntField(null=True)
    order_line_id = fields.IntField(null=True)
    quantity = fields.IntField(default=0)
    available_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    expiring_notified = fields.BooleanField(default=False)
    # When the points were earned (an order's payment, the occasion): what tier windows read.
    earned_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int
    rule_id: int | None

    class Meta:
        table = "points_lot"
        indexes = [
            Index(fields=("user_id", "expires_at")),
            Index(fields=("order_id",)),
            Index(fields=("expires_at", "remaining")),
            Index(fields=("user_id", "earned_at")),
        ]


class PointsEntry(Model):
    """One ledger line, never updated or deleted: its key makes a replay change nothing."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="points_entries", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(EntryKind, max_length=12)
    points = fields.IntField()
    idempotency_key = fields.CharField(max_length=120, unique=True)
    actor = fields.CharField(max_length=64, default="system")
    reason = fields.CharField(max_length=300, default="")
    reference = fields.CharField(max_length=80, default="")
    order_id = fields.IntField(null=True)
    # For REDUCE_REFUND shortfalls: the money the refund should withhold.
    value = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    created_at = fields.DatetimeField()

    user_id: int

    class Meta:
        table = "points_entry"
        indexes = [Index(fields=("user_id", "created_at")), Index(fields=("order_id",))]


class PointsAllocation(Model):
    """How many points one entry took from (negative) or gave to (positive) one lot."""

    id = fields.BigIntField(primary_key=True)
    entry: fields.ForeignKeyRelation[PointsEntry] = fields.ForeignKeyField(
        "shopgraph.PointsEntry", related_name="allocations", on_delete=fields.CASCADE
    )
    lot: fields.ForeignKeyRelation[PointsLot] = fields.ForeignKeyField(
        "shopgraph.PointsLot", related_name="allocations", on_delete=fields.CASCADE
    )
    points = fields.IntField()

    entry_id: int
    lot_id: int

    class Meta:
        table = "points_allocation"


class QualifyingSpend(Model):
    """Goods paid (or, negative, refunded) that count towards a tier."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="qualifying_spend", on_delete=fields.CASCADE
    )
    amount = fields.DecimalField(max_digits=12, decimal_places=2)
    key = fields.CharField(max_length=120, unique=True)
    order_id = fields.IntField(null=True)
    order_line_id = fields.IntField(null=True)
    quantity = fields.IntField(default=0)
    occurred_at = fields.DatetimeField()

    user_id: int

    class Meta:
        table = "qualifying_spend"
        indexes = [Index(fields=("user_id", "occurred_at"))]


class BirthdayReward(Model):
    """One person's birthday reward in one year (the member's own, or a child profile's):
    the row's uniqueness is what makes the daily job award it once."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="birthday_rewards", on_delete=fields.CASCADE
    )
    # "member", or "child:<profile id>".
    person = fields.CharField(max_length=32)
    name = fields.CharField(max_length=80, default="")
    year = fields.SmallIntField()
    points = fields.IntField(default=0)
    coupon_code = fields.CharField(max_length=40, null=True)
    coupon_percent = fields.DecimalField(max_digits=5, decimal_places=2, null=True)
    coupon_ends_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    user_id: int

    class Meta:
        table = "membership_birthday_reward"
        unique_together = (("user", "person", "year"),)
        ordering = ["-created_at", "-id"]


class MembershipAudit(Model):
    """A staff change of the program (terms, rules, tiers): who, why, and what changed."""

    id = fields.IntField(primary_key=True)
    staff_id = fields.IntField(null=True)
    action = fields.CharField(max_length=40)
    subject = fields.CharField(max_length=80, default="")
    reason = fields.CharField(max_length=300)
    changes: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField()

    class Meta:
        table = "membership_audit"
        indexes = [Index(fields=("created_at",))]


class FirstOccasion(Model):
    """The first time a member did something a rule rewards once ("first_review"), recorded
    whether or not a rule was in force then, so a later one is never taken for the first."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="first_occasions", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(RuleKind, max_length=20)
    reference = fields.CharField(max_length=80)
    created_at = fields.DatetimeField()

    user_id: int

    class Meta:
        table = "membership_first_occasion"
        unique_together = (("user", "kind"),)


class ReferralStatus(StrEnum):
    PENDING = "pending"
    REWARDED = "rewarded"
    # The two looked like one person (same e-mail pattern, address or payment method).
    REFUSED = "refused"


class Referral(Model):
    """A friend who signed up with a member's code: both earn when the friend's first order
    is delivered. One referrer per friend."""

    id = fields.IntField(primary_key=True)
    referrer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="referrals_made", on_delete=fields.CASCADE
    )
    friend: fields.OneToOneRelation[User] = fields.OneToOneField(
        "shopgraph.User", related_name="referred_by", on_delete=fields.CASCADE
    )
    status = fields.CharEnumField(ReferralStatus, max_length=12, default=ReferralStatus.PENDING)
    reason = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField()
    decided_at = fields.DatetimeField(null=True)

    referrer_id: int
    friend_id: int

    class Meta:
        table = "membership_referral"


class WithholdingStatus(StrEnum):
    # Points taken back, the refund not yet answered by the payment provider.
    PENDING = "pending"
    # The refund went through: the reversal stands.
    APPLIED = "applied"
    # The refund was refused: the points were put back.
    RELEASED = "released"


class PointsWithholding(Model):
    """A refund's reversal of its order's points under REDUCE_REFUND, made before the payment
    provider is asked (so no checkout spends those points meanwhile) and kept only if the
    refund goes through: what it did per lot, so a refused refund puts exactly that back."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="points_withholdings", on_delete=fields.CASCADE
    )
    order_id = fields.IntField()
    # "<order id>:<the refund request's key>" ("12:cancel-12", or its idempotency key).
    key = fields.CharField(max_length=120, unique=True)
    status = fields.CharEnumField(
        WithholdingStatus, max_length=10, default=WithholdingStatus.PENDING
    )
    extent_full = fields.BooleanField(default=False)
    extent_share = fields.DecimalField(max_digits=12, decimal_places=8, default=0)
    # [order line id, cumulative quantity returned] when the refund names its lines.
    extent_returned: fields.Field[list[list[int]] | None] = fields.JSONField(null=True)
    # [lot id, points taken from the lot, points its `reversed` rose by] per lot.
    lots: fields.Field[list[list[int]]] = fields.JSONField(default=list)
    shortfall = fields.IntField(default=0)
    owed = fields.IntField(default=0)
    value = fields.DecimalField(max_digits=12, decimal_places=2, default=0)
    created_at = fields.DatetimeField()
    settled_at = fields.DatetimeField(null=True)

    user_id: int

    class Meta:
        table = "points_withholding"
        indexes = [Index(fields=("order_id",))]
