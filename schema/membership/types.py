"""Membership types: a member's tier, progress, balances, expiring points and ledger
(`me.membership`), the public ladder and earning rules, and staff operations."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import ClassVar, Self

import strawberry
from strawberry import relay

from models import membership as m
from resolvers.context import Info
from resolvers.membership import queries as resolve
from resolvers.membership.loaders import EXPIRING_SHOWN
from schema.connections import CountedConnection
from schema.nodes import LoadedNode
from services.membership.errors import MembershipErrorCode as MembershipErrorCodeSpec

MembershipErrorCode = strawberry.enum(
    MembershipErrorCodeSpec,
    name="MembershipErrorCode",
    description="Why a membership operation failed. INSUFFICIENT_POINTS: the member has fewer "
    "available points; REASON_REQUIRED: staff changes need a reason; RULE_INVALID / "
    "TIER_INVALID: `field` names the input at fault.",
)
PointsEntryKind = strawberry.enum(
    m.EntryKind,
    name="PointsEntryKind",
    description="EARN, SPEND, RESTORE (spent points back after a refund), REVERSE (earned "
    "points taken back after a refund), EXPIRE, ADJUST (staff), SHORTFALL (points a refund "
    "could not take back because they were spent: owed, or withheld from the refund).",
)
EarningRuleKind = strawberry.enum(
    m.RuleKind,
    name="EarningRuleKind",
    description="PURCHASE earns `pointsPerUnit` per currency unit of goods paid (not "
    "shipping, coupons or points); the others earn `points` once per occasion.",
)


TierBasis = strawberry.enum(
    m.TierBasis,
    name="TierBasis",
    description="What the tier ladder measures over its window: SPEND (goods paid, less "
    "refunds) or POINTS (points earning rules gave, less those reversed; staff adjustments "
    "and expiry do not count).",
)


@strawberry.type(description="A failed membership operation: which input field and why.")
class MembershipError:
    field: str | None = strawberry.field(description="The input field at fault, or null.")
    message: str = strawberry.field(description="A sentence to show the user.")
    code: MembershipErrorCode  # type: ignore[valid-type]


@strawberry.type(name="MembershipTier", description="A rung of the ladder, with its perks.")
class TierType:
    code: str
    name: str
    rank: int = strawberry.field(description="Higher is better.")
    threshold: Decimal = strawberry.field(
        description="Qualifying spend (goods paid, less refunds) over the program's window: "
        "the entry threshold when the program's `tierBasis` is SPEND."
    )
    threshold_points: int = strawberry.field(
        description="Qualifying points over the program's window: the entry threshold when "
        "the program's `tierBasis` is POINTS."
    )
    discount_percent: Decimal = strawberry.field(description="Off eligible products.")
    free_delivery_from: Decimal | None = strawberry.field(
        description="Goods total from which delivery is free; null: no such perk."
    )
    points_multiplier: Decimal = strawberry.field(description="Applied to points earned.")
    early_flash_hours: int = strawberry.field(
        description="How long before a flash price starts the member gets it."
    )
    birthday_coupon_percent: Decimal
    aftersales_priority: int = strawberry.field(
        description="Case priority in after-sales (0 normal; higher is served first)."
    )

    @classmethod
    def from_model(cls, row: m.Tier) -> Self:
        return cls(
            code=row.code,
            name=row.name,
            rank=row.rank,
            threshold=Decimal(row.threshold),
            threshold_points=row.threshold_points,
            discount_percent=Decimal(row.discount_percent),
            free_delivery_from=(
                Decimal(row.free_delivery_from) if row.free_delivery_from is not None else None
            ),
            points_multiplier=Decimal(row.points_multiplier),
            early_flash_hours=row.early_flash_hours,
            birthday_coupon_percent=Decimal(row.birthday_coupon_percent),
            aftersales_priority=row.aftersales_priority,
        )


@strawberry.type(name="TierMultiplier")
class TierMultiplierType:
    tier_code: str
    multiplier: Decimal


@strawberry.type(name="EarningRule", description="How points are earned, and from when.")
class EarningRuleType:
    id: strawberry.ID
    kind: EarningRuleKind  # type: ignore[valid-type]
    name: str
    points_per_unit: Decimal
    points: int
    tier_multipliers: list[TierMultiplierType] = strawberry.field(
        description="Per tier, a multiplier replacing the tier's own points multiplier."
    )
    starts_at: datetime
    ends_at: datetime | None

    @classmethod
    def from_model(cls, row: m.EarningRule) -> Self:
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=m.RuleKind(row.kind),
            name=row.name,
            points_per_unit=Decimal(row.points_per_unit),
            points=row.points,
            tier_multipliers=[
                TierMultiplierType(tier_code=k, multiplier=Decimal(v))
                for k, v in sorted((row.tier_multipliers or {}).items())
            ],
            starts_at=row.starts_at,
            ends_at=row.ends_at,
        )


@strawberry.type(name="PointsEntry", description="One line of a member's points ledger.")
class PointsEntryType(LoadedNode):
    loader_group: ClassVar[str] = "membership"
    loader: ClassVar[str] = "entry_by_id"
    id: relay.NodeID[int]
    kind: PointsEntryKind  # type: ignore[valid-type]
    points: int = strawberry.field(description="Signed: positive adds, negative takes.")
    reason: str
    reference: str = strawberry.field(description='What caused it, e.g. "order:12".')
    created_at: datetime
    owner_id: strawberry.Private[int]

    @classmethod
    def visible(cls, info: Info, row: m.PointsEntry) -> bool:
        return resolve.can_see(info, row.user_id)

    @classmethod
    def from_model(cls, row: m.PointsEntry) -> Self:
        return cls(
            id=row.id,
            kind=m.EntryKind(row.kind),
            points=row.points,
            reason=row.reason,
            reference=row.reference,
            created_at=row.created_at,
            owner_id=row.user_id,
        )


@strawberry.type(description="Ledger entries, newest first.")
class PointsEntryConnection(CountedConnection[PointsEntryType]):
    pass


@strawberry.type(description="Points that expire together.")
class ExpiringPoints:
    points: int
    expires_at: datetime


@strawberry.type(description="A member's points.")
class PointsBalances:
    available: int = strawberry.field(description="Spendable now.")
    pending: int = strawberry.field(
        description="Earned by purchases still inside the return window; not spendable yet."
    )
    owed: int = strawberry.field(description="Points a refund could not take back.")
    spendable: int = strawberry.field(description="available - owed, never below 0.")


@strawberry.type(description="A member's tier, progress, points and ledger.")
class Membership:
    user_id: strawberry.Private[int]

    @strawberry.field(description="The current tier; null before the first one is reached.")
    async def tier(self, info: Info) -> TierType | None:
        loaders = info.context.loaders.membership
        account = await loaders.account_by_user_id.load(self.user_id)
        if account is None or account.tier_id is None:
            return None
        found = next((t for t in await loaders.ladder() if t.id == account.tier_id), None)
        return TierType.from_model(found) if found is not None else None

    @strawberry.field(description="When the tier is next reviewed (downgrades wait for it).")
    async def tier_review_at(self, info: Info) -> datetime | None:
        account = await info.context.loaders.membership.account_by_user_id.load(self.user_id)
        return account.tier_review_at if account else None

    @strawberry.field(description="Goods paid less refunds within the program's window.")
    async def qualifying_spend(self, info: Info) -> Decimal:
        return await info.context.loaders.membership.spend_by_user_id.load(self.user_id)

    @strawberry.field(
        description="Points earning rules gave within the program's window, less those "
        "reversed (what a POINTS ladder measures)."
    )
    async def qualifying_points(self, info: Info) -> int:
        return await info.context.loaders.membership.points_by_user_id.load(self.user_id)

    @strawberry.field(description="The next tier up and the spend or points it still needs.")
    async def next_tier(self, info: Info) -> TierProgress | None:
        loaders = info.context.loaders.membership
        account = await loaders.account_by_user_id.load(self.user_id)
        ladder = await loaders.ladder()
        rank = next((t.rank for t in ladder if account and t.id == account.tier_id), -1)
        upcoming = next((t for t in ladder if t.rank > rank), None)
        if upcoming is None:
            return None
        basis = m.TierBasis((await loaders.terms()).tier_basis)
        if basis == m.TierBasis.POINTS:
            points = await loaders.points_by_user_id.load(self.user_id)
            return TierProgress(
                tier=TierType.from_model(upcoming),
                basis=basis,
                spend_needed=None,
                points_needed=max(upcoming.threshold_points - points, 0),
            )
        spend = await loaders.spend_by_user_id.load(self.user_id)
        needed = max(Decimal(upcoming.threshold) - spend, Decimal(0)).quantize(Decimal("0.01"))
        return TierProgress(
            tier=TierType.from_model(upcoming), basis=basis, spend_needed=needed, points_needed=None
        )

    @strawberry.field(description="Available, pending and owed points.")
    async def balances(self, info: Info) -> PointsBalances:
        standing = await info.context.loaders.membership.standing_by_user_id.load(self.user_id)
        account = await info.context.loaders.membership.account_by_user_id.load(self.user_id)
        owed = account.debt if account else 0
        return PointsBalances(
            available=standing.available,
            pending=standing.pending,
            owed=owed,
            spendable=max(standing.available - owed, 0),
        )

    @strawberry.field(description=f"The soonest-expiring points (at most {EXPIRING_SHOWN}).")
    async def expiring(self, info: Info) -> list[ExpiringPoints]:
        standing = await info.context.loaders.membership.standing_by_user_id.load(self.user_id)
        return [ExpiringPoints(points=p, expires_at=at) for p, at in standing.expiring]

    @strawberry.field(description='The member\'s birthday as "MM-DD" (no year), or null.')
    async def birthday(self, info: Info) -> str | None:
        account = await info.context.loaders.membership.account_by_user_id.load(self.user_id)
        if account is None or account.birth_month is None or account.birth_day is None:
            return None
        return f"{account.birth_month:02d}-{account.birth_day:02d}"

    @strawberry.field(description="Birthday rewards of the last 13 months, newest first.")
    async def birthday_rewards(self, info: Info) -> list[BirthdayRewardType]:
        loaders = info.context.loaders.membership
        rows = await loaders.birthday_rewards_by_user_id.load(self.user_id)
        return [BirthdayRewardType.from_model(row) for row in rows]

    @strawberry.field(
        description="Your code to share with friends (null for anyone else reading this)."
    )
    async def referral_code(self, info: Info) -> str | None:
        return await resolve.referral_code(info, user_id=self.user_id)

    @strawberry.field(description="The ledger, newest first.")
    async def ledger(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> PointsEntryConnection | None:
        page = await resolve.ledger_page(info, user_id=self.user_id, first=first, after=after)
        if page is None:
            return None
        return PointsEntryConnection.from_page(page, PointsEntryType.from_model)


@strawberry.type(
    name="BirthdayReward", description="A birthday the program rewarded: the member's or a child's."
)
class BirthdayRewardType:
    year: int
    person: str = strawberry.field(description='"member", or the child profile\'s name.')
    points: int
    coupon_code: str | None = strawberry.field(
        description="A single-use birthday coupon (tiers with the perk), or null."
    )
    coupon_percent: Decimal | None
    coupon_ends_at: datetime | None

    @classmethod
    def from_model(cls, row: m.BirthdayReward) -> Self:
        return cls(
            year=row.year,
            person="member" if row.person == "member" else row.name,
            points=row.points,
            coupon_code=row.coupon_code,
            coupon_percent=Decimal(row.coupon_percent) if row.coupon_percent is not None else None,
            coupon_ends_at=row.coupon_ends_at,
        )


@strawberry.type(description="A tier still to reach.")
class TierProgress:
    tier: TierType
    basis: TierBasis  # type: ignore[valid-type]
    spend_needed: Decimal | None = strawberry.field(
        description="Spend still needed (SPEND basis); null on a POINTS ladder."
    )
    points_needed: int | None = strawberry.field(
        description="Qualifying points still needed (POINTS basis); null on a SPEND ladder."
    )


def membership_of(info: Info, user_id: int) -> Membership | None:
    """The member's membership for its owner and membership staff; null for others."""
    return Membership(user_id=user_id) if resolve.can_see(info, user_id) else None
