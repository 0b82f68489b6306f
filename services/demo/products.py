"""The demo store's products, drawn from a seeded random generator before any id exists."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from models.catalog import CertificationScheme, ProductStatus
from services.catalog.ages import age_label
from services.catalog.importer import slugify

# Fixed so that the same seed gives byte-for-byte the same store on any day.
from services.demo.catalogue import (
    GENERAL_TAGS,
    GUARANTEED,
    HISTORY_DAYS,
    IMAGE_BASE,
    NAME_SUFFIXES,
    REFERENCE_DATE,
)
from services.demo.kinds import Kind


@dataclass
class Leaf:
    category_id: int
    parent_id: int | None
    name: str
    kind: Kind


@dataclass
class Spec:
    """One product and its children, before ids exist."""

    number: int
    product: dict[str, Any]
    variants: list[dict[str, Any]] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)
    certifications: list[tuple[CertificationScheme, str]] = field(default_factory=list)
    tag_slugs: list[str] = field(default_factory=list)


def build_specs(rng: random.Random, leaves: list[Leaf], total: int) -> list[Spec]:
    plan = _plan_leaves(rng, leaves, total)
    used_slugs: set[str] = set()
    guaranteed: dict[int, int] = {}
    specs = []
    for leaf in plan:
        spec = _product_spec(rng, leaf, used_slugs)
        slug = slugify(leaf.name)
        if guaranteed.get(leaf.category_id, 0) < GUARANTEED.get(slug, 0):
            guaranteed[leaf.category_id] = guaranteed.get(leaf.category_id, 0) + 1
            spec.product["status"] = ProductStatus.ACTIVE
            spec.product["category_id"] = leaf.category_id
        specs.append(spec)
    _mark_bestsellers(specs)
    if total >= 20 and not any(s.product["status"] == ProductStatus.DRAFT for s in specs):
        specs[rng.randrange(len(specs))].product["status"] = ProductStatus.DRAFT
    # Ids then follow creation time, as they would in a shop that grew over two years.
    specs.sort(key=lambda spec: (spec.product["created_at"], spec.product["slug"]))
    for number, spec in enumerate(specs, start=1):
        spec.number = number
        for position, variant in enumerate(spec.variants, start=1):
            variant["sku"] = f"SG-{number:06d}-{position:02d}"
    return specs


def _plan_leaves(rng: random.Random, leaves: list[Leaf], total: int) -> list[Leaf]:
    # Every leaf gets one product first, so that small stores still fill the whole tree.
    plan: list[Leaf] = []
    for leaf in leaves:
        wanted = 1 + GUARANTEED.get(slugify(leaf.name), 0)
        plan.extend([leaf] * wanted)
    plan = plan[:total]
    weights = [leaf.kind.weight for leaf in leaves]
    plan.extend(rng.choices(leaves, weights=weights, k=total - len(plan)))
    rng.shuffle(plan)
    return plan


def _product_spec(rng: random.Random, leaf: Leaf, used_slugs: set[str]) -> Spec:
    kind = leaf.kind
    brand = rng.choice(kind.brands)
    name, thing = _unique_name(rng, kind, brand, used_slugs)
    slug = slugify(name)
    used_slugs.add(slug)
    min_age, max_age = _age_range(rng, kind)
    created_at = REFERENCE_DATE - timedelta(seconds=rng.randrange(HISTORY_DAYS * 86400))
    status = rng.choices(
        (ProductStatus.ACTIVE, ProductStatus.DRAFT, ProductStatus.ARCHIVED), (92, 5, 3)
    )[0]
    battery_type = None
    if kind.batteries and rng.random() < kind.battery_share:
        battery_type = rng.choice(kind.batteries)
    materials = rng.sample(kind.materials, k=rng.randint(1, min(2, len(kind.materials))))
    # A few products sit on the parent category, as shops file generic items one level up.
    category_id = leaf.category_id
    if leaf.parent_id is not None and rng.random() < 0.04:
        category_id = leaf.parent_id
    age_days = (REFERENCE_DATE - created_at).days
    sales = 0 if status == ProductStatus.DRAFT else _sales(rng, age_days)
    rating_count = int(sales * rng.uniform(0.03, 0.18))
    rating = None
    if rating_count:
        spread = 1.2 if rating_count < 5 else 0.45
        rating = Decimal(str(round(min(5.0, max(1.0, rng.gauss(4.3, spread))), 2)))
    spec = Spec(
        number=0,
        product={
            "slug": slug,
            "name": name,
            "description": _description(
                rng, kind, brand, thing, materials, f"ages {age_label(min_age, max_age)}"
            ),
            "status": status,
            "brand": brand,
            "category_id": category_id,
            "min_age_months": min_age,
            "max_age_months": max_age,
            "materials": materials,
            "battery_required": battery_type is not None,
            "battery_type": battery_type,
            "batteries_included": battery_type is not None
            and (battery_type.startswith("rechargeable") or rng.random() < 0.4),
            "sales_count": sales,
            "rating_average": rating,
            "rating_count": rating_count,
            "created_at": created_at,
        },
    )
    spec.variants = _variants(rng, kind, created_at)
    spec.images = [
        (f"{IMAGE_BASE}/{slug}-{n}.jpg", alt)
        for n, alt in enumerate(
            [name, f"{name}, detail", f"{name} in its box"][: rng.choice((1, 2, 2, 3))], start=1
        )
    ]
    spec.certifications = _certifications(rng, battery_type is not None, created_at)
    pool = sorted(set(kind.tags) | set(GENERAL_TAGS) | set(_age_tags(min_age, max_age)))
    if battery_type is None:
        pool.append("battery-free")
    spec.tag_slugs = rng.sample(
        pool, k=min(len(pool), rng.choices((0, 1, 2, 3, 4), (10, 25, 30, 25, 10))[0])
    )
    return spec


def _unique_name(rng: random.Random, kind: Kind, brand: str, used: set[str]) -> tuple[str, str]:
    """A product name not taken yet, and the plain thing it names ("Yellow Excavator")."""
    prefix = kind.line.format(brand=brand) if kind.line else ""
    if not prefix and rng.random() < 0.45:
        prefix = brand
    # A fresh draw reads better than a suffix, so suffixes only start after a few tries.
    for _ in range(3):
        noun = rng.choice(kind.nouns)
        adjective = rng.choice(kind.adjectives) if rng.random() < 0.7 else ""
        thing = " ".join(part for part in (adjective, noun) if part)
        name = " ".join(part for part in (prefix, thing) if part)
        if slugify(name) not in used:
            return name, thing
    for suffix in NAME_SUFFIXES:
        candidate = f"{name} {suffix}"
        if slugify(candidate) not in used:
            return candidate, thing
    number = 2
    while slugify(f"{name} No. {number}") in used:
        number += 1
    return f"{name} No. {number}", thing


def _age_range(rng: random.Random, kind: Kind) -> tuple[int, int | None]:
    low, high = kind.ages
    top = high if high is not None else low + 96
    step = 6 if top <= 48 else 12
    min_age = min(low + step * rng.choice((0, 0, 0, 1, 2)), max(low, top - step))
    if high is None or (low >= 36 and rng.random() < 0.1):
        # Open-ended: many toys for older children say "from 3 years" with no upper bound.
        return min_age, None
    return min_age, max(min_age + step, high - step * rng.choice((0, 0, 1)))


def _age_tags(min_age: int, max_age: int | None) -> list[str]:
    tags = []
    if max_age is not None and max_age <= 24:
        tags.append("for-babies")
    if min_age <= 36 and (max_age is None or max_age >= 12):
        tags.append("for-toddlers")
    if min_age >= 144:
        tags.append("teen-approved")
    return tags


def _sales(rng: random.Random, age_days: int) -> int:
    # Pareto-shaped: most toys sell a handful, a few bestsellers sell thousands.
    base = (rng.paretovariate(1.2) - 1.0) * 40
    return min(25_000, int(base * (0.2 + 0.8 * age_days / HISTORY_DAYS)))


def _mark_bestsellers(specs: list[Spec]) -> None:
    ranked = sorted(specs, key=lambda s: (-s.product["sales_count"], s.product["slug"]))
    for spec in ranked[: max(1, len(specs) // 30)]:
        if "bestseller" not in spec.tag_slugs:
            spec.tag_slugs = ["bestseller", *spec.tag_slugs[:3]]


def _description(
    rng: random.Random, kind: Kind, brand: str, thing: str, materials: list[str], ages: str
) -> str:
    made_of = " and ".join(materials)
    sentences = [
        rng.choice(
            (
                f"The {thing} from {brand} is made of {made_of}.",
                f"Made of {made_of}, this {thing} is built for years of play.",
                f"{brand} makes this {thing} from {made_of}.",
            )
        )
    ]
    if rng.random() < 0.8:
        sentences.append(rng.choice(kind.features))
    if rng.random() < 0.5:
        sentences.append(f"Recommended for {ages}.")
    return " ".join(sentences)


def _price(rng: random.Random, low: int, high: int) -> int:
    # Skewed towards the cheap end, as toy ranges are.
    return low + int((high - low) * rng.random() ** 1.8)


def _variants(rng: random.Random, kind: Kind, created_at: datetime) -> list[dict[str, Any]]:
    count = rng.choices((1, 2, 3, 4), (45, 27, 17, 11))[0]
    euros = _price(rng, *kind.prices)
    options: list[dict[str, str]]
    prices: list[int]
    if kind.sizes:
        start = rng.randrange(max(1, len(kind.sizes) - count + 1))
        sizes = kind.sizes[start : start + count]
        colour = rng.choice(kind.palette)
        step = max(2, euros // 8)
        options = [{"size": size, "colour": colour} for size in sizes]
        prices = [euros + step * index for index in range(len(sizes))]
    else:
        colours = rng.sample(kind.palette, k=min(count, len(kind.palette)))
        options = [{"colour": colour} for colour in colours]
        prices = [euros] * len(colours)
    on_sale = rng.random() < 0.2
    variants = []
    for option, price in zip(options, prices, strict=True):
        compare_at = None
        if on_sale:
            compare_at = Decimal(f"{max(price + 1, int(price * rng.uniform(1.15, 1.45)))}.99")
        roll = rng.random()
        stock = 0 if roll < 0.08 else rng.randint(1, 4) if roll < 0.15 else rng.randint(5, 200)
        variants.append(
            {
                "name": " / ".join(option.values()),
                "options": option,
                "price": Decimal(f"{price}.99"),
                "compare_at_price": compare_at,
                "stock": stock,
                "created_at": created_at,
            }
        )
    return variants


def _certifications(
    rng: random.Random, electronic: bool, created_at: datetime
) -> list[tuple[CertificationScheme, str]]:
    count = rng.choices((0, 1, 2, 3), (20, 40, 30, 10))[0]
    rest = [CertificationScheme.ASTM_F963, CertificationScheme.CCC]
    rest.append(CertificationScheme.EN71 if electronic else CertificationScheme.CE)
    rng.shuffle(rest)
    # EN71 is the EU toy standard; anything with batteries also needs CE.
    first = CertificationScheme.CE if electronic else CertificationScheme.EN71
    year = created_at.year - rng.choice((0, 0, 1))
    result = []
    for scheme in [first, *rest][:count]:
        if scheme is CertificationScheme.EN71:
            number = f"EN71-{year}-{rng.randint(100000, 999999)}"
        elif scheme is CertificationScheme.ASTM_F963:
            number = f"ASTM-F963-{year % 100:02d}-{rng.randint(10000, 99999)}"
        elif scheme is CertificationScheme.CCC:
            number = f"{year}{rng.randint(1, 16):02d}{rng.randint(10**9, 10**10 - 1)}"
        else:
            number = f"CE-TOY-{year}-{rng.randint(1000, 99999):05d}"
        result.append((scheme, number))
    return result
