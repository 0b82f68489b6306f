"""Factories for rows tests need; every call makes new, unique rows."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from models.accounts import Address, ChildProfile, Permission, User
from models.catalog import (
    Brand,
    Category,
    Certification,
    CertificationScheme,
    Product,
    ProductImage,
    ProductStatus,
    Tag,
    Variant,
)
from models.orders import Coupon, FlashPrice, Order
from services.accounts import passwords, tokens
from services.catalog import versioning

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


async def create_product(
    *,
    status: ProductStatus = ProductStatus.ACTIVE,
    name: str | None = None,
    category: Category | None = None,
    brand: Brand | None = None,
    tag: Tag | None = None,
    variants: int = 2,
    stock: int = 10,
    price: str = "24.99",
) -> Product:
    """A full product (variants, image, certification, brand, category, tag), search-indexed."""
    from services.catalog.denormalize import refresh_products

    slug = unique("full-product")
    product = await Product.create(
        slug=slug,
        name=name or f"Product {slug}",
        description="Unreleased details",
        status=status,
        brand=brand or await Brand.create(slug=unique("brand"), name=f"Brand {slug}"),
        category=category or await create_category(),
        min_age_months=36,
        max_age_months=120,
    )
    await product.tags.add(tag or await Tag.create(slug=unique("tag"), name=f"Tag {slug}"))
    for index in range(variants):
        await Variant.create(
            product=product,
            sku=unique("SKU").upper(),
            name=f"Option {index + 1}",
            price=Decimal(price),
            stock=stock,
            position=index,
        )
    await ProductImage.create(product=product, url=f"https://img.example/{slug}.jpg", alt_text=slug)
    await Certification.create(
        product=product, scheme=CertificationScheme.EN71, certificate_number=unique("EN71")
    )
    await refresh_products(product_ids=[product.id])
    await product.refresh_from_db()
    return product


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


async def create_category(*, parent: Category | None = None) -> Category:
    """A category (under `parent`) with its materialized path filled in."""
    slug = unique("test-category")
    category = await Category.create(
        slug=slug,
        name=f"Category {slug}",
        parent=parent,
        path="/",
        depth=(parent.depth + 1) if parent else 0,
    )
    category.path = f"{parent.path if parent else '/'}{category.id}/"
    await category.save(update_fields=["path"])
    # As a staff write does: readers hold the category tree per catalog version.
    await versioning.bump()
    return category


async def create_coupon(**overrides: Any) -> Coupon:
    """A coupon (10% off everything unless overridden) with a unique code."""
    from models.orders import CouponKind

    values: dict[str, Any] = {
        "code": unique("CPN").upper().replace("-", ""),
        "kind": CouponKind.PERCENTAGE,
        "value": Decimal("10"),
        **overrides,
    }
    return await Coupon.create(**values)


async def create_flash_price(
    variant: Variant,
    *,
    price: str,
    starts_in: timedelta = -timedelta(hours=1),
    ends_in: timedelta = timedelta(hours=2),
) -> FlashPrice:
    """A flash price on `variant`, running now unless the offsets say otherwise."""
    now = datetime.now(UTC)
    return await FlashPrice.create(
        variant=variant, price=Decimal(price), starts_at=now + starts_in, ends_at=now + ends_in
    )


async def create_order(
    user: User | None, *, lines: int = 2, status: str = "paid", price: str = "10.00"
) -> Order:
    """A placed order written directly (no checkout), for history and permission tests."""
    from models.orders import OrderLine, OrderStatus

    now = datetime.now(UTC)
    unit = Decimal(price)
    order = await Order.create(
        number=unique("T").upper()[:32],
        user=user,
        email=user.email if user else f"{unique('guest')}@example.com",
        status=OrderStatus(status),
        subtotal=unit * lines,
        total=unit * lines,
        placed_at=now,
        paid_at=now if status != "unpaid" else None,
    )
    variant = await create_variant(stock=100, price=price)
    for _ in range(lines):
        await OrderLine.create(
            order=order,
            variant=variant,
            product_id=variant.product_id,
            product_name="Test toy",
            sku=variant.sku,
            quantity=1,
            unit_price=unit,
            total=unit,
        )
    return order
