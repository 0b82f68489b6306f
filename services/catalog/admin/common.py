"""Limits and validation helpers shared by the catalog's staff writes."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from tortoise.exceptions import IntegrityError

from services.catalog.errors import CatalogErrorCode
from services.errors import DomainError, DomainErrors

MAX_STOCK = 1_000_000_000
MAX_PRICE = Decimal("9999999999.99")
MAX_AGE_MONTHS = 32767
MAX_PATH = 500
CENT = Decimal("0.01")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
# Any constant works: it only has to be the same for every writer of the category tree.
TREE_LOCK = 4_871_202


Code = CatalogErrorCode
# Keys services accept in `fields` / `changes` (model field names, plus tag_ids).
PRODUCT_KEYS = frozenset(
    "name slug description status brand_id category_id tag_ids min_age_months max_age_months "
    "materials battery_required battery_type batteries_included currency".split()
)
VARIANT_KEYS = frozenset({"sku", "name", "price", "compare_at_price", "options", "stock"})
CATEGORY_KEYS = frozenset({"name", "slug", "description", "parent_id", "position"})


def bad(problems: list[DomainError], code: Code, message: str, field: str) -> None:
    problems.append(DomainError(code, message, field=field))


def check(problems: list[DomainError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise DomainErrors(problems)


def clean_text(value: Any, field: str, max_length: int, problems: list[DomainError]) -> str:
    """Whitespace-collapsed text that must be 1 to `max_length` characters long."""
    cleaned = " ".join(str(value or "").split())
    if not cleaned or len(cleaned) > max_length:
        bad(problems, Code.INVALID_VALUE, f"Give 1 to {max_length} characters.", field)
    return cleaned


async def validate_slug(
    model: Any, slug: str | None, current: Any, max_length: int, problems: list[DomainError]
) -> None:
    """A given slug must be well formed and free; None (on create) means "derive one"."""
    if slug is None:
        if current is not None:
            bad(problems, Code.INVALID_VALUE, "A slug is needed.", "slug")
        return
    if not SLUG_RE.match(slug) or len(slug) > max_length:
        bad(
            problems,
            Code.INVALID_VALUE,
            "A slug is lower-case letters and digits joined by single hyphens.",
            "slug",
        )
        return
    clash = model.filter(slug=slug)
    if current is not None:
        clash = clash.exclude(id=current.id)
    if await clash.exists():
        bad(problems, Code.SLUG_TAKEN, "Another one has this slug.", "slug")


async def free_slug(model: Any, base: str, max_length: int) -> str:
    """`base`, or `base-2`, `base-3`, ... whichever is still free."""
    base = (base or "item")[: max_length - 8]
    taken = set(await model.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


async def unique_write(write: Any, code: Code, field: str) -> Any:
    """Await an INSERT/UPDATE; a unique-constraint race becomes the matching domain error."""
    try:
        return await write
    except IntegrityError:
        raise DomainError(code, f"That {field} was just taken.", field=field) from None
