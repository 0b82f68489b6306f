"""The address book service: one default, promotion on delete, validation, concurrency."""

from __future__ import annotations

import asyncio

import pytest

from models.accounts import Address
from services.accounts import addresses
from services.errors import DomainError, DomainErrors
from tests.conftest import using_postgres
from tests.factories import create_address, create_user

pytestmark = pytest.mark.usefixtures("database")


async def _defaults(user_id: int) -> list[str]:
    return [a.line1 for a in await Address.filter(user_id=user_id, is_default=True)]


async def test_deleting_the_default_promotes_the_oldest_remaining() -> None:
    user = await create_user()
    first = await create_address(user, line1="First")
    await create_address(user, line1="Second")
    await create_address(user, line1="Third")

    await addresses.delete_address(user_id=user.id, address_id=first.id)

    assert await _defaults(user.id) == ["Second"]


async def test_deleting_the_last_address_leaves_an_empty_book() -> None:
    user = await create_user()
    only = await create_address(user)

    await addresses.delete_address(user_id=user.id, address_id=only.id)

    assert not await Address.filter(user_id=user.id).exists()


async def test_set_default_moves_the_flag() -> None:
    user = await create_user()
    await create_address(user, line1="A")
    second = await create_address(user, line1="B")

    await addresses.set_default_address(user_id=user.id, address_id=second.id)
    await addresses.set_default_address(user_id=user.id, address_id=second.id)

    assert await _defaults(user.id) == ["B"]


async def test_address_book_is_bounded() -> None:
    user = await create_user()
    for n in range(addresses.MAX_ADDRESSES):
        await create_address(user, line1=f"Street {n}")

    with pytest.raises(DomainError) as caught:
        await create_address(user)

    assert caught.value.code == "LIMIT_REACHED"


def test_country_codes_are_iso_3166_alpha_2() -> None:
    assert len(addresses.COUNTRIES) == 249
    assert {"DE", "FR", "US", "GB", "CN", "JP"} <= addresses.COUNTRIES
    assert "UK" not in addresses.COUNTRIES and "EU" not in addresses.COUNTRIES


def test_validation_collects_every_problem() -> None:
    with pytest.raises(DomainErrors) as caught:
        addresses.clean_address(
            {
                "full_name": "",
                "line1": "",
                "city": "x" * 121,
                "postal_code": "1",
                "country": "de ",
                "phone": "??",
            }
        )

    found = [(e.field, e.code) for e in caught.value.errors]
    assert found == [
        ("full_name", "ADDRESS_INCOMPLETE"),
        ("line1", "ADDRESS_INCOMPLETE"),
        ("city", "INVALID_VALUE"),
        ("phone", "INVALID_VALUE"),
    ]


async def test_concurrent_first_addresses_make_one_default() -> None:
    if not using_postgres():
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... to run")
    user = await create_user()

    await asyncio.gather(*(create_address(user, line1=f"Race {n}") for n in range(6)))

    assert await Address.filter(user_id=user.id).count() == 6
    assert len(await _defaults(user.id)) == 1
