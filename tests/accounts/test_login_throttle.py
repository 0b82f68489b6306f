"""Sign-in throttling: per e-mail (existing or not) and per client address, over HTTP."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from services.accounts import throttle
from tests.factories import DEFAULT_PASSWORD, create_user, unique

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken retryAfter errors { field code message } }
}
"""
LIMIT = throttle.limits.attempts_per_account

pytestmark = pytest.mark.usefixtures("app")


async def _login(
    http: httpx.AsyncClient, email: str, password: str
) -> tuple[dict[str, Any], httpx.Response]:
    response = await http.post(
        "/graphql",
        json={"query": LOGIN, "variables": {"input": {"email": email, "password": password}}},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["login"]
    return result, response


def _codes(results: list[dict[str, Any]]) -> list[str]:
    return [result["errors"][0]["code"] if result["errors"] else "OK" for result in results]


@pytest.fixture
async def from_address(app: Any) -> AsyncIterator[Any]:
    """Clients calling from their own address, so address counts do not mix between tests."""
    opened: list[httpx.AsyncClient] = []

    def make() -> httpx.AsyncClient:
        address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{len(opened) + 1}"
        transport = httpx.ASGITransport(app=app, client=(address, 4000 + len(opened)))
        http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        opened.append(http)
        return http

    yield make
    for http in opened:
        await http.aclose()


@pytest.fixture
def address_limit() -> Iterator[None]:
    previous = throttle.limits
    throttle.configure(throttle.Limits(failures_per_address=3, attempts_per_account=100))
    yield
    throttle.configure(previous)


async def test_sequential_wrong_passwords_are_throttled_after_the_limit(
    client: httpx.AsyncClient,
) -> None:
    user = await create_user()

    results = [(await _login(client, user.email, "wrong-password-1"))[0] for _ in range(100)]

    assert _codes(results) == ["INVALID_CREDENTIALS"] * LIMIT + ["TOO_MANY_ATTEMPTS"] * (
        100 - LIMIT
    )
    assert all(0 < r["retryAfter"] <= throttle.limits.window_seconds for r in results[LIMIT:])
    assert all(r["retryAfter"] is None for r in results[:LIMIT])
    # Locked out: even the right password is refused until the window ends.
    locked, response = await _login(client, user.email, DEFAULT_PASSWORD)
    assert _codes([locked]) == ["TOO_MANY_ATTEMPTS"]
    assert locked["accessToken"] is None
    assert int(response.headers["retry-after"]) == locked["retryAfter"]


async def test_concurrent_wrong_passwords_are_throttled_as_strictly(
    client: httpx.AsyncClient,
) -> None:
    user = await create_user()

    attempts = await asyncio.gather(
        *(_login(client, user.email, f"wrong-password-{n}") for n in range(30))
    )

    codes = _codes([result for result, _ in attempts])
    assert codes.count("INVALID_CREDENTIALS") == LIMIT
    assert codes.count("TOO_MANY_ATTEMPTS") == 30 - LIMIT


async def test_an_unknown_email_is_throttled_exactly_like_a_real_one(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttle, "clock", lambda: 1_000_000.0)
    real = await create_user()
    unknown = f"{unique('nobody')}@example.com"

    seen = {}
    for email in (real.email, unknown):
        results = [(await _login(client, email, "wrong-password-1"))[0] for _ in range(LIMIT + 2)]
        seen[email] = [(r["errors"], r["retryAfter"] is not None) for r in results]

    assert seen[real.email] == seen[unknown]
    assert [errors[0]["code"] for errors, _ in seen[unknown]][-1] == "TOO_MANY_ATTEMPTS"


async def test_a_successful_sign_in_resets_the_account_count(client: httpx.AsyncClient) -> None:
    user = await create_user()
    for _ in range(LIMIT - 1):
        await _login(client, user.email, "wrong-password-1")

    signed_in, _ = await _login(client, user.email, DEFAULT_PASSWORD)
    again = [(await _login(client, user.email, "wrong-password-2"))[0] for _ in range(LIMIT)]

    assert signed_in["accessToken"]
    assert _codes(again) == ["INVALID_CREDENTIALS"] * LIMIT


@pytest.mark.usefixtures("address_limit")
async def test_one_address_guessing_many_accounts_is_locked_out(from_address: Any) -> None:
    attacker, bystander = from_address(), from_address()
    victims = [await create_user() for _ in range(4)]

    results = [(await _login(attacker, v.email, "wrong-password-1"))[0] for v in victims]
    other, _ = await _login(bystander, victims[0].email, DEFAULT_PASSWORD)

    assert _codes(results) == ["INVALID_CREDENTIALS"] * 3 + ["TOO_MANY_ATTEMPTS"]
    assert results[-1]["retryAfter"] > 0
    # Another address is not affected.
    assert other["accessToken"]
