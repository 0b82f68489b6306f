"""Staff catalog mutations: authorize, call the admin services, turn failures into data."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from models.accounts import Permission
from models.catalog import Category, Product, ProductStatus, Variant
from resolvers.auth import require_permission
from resolvers.catalog.loaders import CatalogLoaders
from resolvers.context import Info
from services.catalog import admin
from services.errors import DomainError, DomainErrors

T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """What a mutation wrote, or (row None) the expected failure to report in its payload."""

    row: T | None = None
    error: DomainError | DomainErrors | None = None


async def _staff_write(info: Info, work: Callable[[], Awaitable[T]]) -> Outcome[T]:
    require_permission(info, Permission.MANAGE_PRODUCTS)
    try:
        row = await work()
    except (DomainError, DomainErrors) as error:
        return Outcome(error=error)
    # Rows cached earlier in this request are stale now (an operation may run several
    # mutations, and the payload reads relations such as variants and price range).
    info.context.loaders.catalog = CatalogLoaders()
    return Outcome(row=row)


async def product_create(info: Info, *, fields: Mapping[str, Any]) -> Outcome[Product]:
    return await _staff_write(info, lambda: admin.create_product(fields=fields))


async def product_update(
    info: Info, *, product_id: int, changes: Mapping[str, Any]
) -> Outcome[Product]:
    return await _staff_write(
        info, lambda: admin.update_product(product_id=product_id, changes=changes)
    )


async def product_set_status(
    info: Info, *, product_id: int, status: ProductStatus
) -> Outcome[Product]:
    return await _staff_write(
        info, lambda: admin.set_product_status(product_id=product_id, status=status)
    )


async def variant_create(
    info: Info, *, product_id: int, fields: Mapping[str, Any]
) -> Outcome[Variant]:
    return await _staff_write(
        info, lambda: admin.create_variant(product_id=product_id, fields=fields)
    )


async def variant_update(
    info: Info, *, variant_id: int, changes: Mapping[str, Any]
) -> Outcome[Variant]:
    return await _staff_write(
        info, lambda: admin.update_variant(variant_id=variant_id, changes=changes)
    )


async def variant_delete(info: Info, *, variant_id: int) -> Outcome[Variant]:
    return await _staff_write(info, lambda: admin.delete_variant(variant_id=variant_id))


async def stock_set(info: Info, *, variant_id: int, quantity: int) -> Outcome[Variant]:
    return await _staff_write(
        info, lambda: admin.set_stock(variant_id=variant_id, quantity=quantity)
    )


async def stock_adjust(info: Info, *, variant_id: int, delta: int) -> Outcome[Variant]:
    return await _staff_write(info, lambda: admin.adjust_stock(variant_id=variant_id, delta=delta))


async def category_create(info: Info, *, fields: Mapping[str, Any]) -> Outcome[Category]:
    return await _staff_write(info, lambda: admin.create_category(fields=fields))


async def category_update(
    info: Info, *, category_id: int, changes: Mapping[str, Any]
) -> Outcome[Category]:
    return await _staff_write(
        info, lambda: admin.update_category(category_id=category_id, changes=changes)
    )
