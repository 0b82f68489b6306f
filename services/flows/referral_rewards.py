"""Referral rewards: when a referred friend's order is delivered, both sides earn the referral
rule once, unless the two look like one person: membership compares the e-mail pattern and
the addresses (accounts' address book and orders' shipping addresses of both).

A durable consumer of `order.delivered` (registered in reactions.py); the referral's status
makes a replayed or later delivery change nothing.
"""

from __future__ import annotations

from services.accounts import addresses
from services.events.ids import pk_of
from services.events.records import EventRecord
from services.membership import referrals
from services.orders import history


async def _party(user_id: int) -> referrals.Party:
    email, book = await addresses.contact_points(user_id=user_id)
    shipped = await history.shipping_addresses(user_id=user_id)
    keys = {referrals.address_key(*address) for address in [*book, *shipped]}
    # No payment-method fingerprint is stored by the payment providers we have (a token is
    # used once at checkout), so the check compares e-mails and addresses.
    return referrals.Party.of(user_id, email, keys)


async def after_order_delivered(record: EventRecord) -> None:
    friend_id = pk_of(record.payload.get("customerId"))
    if friend_id is None:
        return
    referral = await referrals.pending_referral(friend_id)
    if referral is None:
        return
    await referrals.decide(
        referral_id=referral.id,
        referrer=await _party(referral.referrer_id),
        friend=await _party(friend_id),
    )
