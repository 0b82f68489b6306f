"""Sessions end for real: access tokens die with logout and password changes; refresh races."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from models.accounts import RefreshToken, User
from services import clock
from services.accounts import tokens
from services.accounts import users as user_service
from tests.conftest import using_postgres
from tests.factories import DEFAULT_PASSWORD, create_user

SESSION = "accessToken refreshToken errors { field code message }"
LOGIN = f"mutation L($input: LoginInput!) {{ login(input: $input) {{ {SESSION} }} }}"
REFRESH = f"mutation R($token: String!) {{ refreshToken(refreshToken: $token) {{ {SESSION} }} }}"
LOGOUT = "mutation O($token: String!) { logout(refreshToken: $token) { ok errors { code } } }"
CHANGE = f"""
mutation C($current: String!, $new: String!) {{
  changePassword(currentPassword: $current, newPassword: $new) {{ {SESSION} }}
}}
"""
ME = "query { me { email } }"
NEW_PASSWORD = "another-long-secret-42"

pytestmark = pytest.mark.usefixtures("app")


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _login(gql: Any, user: User, password: str = DEFAULT_PASSWORD) -> dict[str, Any]:
    body = await gql(LOGIN, {"input": {"email": user.email, "password": password}})
    result: dict[str, Any] = body["data"]["login"]
    assert result["errors"] == [], result
    return result


async def _me(gql: Any, access: str) -> Any:
    body = await gql(ME, **_bearer(access))
    return body["data"]["me"]


async def test_logout_ends_the_access_token_of_that_session_at_once(gql: Any) -> None:
    user = await create_user()
    phone, laptop = await _login(gql, user), await _login(gql, user)
    assert await _me(gql, phone["accessToken"]) == {"email": user.email}

    body = await gql(LOGOUT, {"token": phone["refreshToken"]})

    assert body["data"]["logout"] == {"ok": True, "errors": []}
    assert await _me(gql, phone["accessToken"]) is None
    # Another session of the same user goes on.
    assert await _me(gql, laptop["accessToken"]) == {"email": user.email}


async def test_a_signed_out_token_is_unauthenticated_where_sign_in_is_needed(gql: Any) -> None:
    user = await create_user()
    session = await _login(gql, user)
    await gql(LOGOUT, {"token": session["refreshToken"]})

    body = await gql("query { myOrders { totalCount } }", **_bearer(session["accessToken"]))

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_change_password_ends_every_old_access_and_refresh_token(gql: Any) -> None:
    user = await create_user()
    first, second = await _login(gql, user), await _login(gql, user)

    body = await gql(
        CHANGE, {"current": DEFAULT_PASSWORD, "new": NEW_PASSWORD}, **_bearer(first["accessToken"])
    )
    fresh = body["data"]["changePassword"]

    assert fresh["errors"] == []
    for old in (first, second):
        assert await _me(gql, old["accessToken"]) is None
        refreshed = (await gql(REFRESH, {"token": old["refreshToken"]}))["data"]["refreshToken"]
        assert [e["code"] for e in refreshed["errors"]] == ["INVALID_TOKEN"]
    assert await _me(gql, fresh["accessToken"]) == {"email": user.email}


async def test_a_deactivated_user_is_signed_out_everywhere(gql: Any) -> None:
    user = await create_user()
    session = await _login(gql, user)

    await User.filter(id=user.id).update(is_active=False)

    assert await _me(gql, session["accessToken"]) is None


async def test_refreshed_access_token_belongs_to_the_same_session(gql: Any) -> None:
    user = await create_user()
    session = await _login(gql, user)
    refreshed = (await gql(REFRESH, {"token": session["refreshToken"]}))["data"]["refreshToken"]

    await gql(LOGOUT, {"token": refreshed["refreshToken"]})

    assert await _me(gql, refreshed["accessToken"]) is None
    assert await _me(gql, session["accessToken"]) is None


async def test_a_just_rotated_token_still_refreshes_within_the_grace_window() -> None:
    user = await create_user()
    pair = await tokens.issue_token_pair(user=user)
    start = clock.now()

    _, first = await user_service.refresh(refresh_token=pair.refresh_token, at=start)
    _, second = await user_service.refresh(
        refresh_token=pair.refresh_token, at=start + tokens.ROTATION_GRACE - timedelta(seconds=1)
    )

    assert first.refresh_token != second.refresh_token
    family = (await RefreshToken.get(token_hash=tokens.hash_token(pair.refresh_token))).family
    assert await RefreshToken.filter(family=family, revoked_at__isnull=True).count() == 3
    # Both new pairs work.
    for new in (first, second):
        assert await tokens.user_for_access_token(new.access_token) is not None
        await user_service.refresh(refresh_token=new.refresh_token, at=start)


async def test_reuse_after_the_grace_window_ends_the_whole_session() -> None:
    user = await create_user()
    pair = await tokens.issue_token_pair(user=user)
    start = clock.now()
    _, newer = await user_service.refresh(refresh_token=pair.refresh_token, at=start)

    with pytest.raises(user_service.DomainError) as raised:
        await user_service.refresh(
            refresh_token=pair.refresh_token,
            at=start + tokens.ROTATION_GRACE + timedelta(seconds=1),
        )

    assert raised.value.code == "INVALID_TOKEN"
    assert await tokens.user_for_access_token(newer.access_token) is None
    with pytest.raises(user_service.DomainError):
        await user_service.refresh(refresh_token=newer.refresh_token, at=start)


@pytest.mark.skipif(
    not using_postgres(), reason="needs PostgreSQL: set DATABASE_URL=postgres://... to run"
)
async def test_two_tabs_refreshing_at_once_both_keep_the_session(gql: Any) -> None:
    user = await create_user()
    session = await _login(gql, user)

    results = await asyncio.gather(
        *(gql(REFRESH, {"token": session["refreshToken"]}) for _ in range(2))
    )

    pairs = [body["data"]["refreshToken"] for body in results]
    assert [pair["errors"] for pair in pairs] == [[], []]
    for pair in pairs:
        assert await _me(gql, pair["accessToken"]) == {"email": user.email}
        again = (await gql(REFRESH, {"token": pair["refreshToken"]}))["data"]["refreshToken"]
        assert again["errors"] == []
