"""register, login, refreshToken, logout and `me` over HTTP: sessions and their error codes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from models.accounts import RefreshToken, User
from models.orders import Cart
from services import clock
from services.accounts import tokens
from tests.factories import DEFAULT_PASSWORD, auth_headers, create_user, unique

SESSION = "user { id email displayName } accessToken accessTokenExpiresAt refreshToken"
ERRORS = "errors { field code message }"
REGISTER = f"""
mutation Register($input: RegisterInput!) {{ register(input: $input) {{ {SESSION} {ERRORS} }} }}
"""
LOGIN = f"""
mutation Login($input: LoginInput!) {{ login(input: $input) {{ {SESSION} {ERRORS} }} }}
"""
REFRESH = f"""
mutation Refresh($token: String!) {{ refreshToken(refreshToken: $token) {{ {SESSION} {ERRORS} }} }}
"""
LOGOUT = f"mutation Logout($token: String!) {{ logout(refreshToken: $token) {{ ok {ERRORS} }} }}"
ME = "query { me { id email displayName marketingConsent personalizationConsent isStaff } }"

pytestmark = pytest.mark.usefixtures("app")


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    """The body without `extensions` (per-request figures such as the query cost)."""
    return {key: value for key, value in body.items() if key != "extensions"}


def _email() -> str:
    return f"{unique('reg')}@example.com"


async def _register(gql: Any, **overrides: Any) -> dict[str, Any]:
    variables = {"email": _email(), "password": DEFAULT_PASSWORD, "displayName": "Kim"}
    body = await gql(REGISTER, {"input": {**variables, **overrides}})
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["register"]
    return result


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_register_signs_in_with_a_normalised_email(gql: Any) -> None:
    local = unique("Mixed.Case")
    result = await _register(gql, email=f"  {local}@Example.COM ", marketingConsent=True)

    assert result["errors"] == []
    assert result["user"]["email"] == f"{local.lower()}@example.com"
    me = await gql(ME, **_bearer(result["accessToken"]))
    assert me["data"]["me"] == {
        "id": result["user"]["id"],
        "email": f"{local.lower()}@example.com",
        "displayName": "Kim",
        "marketingConsent": True,
        "personalizationConsent": True,
        "isStaff": False,
    }


async def test_password_is_stored_as_an_argon2id_hash(gql: Any) -> None:
    email = _email()
    await _register(gql, email=email)

    user = await User.get(email=email)
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    assert DEFAULT_PASSWORD not in user.password_hash


async def test_email_is_unique_case_insensitively(gql: Any) -> None:
    local = unique("dup")
    await _register(gql, email=f"{local.upper()}@x.com")

    again = await gql(
        REGISTER, {"input": {"email": f"{local}@X.COM", "password": DEFAULT_PASSWORD}}
    )

    result = again["data"]["register"]
    assert result["user"] is None and result["accessToken"] is None
    assert result["errors"] == [
        {
            "field": "email",
            "code": "EMAIL_TAKEN",
            "message": "An account with this email already exists.",
        }
    ]
    assert await User.filter(email=f"{local.lower()}@x.com").count() == 1


@pytest.mark.parametrize(
    ("email", "password", "field", "code"),
    [
        ("not-an-email", DEFAULT_PASSWORD, "email", "INVALID_EMAIL"),
        ("a@b", DEFAULT_PASSWORD, "email", "INVALID_EMAIL"),
        (None, "short", "password", "WEAK_PASSWORD"),
        (None, "aaaaaaaaaaaa", "password", "WEAK_PASSWORD"),
    ],
)
async def test_register_rejects_bad_input(
    gql: Any, email: str | None, password: str, field: str, code: str
) -> None:
    address = email or _email()
    body = await gql(REGISTER, {"input": {"email": address, "password": password}})

    result = body["data"]["register"]
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, code)]
    assert result["user"] is None
    assert not await User.filter(email=address.lower()).exists()


async def test_password_containing_the_email_name_is_weak(gql: Any) -> None:
    local = unique("walter")
    body = await gql(
        REGISTER, {"input": {"email": f"{local}@example.com", "password": f"{local}!2024"}}
    )
    assert body["data"]["register"]["errors"][0]["code"] == "WEAK_PASSWORD"


async def test_login_is_case_insensitive_and_records_the_time(gql: Any) -> None:
    user = await create_user()
    assert user.last_login_at is None

    body = await gql(LOGIN, {"input": {"email": user.email.upper(), "password": DEFAULT_PASSWORD}})

    result = body["data"]["login"]
    assert result["errors"] == []
    assert result["user"]["email"] == user.email
    me = await gql(ME, **_bearer(result["accessToken"]))
    assert me["data"]["me"]["email"] == user.email
    await user.refresh_from_db()
    assert user.last_login_at is not None


async def test_wrong_password_and_unknown_email_fail_alike(gql: Any) -> None:
    user = await create_user()

    wrong_password = await gql(
        LOGIN, {"input": {"email": user.email, "password": "not-the-password-1"}}
    )
    unknown_email = await gql(
        LOGIN, {"input": {"email": f"{unique('nobody')}@example.com", "password": "whatever-9"}}
    )

    first = wrong_password["data"]["login"]
    second = unknown_email["data"]["login"]
    assert first == second
    assert first["errors"] == [
        {
            "field": None,
            "code": "INVALID_CREDENTIALS",
            "message": "Email or password is not correct.",
        }
    ]
    assert first["accessToken"] is None and first["user"] is None


async def test_refresh_rotates_and_reuse_revokes_the_family(gql: Any) -> None:
    login = await _register(gql)
    first_refresh = login["refreshToken"]

    rotated = (await gql(REFRESH, {"token": first_refresh}))["data"]["refreshToken"]
    assert rotated["errors"] == []
    assert rotated["refreshToken"] != first_refresh
    assert rotated["user"]["id"] == login["user"]["id"]
    assert (await gql(ME, **_bearer(rotated["accessToken"])))["data"]["me"] is not None

    # Past the grace window for concurrent refreshes, presenting the rotated token again
    # looks like theft.
    await RefreshToken.filter(token_hash=tokens.hash_token(first_refresh)).update(
        rotated_at=clock.now() - tokens.ROTATION_GRACE - timedelta(seconds=1)
    )
    reused = (await gql(REFRESH, {"token": first_refresh}))["data"]["refreshToken"]
    assert [e["code"] for e in reused["errors"]] == ["INVALID_TOKEN"]
    assert reused["accessToken"] is None

    # ...so the whole family is revoked, including the legitimately rotated token.
    after_theft = (await gql(REFRESH, {"token": rotated["refreshToken"]}))["data"]
    assert [e["code"] for e in after_theft["refreshToken"]["errors"]] == ["INVALID_TOKEN"]


async def test_another_login_is_a_separate_family(gql: Any) -> None:
    user = await create_user()
    credentials = {"input": {"email": user.email, "password": DEFAULT_PASSWORD}}
    laptop = (await gql(LOGIN, credentials))["data"]["login"]
    phone = (await gql(LOGIN, credentials))["data"]["login"]

    await gql(LOGOUT, {"token": laptop["refreshToken"]})

    still = (await gql(REFRESH, {"token": phone["refreshToken"]}))["data"]["refreshToken"]
    assert still["errors"] == []


async def test_logout_revokes_the_refresh_token(gql: Any) -> None:
    login = await _register(gql)

    out = (await gql(LOGOUT, {"token": login["refreshToken"]}))["data"]["logout"]

    assert out == {"ok": True, "errors": []}
    refresh = (await gql(REFRESH, {"token": login["refreshToken"]}))["data"]["refreshToken"]
    assert [e["code"] for e in refresh["errors"]] == ["INVALID_TOKEN"]
    user = await User.get(email=login["user"]["email"])
    assert await RefreshToken.filter(user_id=user.id).count() == 1
    assert not await RefreshToken.filter(user_id=user.id, revoked_at__isnull=True).exists()


async def test_unknown_tokens_are_invalid(gql: Any) -> None:
    refresh = (await gql(REFRESH, {"token": "made-up"}))["data"]["refreshToken"]
    out = (await gql(LOGOUT, {"token": "made-up"}))["data"]["logout"]

    assert refresh["errors"] == [
        {
            "field": "refreshToken",
            "code": "INVALID_TOKEN",
            "message": "This refresh token is not valid any more: sign in again.",
        }
    ]
    assert out["ok"] is False and out["errors"][0]["code"] == "INVALID_TOKEN"


async def test_expired_and_forged_access_tokens_make_a_guest(gql: Any) -> None:
    user = await create_user()
    expired, _ = tokens.issue_access_token(user_id=user.id, ttl=timedelta(seconds=-1))
    fresh = auth_headers(user)

    assert _answer(await gql(ME, **_bearer(expired))) == {"data": {"me": None}}
    forged = fresh["Authorization"][7:] + "x"
    assert _answer(await gql(ME, **_bearer(forged))) == {"data": {"me": None}}
    assert _answer(await gql(ME)) == {"data": {"me": None}}
    assert (await gql(ME, **fresh))["data"]["me"]["email"] == user.email


async def test_access_token_lasts_fifteen_minutes(gql: Any) -> None:
    before = clock.now()
    login = await _register(gql)

    expires = datetime.fromisoformat(login["accessTokenExpiresAt"])
    assert timedelta(minutes=14) < expires - before <= timedelta(minutes=15, seconds=5)


async def test_deactivated_user_cannot_sign_in_or_refresh(gql: Any) -> None:
    login = await _register(gql)
    await User.filter(email=login["user"]["email"]).update(is_active=False)

    again = await gql(
        LOGIN, {"input": {"email": login["user"]["email"], "password": DEFAULT_PASSWORD}}
    )
    refresh = await gql(REFRESH, {"token": login["refreshToken"]})

    assert again["data"]["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert refresh["data"]["refreshToken"]["errors"][0]["code"] == "INVALID_TOKEN"
    assert (await gql(ME, **_bearer(login["accessToken"])))["data"]["me"] is None


async def test_signing_in_takes_over_the_guest_cart(gql: Any) -> None:
    user = await create_user()
    by_input = await Cart.create(token=unique("guest-cart"))
    by_header = await Cart.create(token=unique("guest-cart"))

    login = await gql(
        LOGIN,
        {"input": {"email": user.email, "password": DEFAULT_PASSWORD, "cartToken": by_input.token}},
    )
    signup = await gql(
        REGISTER,
        {"input": {"email": _email(), "password": DEFAULT_PASSWORD}},
        **{"X-Cart-Token": by_header.token},
    )

    assert login["data"]["login"]["errors"] == []
    new_user = await User.get(email=signup["data"]["register"]["user"]["email"])
    await by_input.refresh_from_db()
    await by_header.refresh_from_db()
    assert by_input.user_id == user.id
    assert by_header.user_id == new_user.id
