"""The one rule for who sees which products, and everything that belongs to a product.

Shoppers (guests and signed-in customers alike) see only published (ACTIVE) products;
variants, images and certifications are visible exactly when their product is. Staff who
manage products also see drafts and archived products when they ask for one by ID or slug
(`product`, `node`, `nodes`, `compareProducts`), so they can preview before publishing.
Lists, search, suggestions, feeds and behaviour tracking are shop-front surfaces and show
published products only, to everyone.
"""

from __future__ import annotations

from tortoise.queryset import QuerySet

from models.catalog import Product, ProductStatus

PUBLIC_STATUSES: frozenset[ProductStatus] = frozenset({ProductStatus.ACTIVE})
STAFF_STATUSES: frozenset[ProductStatus] = frozenset(ProductStatus)


def visible_statuses(*, staff: bool) -> frozenset[ProductStatus]:
    """The product statuses a caller may read by ID or slug."""
    return STAFF_STATUSES if staff else PUBLIC_STATUSES


def is_visible(status: str, *, staff: bool) -> bool:
    """Whether a product in `status` (and what belongs to it) is shown to this caller."""
    return ProductStatus(status) in visible_statuses(staff=staff)


def public_products() -> QuerySet[Product]:
    """Products a shopper may see: the base of every shop-front query."""
    return Product.filter(status__in=sorted(PUBLIC_STATUSES))
