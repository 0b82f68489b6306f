"""Search-box completions from product names, categories, tags and brands."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from tortoise.expressions import Case, Q, When
from tortoise.functions import Count, Length

from models.catalog import Brand, Category, Tag
from services import cache
from services.catalog import versioning, visibility


class SuggestionKind(StrEnum):
    PRODUCT = "product"
    CATEGORY = "category"
    BRAND = "brand"
    TAG = "tag"


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: SuggestionKind
    slug: str
    object_id: int
    score: float


# Categories and brands narrow a search more usefully than one product name does.
_KIND_WEIGHT = {
    SuggestionKind.CATEGORY: 1.3,
    SuggestionKind.BRAND: 1.2,
    SuggestionKind.TAG: 1.0,
    SuggestionKind.PRODUCT: 0.9,
}
_PER_SOURCE = 25


def _match_score(text: str, prefix: str) -> float:
    lowered = text.lower()
    if lowered.startswith(prefix):
        return 2.0
    if any(word.startswith(prefix) for word in lowered.split()):
        return 1.0
    return 0.0


SUGGESTION_TTL = 300


async def suggest(*, prefix: str, first: int = 10) -> list[Suggestion]:
    """Completions for `prefix`, best first: whole-name prefix, then word prefix, then weight."""
    prefix = " ".join(prefix.lower().split())
    if len(prefix) < 1:
        return []
    # Keystroke traffic repeats the same prefixes, so results are cached per catalog version.
    key = f"suggest:{await versioning.current()}:{first}:{prefix}"
    return await cache.cached(key, SUGGESTION_TTL, lambda: _compute(prefix, first))


async def _compute(prefix: str, first: int) -> list[Suggestion]:
    # Each source is filtered to rows the scoring can keep (the name, or one of its words,
    # starts with the prefix) and ordered by that score in SQL before the cut, so the best
    # matches are always among the rows read however many names contain the prefix.
    found: list[Suggestion] = []
    per_source = max(first * 3, _PER_SOURCE)
    starts = Q(name__istartswith=prefix) | Q(name__icontains=f" {prefix}")
    tier = Case(When(name__istartswith=prefix, then="2"), default="1")

    products = (
        await visibility.public_products()
        .filter(starts)
        .annotate(tier=tier, length=Length("name"))
        .order_by("-tier", "-sales_count", "length", "name")
        .limit(per_source)
        .values("id", "slug", "name", "sales_count")
    )
    for row in products:
        found.append(_scored(row, SuggestionKind.PRODUCT, prefix, row["sales_count"]))

    # Popularity counts published products only: drafts must not lift (or reveal) a name.
    published = Q(products__status__in=sorted(visibility.PUBLIC_STATUSES))
    sources: tuple[tuple[type[Category] | type[Brand] | type[Tag], SuggestionKind], ...] = (
        (Category, SuggestionKind.CATEGORY),
        (Brand, SuggestionKind.BRAND),
        (Tag, SuggestionKind.TAG),
    )
    for model, kind in sources:
        rows = (
            await model.filter(starts)
            .annotate(tier=tier, weight=Count("products", _filter=published), length=Length("name"))
            .order_by("-tier", "-weight", "length", "name")
            .limit(per_source)
            .values("id", "slug", "name", "weight")
        )
        for row in rows:
            found.append(_scored(row, kind, prefix, row["weight"]))

    found = [item for item in found if item.score > 0]
    found.sort(key=lambda item: (-item.score, len(item.text), item.text))
    unique: list[Suggestion] = []
    seen: set[str] = set()
    for item in found:
        key = item.text.lower()
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique[:first]


def _scored(
    row: dict[str, object], kind: SuggestionKind, prefix: str, weight: object
) -> Suggestion:
    text = str(row["name"])
    match = _match_score(text, prefix)
    popularity = math.log1p(float(weight or 0))  # type: ignore[arg-type]
    score = match * 10 + popularity * _KIND_WEIGHT[kind] if match else 0.0
    return Suggestion(
        text=text,
        kind=kind,
        slug=str(row["slug"]),
        object_id=int(row["id"]),  # type: ignore[call-overload]
        score=round(score, 4),
    )
