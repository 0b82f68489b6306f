"""Factories for rows tests need; every call makes new, unique rows."""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal
from typing import Any

from models.accounts import Address, ChildProfile, Permission, User
from models.catalog import Product, ProductStatus, Variant
from services.accounts import passwords, tokens

_sequence = itertools.count(1)
DEFAULT_PASSWORD = "correct-horse-battery-7"


def unique(prefix: str) -> str:
    return f"{prefix}-{next(_sequence)}-{uuid.uuid4().hex[:6]}"


async def create_user(
    *,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    permissions: list[Permission] | None = None,
    personalization: bool = True,
) -> User:
    return await User.create(
        email=(email or f"{unique('user')}@example.com").lower(),
        password_hash=passwords.hash_password(password),
        display_name="Test User",
        is_staff=bool(permissions),
        permissions=[p.value for p in permissions or []],
        personalization_consent=personalization,
    )


def auth_headers(user: User) -> dict[str, str]:
    """Headers of a signed-in user (tokens must be configured: depend on the `app` fixture)."""
    token, _ = tokens.issue_access_token(user_id=user.id)
    return {"Authorization": f"Bearer {token}"}


async def create_variant(
    *, stock: int = 10, price: str = "19.99", status: ProductStatus = ProductStatus.ACTIVE
) -> Variant:
    """A fresh product with one variant, isolated from the demo store."""
    slug = unique("test-product")
    product = await Product.create(
        slug=slug,
        name=f"Test Product {slug}",
        status=status,
        price_min=Decimal(price),
        price_max=Decimal(price),
    )
    return await Variant.create(
        product=product,
        sku=unique("SKU").upper(),
        name="Default",
        price=Decimal(price),
        stock=stock,
    )


async def create_address(user: User, **overrides: object) -> Address:
    """An address in `user`'s book through the service (the first becomes the default)."""
    from services.accounts.addresses import create_address as create

    values: dict[str, Any] = {
        "full_name": "Alex Example",
        "line1": "Main Street 1",
        "city": "Berlin",
        "postal_code": "10115",
        "country": "DE",
        **overrides,
    }
    return await create(user_id=user.id, **values)


async def create_child_profile(user: User, **overrides: object) -> ChildProfile:
    from services.accounts.children import create_child

    values: dict[str, Any] = {"name": "Mia", "birth_month": "2021-05", **overrides}
    return await create_child(user_id=user.id, **values)
