"""The one rule for who sees which products, and everything that belongs to a product.

Shoppers (guests and signed-in customers alike) see only published (ACTIVE) products;
variants, images and certifications are visible exactly when their product is. Staff who
manage products also see drafts and archived products when they ask for one by ID or slug
(`product`, `node`, `nodes`, `compareProducts`), so they can preview before publishing.
Lists, search, suggestions, feeds and behaviour tracking are shop-front surfaces and show
published products only, to everyone.

Community content of a product (its reviews, questions and their answers) belongs to it the
same way: shoppers, its authors included, read none of it once the product is a draft or
archived, by ID (`node`), in `myReviews` or in any list, and cannot vote on, answer or edit
it; staff who may read the product by ID (and moderators, who act on the content) still read
it by ID. A post's linked products are a list: unpublished ones are left out, for everyone.
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


def of_public_products() -> dict[str, list[ProductStatus]]:
    """Filter arguments keeping rows of a `product` relation that shoppers may see
    (`Review.filter(**of_public_products())`)."""
    return {"product__status__in": sorted(PUBLIC_STATUSES)}
