"""Referral points: a friend signs up with a member's code (before their first purchase);
both sides earn once the friend's first order is delivered, unless the two are likely one
person (same account, e-mail pattern, address or payment token).

The caller (services/flows/referral_rewards.py, which reads addresses from accounts and
orders) passes both parties; nothing here reads another domain.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from models.membership import (
    MemberAccount,
    QualifyingSpend,
    Referral,
    ReferralStatus,
    RuleKind,
)
from services import clock
from services.errors import DomainError
from services.membership import ledger
from services.membership.earning import Earned, earn_once
from services.membership.errors import MembershipErrorCode, error
from services.transactions import transaction

C = MembershipErrorCode
# Letters and digits nobody confuses when reading a code aloud.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

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


async def referral_code(user_id: int) -> str:
    """The member's code to share (made on first ask, then the same)."""
    account = await MemberAccount.get_or_none(user_id=user_id).only("id", "referral_code")
    if account is not None and account.referral_code:
        return account.referral_code
    async with transaction(), ledger.changing(user_id) as locked:
        if not locked.referral_code:
            locked.referral_code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
            await locked.save(update_fields=["referral_code", "updated_at"])
    return str(locked.referral_code)


async def apply_code(*, friend_id: int, code: str) -> Referral:
    """The friend names who referred them: once, before their first purchase, never self."""
    cleaned = (code or "").strip().upper()
    referrer = await MemberAccount.get_or_none(referral_code=cleaned[:16]).only("user_id")
    if not cleaned or referrer is None:
        raise error(C.REFERRAL_INVALID, "There is no such referral code.", field="code")
    if referrer.user_id == friend_id:
        raise error(C.SELF_REFERRAL, "That is your own referral code.", field="code")
    if await QualifyingSpend.filter(user_id=friend_id).exists():
        raise error(C.REFERRAL_INVALID, "Referral codes are for a first purchase.", field="code")
    try:
        async with transaction():
            return await Referral.create(
                referrer_id=referrer.user_id, friend_id=friend_id, created_at=clock.now()
            )
    except IntegrityError:
        raise error(
            C.REFERRAL_INVALID, "You have already named who referred you.", field="code"
        ) from None


async def pending_referral(friend_id: int) -> Referral | None:
    return await Referral.get_or_none(friend_id=friend_id, status=ReferralStatus.PENDING)


async def decide(*, referral_id: int, referrer: Party, friend: Party) -> ReferralStatus:
    """Reward both sides, or refuse a self-referral (recorded with why); once per referral."""
    async with transaction():
        referral = await Referral.select_for_update().get(id=referral_id)
        if referral.status != ReferralStatus.PENDING:
            return ReferralStatus(referral.status)
        try:
            await reward_referral(referrer=referrer, friend=friend)
            referral.status = ReferralStatus.REWARDED
        except DomainError as refused:
            referral.status, referral.reason = ReferralStatus.REFUSED, refused.message[:200]
        referral.decided_at = clock.now()
        await referral.save(update_fields=["status", "reason", "decided_at"])
    return ReferralStatus(referral.status)
