"""Builds the deterministic demo toy store behind `shopgraph seed`."""

from __future__ import annotations

import random

from tortoise.connection import get_connection
from tqdm import tqdm

from models.catalog import (
    Brand,
    Category,
    Certification,
    Product,
    ProductImage,
    Tag,
    Variant,
)
from services import sql
from services.catalog.denormalize import analyze_tables, refresh_products
from services.catalog.importer import slugify
from services.demo.catalogue import BATCH_SIZE, BRANDS, TAG_NAMES, TAGS, TREE, Node
from services.demo.products import Leaf, Spec, build_specs
from services.transactions import transaction


async def store_is_empty() -> bool:
    """True when the catalog has no products yet."""
    return not await Product.exists()


async def seed_demo_store(
    *, products: int = 600, seed: int = 7, progress: bool = False
) -> dict[str, int]:
    """Build the deterministic demo toy store; the same seed always gives the same store."""
    rng = random.Random(seed)
    async with transaction():
        leaves, category_count = await _create_categories()
        brand_ids = await _create_brands()
        tag_ids = await _create_tags()
        specs = build_specs(rng, leaves, products)
        counts = await _insert_specs(specs, brand_ids, tag_ids, progress=progress)
        await refresh_products()
    await analyze_tables()
    return {
        "categories": category_count,
        "brands": len(brand_ids),
        "tags": len(tag_ids),
        "products": len(specs),
        **counts,
    }


async def _create_categories() -> tuple[list[Leaf], int]:
    # Forty-odd rows: created one by one because each path needs its own new id.
    leaves: list[Leaf] = []
    used: set[str] = set()
    count = 0

    async def create(node: Node, parent: Category | None, trail: list[str], pos: int) -> None:
        nonlocal count
        slug = node.slug or slugify(node.name)
        if slug in used:
            slug = slugify(" ".join([*trail, node.name]))
        used.add(slug)
        category = await Category.create(
            slug=slug,
            name=node.name,
            description=_category_description(node),
            parent=parent,
            path="",
            depth=len(trail),
            position=pos,
        )
        category.path = f"{parent.path if parent else '/'}{category.id}/"
        await category.save(update_fields=["path"])
        count += 1
        if node.kind is not None:
            leaves.append(Leaf(category.id, parent.id if parent else None, node.name, node.kind))
        for index, child in enumerate(node.children):
            await create(child, category, [*trail, node.name], index)

    for position, root in enumerate(TREE):
        await create(root, None, [], position)
    return leaves, count


def _category_description(node: Node) -> str:
    if node.children:
        names = ", ".join(child.name.lower() for child in node.children[:3])
        return f"{node.name}: {names} and more."
    return f"Hand-picked {node.name.lower()} for curious kids."


async def _create_brands() -> dict[str, int]:
    await Brand.bulk_create([Brand(slug=slugify(name), name=name) for name in BRANDS])
    rows = await Brand.filter(slug__in=[slugify(name) for name in BRANDS]).values_list("slug", "id")
    return {slug: brand_id for slug, brand_id in rows}


async def _create_tags() -> dict[str, int]:
    await Tag.bulk_create([Tag(slug=slug, name=_tag_name(slug)) for slug in TAGS])
    rows = await Tag.filter(slug__in=TAGS).values_list("slug", "id")
    return {slug: tag_id for slug, tag_id in rows}


def _tag_name(slug: str) -> str:
    return TAG_NAMES.get(slug) or slug.replace("-", " ").capitalize()


async def _insert_specs(
    specs: list[Spec], brand_ids: dict[str, int], tag_ids: dict[str, int], *, progress: bool
) -> dict[str, int]:
    conn = get_connection("default")
    through_sql = (
        f"INSERT INTO product_tag (product_id, tag_id) VALUES ({', '.join(sql.marks(conn, 2))})"
    )
    counts = {"variants": 0, "images": 0, "certifications": 0, "product_tags": 0}
    with tqdm(total=len(specs), unit="product", desc="seeding", disable=not progress) as bar:
        for start in range(0, len(specs), BATCH_SIZE):
            batch = specs[start : start + BATCH_SIZE]
            await Product.bulk_create(
                [
                    Product(
                        **{k: v for k, v in s.product.items() if k != "brand"},
                        brand_id=brand_ids[slugify(s.product["brand"])],
                    )
                    for s in batch
                ],
                batch_size=BATCH_SIZE,
            )
            ids = dict(
                await Product.filter(slug__in=[s.product["slug"] for s in batch]).values_list(
                    "slug", "id"
                )
            )
            variants: list[Variant] = []
            images: list[ProductImage] = []
            certificates: list[Certification] = []
            links: list[list[int]] = []
            for spec in batch:
                product_id = ids[spec.product["slug"]]
                for position, variant in enumerate(spec.variants):
                    variants.append(Variant(product_id=product_id, position=position, **variant))
                for position, (url, alt) in enumerate(spec.images):
                    images.append(
                        ProductImage(
                            product_id=product_id, url=url, alt_text=alt, position=position
                        )
                    )
                for scheme, number in spec.certifications:
                    certificates.append(
                        Certification(
                            product_id=product_id, scheme=scheme, certificate_number=number
                        )
                    )
                links.extend([product_id, tag_ids[slug]] for slug in spec.tag_slugs)
            await Variant.bulk_create(variants, batch_size=BATCH_SIZE)
            await ProductImage.bulk_create(images, batch_size=BATCH_SIZE)
            await Certification.bulk_create(certificates, batch_size=BATCH_SIZE)
            if links:
                await conn.execute_many(through_sql, links)
            counts["variants"] += len(variants)
            counts["images"] += len(images)
            counts["certifications"] += len(certificates)
            counts["product_tags"] += len(links)
            bar.update(len(batch))
    return counts
