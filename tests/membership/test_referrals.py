"""Referral points: both sides once, and no self-referral by e-mail pattern, shared address
or shared payment token."""

from __future__ import annotations

import pytest

from models.membership import RuleKind
from services.errors import DomainError
from services.membership import ledger
from services.membership.referrals import Party, address_key, check_referral, reward_referral
from tests.factories import create_user

pytestmark = pytest.mark.usefixtures("database")
HOME = address_key("Main Street 1", "10115", "DE")
CARD = ["fp_1"]


@pytest.mark.parametrize(
    ("referrer", "friend"),
    [
        (Party.of(1, "anna.berg@example.com"), Party.of(2, "AnnaBerg+kids@Example.com")),
        (Party.of(1, "anna@example.com", [HOME]), Party.of(2, "tom@example.com", [
            address_key(" main street  1", "10115", "de")
        ])),
        (Party.of(1, "anna@example.com", tokens=CARD), Party.of(2, "tom@example.com", tokens=CARD)),
        (Party.of(1, "anna@example.com"), Party.of(1, "other@example.com")),
    ],
)  # fmt: skip
def test_self_referrals_are_refused(referrer: Party, friend: Party) -> None:
    with pytest.raises(DomainError) as refused:
        check_referral(referrer, friend)
    assert refused.value.code == "SELF_REFERRAL"


def test_two_people_at_other_addresses_may_refer() -> None:
    check_referral(
        Party.of(1, "anna@example.com", [HOME], ["fp_1"]),
        Party.of(2, "anna@example.org", [address_key("Side Road 2", "10115", "DE")], ["fp_2"]),
    )


async def test_both_sides_earn_once(rule) -> None:
    await rule(RuleKind.REFERRAL, points=500)
    anna, tom = await create_user(), await create_user()
    referrer, friend = Party.of(anna.id, anna.email), Party.of(tom.id, tom.email)
    given, taken = await reward_referral(referrer=referrer, friend=friend)
    again = await reward_referral(referrer=referrer, friend=friend)
    assert (given.points, taken.points) == (500, 500)
    assert again[0].replayed and again[1].replayed
    assert (await ledger.balances(anna.id)).available == 500
    assert (await ledger.balances(tom.id)).available == 500
