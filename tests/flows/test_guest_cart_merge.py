"""The guest-cart merge flow: signing in hands the guest's cart to the orders domain."""

from __future__ import annotations

from typing import Any

import pytest

from services.accounts import users
from services.errors import DomainError
from services.flows import guest_cart_merge
from services.orders import cart as cart_service
from tests.factories import DEFAULT_PASSWORD, create_user

pytestmark = pytest.mark.usefixtures("app")


async def test_sign_in_hands_the_guest_cart_to_the_orders_hook(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[dict[str, Any]] = []

    async def merge_guest_cart(*, token: str, user_id: int) -> None:
        calls.append({"token": token, "user_id": user_id})
        if token == "stale":
            raise DomainError("CART_NOT_FOUND", "No such cart.")

    monkeypatch.setattr(cart_service, "merge_guest_cart", merge_guest_cart)
    user = await create_user()

    for token in ("guest-cart", "stale", None):
        signed_in, _ = await users.login(email=user.email, password=DEFAULT_PASSWORD)
        await guest_cart_merge.after_sign_in(cart_token=token, user_id=signed_in.id)

    assert calls == [
        {"token": "guest-cart", "user_id": user.id},
        {"token": "stale", "user_id": user.id},
    ]
