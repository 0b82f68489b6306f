"""Membership: tiers, the points ledger and perks. Other domains use only what is named here
(through a flow in services/flows/): quoting and spending points, earning, reversing an
order's points, and the perks of a member."""

from services.membership.earning import (
    PaidLine,
    claim_first,
    earn_for_order,
    earn_once,
    goods_paid,
    preview_for_goods,
)
from services.membership.perks import Perks, perks_for
from services.membership.reversal import (
    Extent,
    reverse_order,
    shortfall_preview,
    withheld_for_order,
)
from services.membership.spending import Quote, quote, spend_for_order
from services.membership.tiers import evaluate as evaluate_tier
from services.membership.withholding import settle_withholding, withhold_for_refund

__all__ = [
    "Extent",
    "PaidLine",
    "Perks",
    "Quote",
    "claim_first",
    "earn_for_order",
    "earn_once",
    "evaluate_tier",
    "goods_paid",
    "perks_for",
    "preview_for_goods",
    "quote",
    "reverse_order",
    "settle_withholding",
    "shortfall_preview",
    "spend_for_order",
    "withheld_for_order",
    "withhold_for_refund",
]
