"""Referral points: both sides earn once the friend's first order is delivered, unless the
two are likely one person (same account, e-mail pattern, address or payment token).

The caller (a flow that knows the referral, the addresses and the payment tokens) passes
both parties; nothing here reads another domain.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from models.membership import RuleKind
from services.membership.earning import Earned, earn_once
from services.membership.errors import MembershipErrorCode, error

_SPACES = re.compile(r"[\s,.\-/#]+")


def email_key(email: str) -> str:
    """One key for the addresses of one mailbox: case, "+tags" and dots in the local part
    (which many providers ignore) do not make another person."""
    local, _, domain = email.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0].replace('.', '')}@{domain}"


def address_key(line1: str, postal_code: str, country: str) -> str:
    return "|".join(
        _SPACES.sub(" ", part.strip().lower()) for part in (line1, postal_code, country)
    )


@dataclass(frozen=True)
class Party:
    user_id: int
    email: str
    addresses: frozenset[str] = frozenset()  # address_key() of each known address
    payment_tokens: frozenset[str] = frozenset()  # provider fingerprints, never raw cards

    @classmethod
    def of(
        cls, user_id: int, email: str, addresses: Iterable[str] = (), tokens: Iterable[str] = ()
    ) -> Party:
        return cls(user_id, email, frozenset(addresses), frozenset(tokens))


def check_referral(referrer: Party, friend: Party) -> None:
    """SELF_REFERRAL when the friend is likely the referrer under another account."""
    reasons = []
    if referrer.user_id == friend.user_id:
        reasons.append("the same account")
    if email_key(referrer.email) == email_key(friend.email):
        reasons.append("the same e-mail address")
    if referrer.addresses & friend.addresses:
        reasons.append("a shared address")
    if referrer.payment_tokens & friend.payment_tokens:
        reasons.append("a shared payment method")
    if reasons:
        raise error(
            MembershipErrorCode.SELF_REFERRAL,
            f"A referral needs two people; these share {', '.join(reasons)}.",
            field="referral",
        )


async def reward_referral(*, referrer: Party, friend: Party) -> tuple[Earned, Earned]:
    """Referral points for both sides (once per friend); call when the friend's first order
    is delivered."""
    check_referral(referrer, friend)
    given = await earn_once(
        user_id=referrer.user_id,
        kind=RuleKind.REFERRAL,
        reference=f"referral:{friend.user_id}",
        reason="A friend you referred received their first order",
    )
    taken = await earn_once(
        user_id=friend.user_id,
        kind=RuleKind.REFERRAL,
        reference=f"referred:{friend.user_id}",
        reason="Welcome: your first order arrived",
    )
    return given, taken
