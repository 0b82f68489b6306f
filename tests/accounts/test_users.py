"""The users service: sign-up races, rehashing and staff bootstrap."""

from __future__ import annotations

import asyncio

import pytest
from argon2 import PasswordHasher

from api.cli import build_parser
from models.accounts import Permission, User
from services.accounts import passwords, users
from services.errors import DomainError
from tests.conftest import using_postgres
from tests.factories import DEFAULT_PASSWORD, create_user, unique

pytestmark = pytest.mark.usefixtures("app")


async def test_concurrent_sign_ups_with_one_email_cannot_both_succeed() -> None:
    if not using_postgres():
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... to run")
    local = unique("race")
    spellings = [f"{local}@example.com", f"{local.upper()}@EXAMPLE.com"] * 3

    results = await asyncio.gather(
        *(users.register(email=email, password=DEFAULT_PASSWORD) for email in spellings),
        return_exceptions=True,
    )

    won = [r for r in results if isinstance(r, tuple)]
    lost = [r for r in results if isinstance(r, DomainError)]
    assert len(won) == 1 and len(lost) == len(spellings) - 1
    assert {error.code for error in lost} == {"EMAIL_TAKEN"}
    assert await User.filter(email=f"{local.lower()}@example.com").count() == 1


async def test_duplicate_is_caught_by_the_unique_index() -> None:
    email = f"{unique('twice')}@example.com"
    await users.register(email=email, password=DEFAULT_PASSWORD)

    with pytest.raises(DomainError) as caught:
        await users.register(email=f" {email.upper()} ", password=DEFAULT_PASSWORD)

    assert caught.value.code == "EMAIL_TAKEN" and caught.value.field == "email"


async def test_login_upgrades_an_outdated_hash() -> None:
    weak_hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    user = await create_user()
    await User.filter(id=user.id).update(password_hash=weak_hasher.hash(DEFAULT_PASSWORD))

    await users.login(email=user.email, password=DEFAULT_PASSWORD)

    await user.refresh_from_db()
    assert user.password_hash is not None
    assert not passwords.needs_rehash(user.password_hash)
    assert passwords.verify_password(user.password_hash, DEFAULT_PASSWORD)


async def test_create_staff_creates_then_promotes() -> None:
    email = f"{unique('Admin')}@Example.com"

    created, was_new = await users.create_staff(
        email=email, password="bootstrap-admin-77", permissions=list(Permission)
    )
    promoted, again = await users.create_staff(
        email=email, password=None, permissions=[Permission.MANAGE_STAFF]
    )

    assert was_new and not again
    assert created.email == email.lower() and created.is_staff
    assert set(created.permissions) == {p.value for p in Permission}
    assert promoted.id == created.id and promoted.permissions == ["MANAGE_STAFF"]
    assert promoted.has_permission(Permission.MANAGE_STAFF)
    assert not promoted.has_permission(Permission.MANAGE_ORDERS)


async def test_create_staff_needs_a_strong_password_for_a_new_user() -> None:
    with pytest.raises(DomainError) as missing:
        await users.create_staff(email=f"{unique('x')}@example.com", password=None, permissions=[])
    with pytest.raises(DomainError) as weak:
        await users.create_staff(
            email=f"{unique('x')}@example.com", password="short", permissions=[]
        )

    assert missing.value.code == "REQUIRED"
    assert weak.value.code == "WEAK_PASSWORD"


def test_cli_parses_create_staff() -> None:
    args = build_parser().parse_args(
        [
            "create-staff",
            "--email",
            "boss@example.com",
            "--permission",
            "MANAGE_STAFF",
            "--permission",
            "MANAGE_API_KEYS",
        ]
    )

    assert args.email == "boss@example.com"
    assert args.permission == ["MANAGE_STAFF", "MANAGE_API_KEYS"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(["create-staff", "--email", "x@y.z", "--permission", "GOD"])
