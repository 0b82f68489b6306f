"""Perks the rest of the shop honours, through one interface: `perks_for(user_id)`.

Pricing applies the tier discount, free delivery and early flash access (carts and the
catalog's flash prices); earning applies the points multiplier; after-sales raises a case's
priority and SLA by `aftersales_priority`; the birthday pass issues the birthday coupon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from models.membership import MemberAccount, Tier


@dataclass(frozen=True)
class Perks:
    tier_code: str | None = None
    tier_name: str | None = None
    discount_percent: Decimal = Decimal(0)
    # Empty: the discount applies to every product; else to products below these categories.
    discount_category_ids: frozenset[int] = frozenset()
    free_delivery_from: Decimal | None = None
    points_multiplier: Decimal = Decimal(1)
    early_flash: timedelta = timedelta(0)
    birthday_coupon_percent: Decimal = Decimal(0)
    # 0 is normal; higher is served first (after-sales case priority and SLA).
    aftersales_priority: int = 0

    def discounts(self, category_ids: frozenset[int]) -> bool:
        """True if the tier discount applies to a product in (or below) these categories."""
        if self.discount_percent <= 0:
            return False
        return not self.discount_category_ids or bool(self.discount_category_ids & category_ids)


NONE = Perks()


def of_tier(tier: Tier) -> Perks:
    return Perks(
        tier_code=tier.code,
        tier_name=tier.name,
        discount_percent=Decimal(tier.discount_percent),
        discount_category_ids=frozenset(int(i) for i in tier.discount_category_ids or []),
        free_delivery_from=(
            Decimal(tier.free_delivery_from) if tier.free_delivery_from is not None else None
        ),
        points_multiplier=Decimal(tier.points_multiplier),
        early_flash=timedelta(hours=tier.early_flash_hours),
        birthday_coupon_percent=Decimal(tier.birthday_coupon_percent),
        aftersales_priority=tier.aftersales_priority,
    )


async def perks_for(user_id: int | None) -> Perks:
    """The perks of the member's current tier (none for guests and members without a tier)."""
    if user_id is None:
        return NONE
    account = await MemberAccount.get_or_none(user_id=user_id).select_related("tier")
    if account is None or account.tier is None or not account.tier.is_active:
        return NONE
    return of_tier(account.tier)
