"""Staff writes to the catalog: products, variants, stock and the category tree.

Every function is one transaction and ends with `refresh_products` for what it touched, so
price ranges and search documents never lag behind a write.
"""

from services.catalog.admin.categories import create_category, update_category
from services.catalog.admin.products import (
    adjust_stock,
    create_product,
    create_variant,
    delete_variant,
    set_product_status,
    set_stock,
    update_product,
    update_variant,
)
from services.catalog.errors import CatalogErrorCode

__all__ = [
    "CatalogErrorCode",
    "adjust_stock",
    "create_category",
    "create_product",
    "create_variant",
    "delete_variant",
    "set_product_status",
    "set_stock",
    "update_category",
    "update_product",
    "update_variant",
]
