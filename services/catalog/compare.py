"""Side-by-side comparison of 2 to 4 products, attributes aligned row by row."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from models.catalog import Brand, Category, Certification, Product, ProductStatus, Variant
from services.catalog import visibility
from services.catalog.ages import age_label

MIN_PRODUCTS = 2
MAX_PRODUCTS = 4


class ComparisonError(ValueError):
    """The request cannot make a comparison table."""


@dataclass(frozen=True)
class ComparisonRow:
    key: str
    label: str
    values: list[str | None]

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


@dataclass(frozen=True)
class Comparison:
    products: list[Product]
    rows: list[ComparisonRow]


def _age(product: Product) -> str | None:
    low, high = product.min_age_months, product.max_age_months
    if low is None and high is None:
        return None
    return age_label(low, high)


def _price(product: Product) -> str | None:
    if product.price_min is None:
        return None
    if product.price_min == product.price_max:
        return f"{product.price_min} {product.currency}"
    return f"{product.price_min}-{product.price_max} {product.currency}"


async def compare(
    *, product_ids: list[int], statuses: Collection[ProductStatus] = visibility.PUBLIC_STATUSES
) -> Comparison:
    """Align the products' attributes; raises ComparisonError on bad input.

    Only products in `statuses` count as existing, so a hidden product is refused exactly
    like an unknown one.
    """
    unique_ids = list(dict.fromkeys(product_ids))
    if not MIN_PRODUCTS <= len(unique_ids) <= MAX_PRODUCTS:
        raise ComparisonError(
            f"Compare between {MIN_PRODUCTS} and {MAX_PRODUCTS} different products; "
            f"got {len(unique_ids)}."
        )
    found = Product.filter(id__in=unique_ids, status__in=sorted(statuses))
    by_id = {p.id: p for p in await found}
    missing = [pid for pid in unique_ids if pid not in by_id]
    if missing:
        raise ComparisonError(f"{len(missing)} of the products to compare do not exist.")
    products = [by_id[pid] for pid in unique_ids]

    brands = dict(
        await Brand.filter(id__in=[p.brand_id for p in products if p.brand_id]).values_list(
            "id", "name"
        )
    )
    categories = dict(
        await Category.filter(
            id__in=[p.category_id for p in products if p.category_id]
        ).values_list("id", "name")
    )
    certs: dict[int, list[str]] = {pid: [] for pid in unique_ids}
    for row in await Certification.filter(product_id__in=unique_ids).values(
        "product_id", "scheme", "certificate_number"
    ):
        certs[row["product_id"]].append(str(row["scheme"]))
    stock: dict[int, int] = {pid: 0 for pid in unique_ids}
    variants: dict[int, int] = {pid: 0 for pid in unique_ids}
    for row in await Variant.filter(product_id__in=unique_ids).values("product_id", "stock"):
        stock[row["product_id"]] += max(row["stock"], 0)
        variants[row["product_id"]] += 1

    def battery(p: Product) -> str:
        if not p.battery_required:
            return "Not needed"
        included = "included" if p.batteries_included else "not included"
        return f"{p.battery_type or 'Required'} ({included})"

    def rating(p: Product) -> str | None:
        if not p.rating_count or p.rating_average is None:
            return None
        return f"{p.rating_average} ({p.rating_count} ratings)"

    rows = [
        ComparisonRow("price", "Price", [_price(p) for p in products]),
        ComparisonRow(
            "brand", "Brand", [brands.get(p.brand_id) if p.brand_id else None for p in products]
        ),
        ComparisonRow(
            "category",
            "Category",
            [categories.get(p.category_id) if p.category_id else None for p in products],
        ),
        ComparisonRow("age", "Recommended age", [_age(p) for p in products]),
        ComparisonRow("materials", "Materials", [", ".join(p.materials) or None for p in products]),
        ComparisonRow("batteries", "Batteries", [battery(p) for p in products]),
        ComparisonRow(
            "certifications",
            "Safety certifications",
            [", ".join(sorted(certs[p.id])) or None for p in products],
        ),
        ComparisonRow("variants", "Options", [str(variants[p.id]) for p in products]),
        ComparisonRow(
            "availability",
            "Availability",
            ["In stock" if stock[p.id] > 0 else "Out of stock" for p in products],
        ),
        ComparisonRow("rating", "Rating", [rating(p) for p in products]),
    ]
    return Comparison(products=products, rows=rows)
