"""Seed or import into a fresh database in its own process and print what tests assert, as JSON.

Tortoise keeps one global connection registry per process, so a test that needs an empty
database of its own (the shared session database already holds the demo store) runs this
script with DATABASE_URL pointing at a scratch SQLite file. With a PostgreSQL URL the script
creates a scratch database beside it and drops it afterwards.

    python tests/catalog/_store_facts.py seed --products 300 --seed 7
    python tests/catalog/_store_facts.py import path/to/transactions.csv
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import subprocess
import sys
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from api.db import apply_migrations, close_db, init_db  # noqa: E402
from api.settings import Settings, load_settings  # noqa: E402


def run_facts(*args: str, sqlite_path: Path, timeout: float = 120) -> dict[str, Any]:
    """Run this script in a new interpreter and return the facts it prints (for tests)."""
    env = dict(os.environ)
    if not env.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
        env["DATABASE_URL"] = f"sqlite://{sqlite_path}"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    facts: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return facts


@asynccontextmanager
async def _fresh_database(settings: Settings) -> AsyncIterator[Settings]:
    if not settings.is_postgres:
        yield settings
        return
    import asyncpg

    base, _, name = settings.database_url.replace("postgres://", "postgresql://", 1).rpartition("/")
    scratch = f"{name.split('?')[0]}_facts_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(f"{base}/postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{scratch}"')
        try:
            yield replace(settings, database_url=f"{base}/{scratch}")
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    finally:
        await admin.close()


async def seed_facts(products: int, seed: int) -> dict[str, Any]:
    from models.catalog import (
        Category,
        Certification,
        Product,
        ProductImage,
        ProductStatus,
        Tag,
        Variant,
    )
    from services.catalog.search import search_products
    from services.demo import seed_demo_store, store_is_empty
    from services.demo.catalogue import HISTORY_DAYS, REFERENCE_DATE

    empty_before = await store_is_empty()
    report = await seed_demo_store(products=products, seed=seed)
    categories = await Category.all().values("id", "slug", "parent_id", "path", "depth")
    by_id = {row["id"]: row for row in categories}
    bad_paths = [
        row["slug"]
        for row in categories
        if row["path"]
        != f"{by_id[row['parent_id']]['path'] if row['parent_id'] else '/'}{row['id']}/"
        or row["depth"] != row["path"].strip("/").count("/")
    ]
    rows = await Product.all().values(
        "id", "slug", "name", "status", "category_id", "min_age_months", "max_age_months",
        "battery_required", "battery_type", "price_min", "price_max", "rating_average",
        "search_document", "created_at", "materials", "brand__name",
    )  # fmt: skip
    variants = (
        await Variant.all()
        .order_by("sku")
        .values("sku", "product_id", "price", "compare_at_price", "stock", "options", "currency")
    )
    per_product: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for variant in variants:
        per_product[variant["product_id"]].append(variant)
    images = Counter(await ProductImage.all().values_list("product_id", flat=True))
    certificates = Counter(await Certification.all().values_list("product_id", flat=True))
    through = await Product.all().values_list("id", "tags__id")
    tags = Counter(product_id for product_id, tag_id in through if tag_id is not None)
    slug_of = {row["id"]: row["slug"] for row in rows}
    category_slug = {row["id"]: row["slug"] for row in categories}

    def in_category(slug: str) -> list[dict[str, Any]]:
        return [row for row in rows if category_slug[row["category_id"]] == slug]

    digest = hashlib.sha256()
    for variant in variants:
        line = f"{slug_of[variant['product_id']]}|{variant['sku']}|{variant['price']}|"
        digest.update(f"{line}{variant['stock']}\n".encode())
    oldest = REFERENCE_DATE - timedelta(days=HISTORY_DAYS)
    hits = await search_products("lego tecnic", limit=3)
    names = {row["id"]: row["name"] for row in rows}
    return {
        "report": report,
        "empty_before": empty_before,
        "empty_after": await store_is_empty(),
        "counts": {
            "products": len(rows),
            "categories": len(categories),
            "tags": await Tag.all().count(),
            "variants": len(variants),
        },
        "max_depth": max(row["depth"] for row in categories),
        "bad_paths": bad_paths,
        "digest": digest.hexdigest(),
        "statuses": Counter(str(row["status"].value) for row in rows),
        "prices_not_cents": [
            v["sku"] for v in variants if Decimal(v["price"]).as_tuple().exponent != -2
        ],
        "prices_not_99": [v["sku"] for v in variants if not str(v["price"]).endswith(".99")],
        "compare_at_not_higher": [
            v["sku"]
            for v in variants
            if v["compare_at_price"] is not None and v["compare_at_price"] <= v["price"]
        ],
        "on_sale_share": sum(v["compare_at_price"] is not None for v in variants) / len(variants),
        "out_of_stock_share": sum(v["stock"] == 0 for v in variants) / len(variants),
        "variants_without_options": [v["sku"] for v in variants if not v["options"]],
        "non_eur": [v["sku"] for v in variants if v["currency"] != "EUR"],
        "variant_counts": sorted({len(vs) for vs in per_product.values()}),
        "image_counts": sorted(set(images[row["id"]] for row in rows)),
        "certification_counts": sorted(set(certificates[row["id"]] for row in rows)),
        "tag_counts": sorted(set(tags[row["id"]] for row in rows)),
        "price_range_wrong": [
            row["slug"]
            for row in rows
            if (row["price_min"], row["price_max"])
            != (
                min(v["price"] for v in per_product[row["id"]]),
                max(v["price"] for v in per_product[row["id"]]),
            )
        ],
        "search_document_missing_brand": [
            row["slug"] for row in rows if row["brand__name"] not in row["search_document"]
        ],
        "created_outside_window": [
            row["slug"]
            for row in rows
            if row["created_at"].utcoffset() != timedelta(0)
            or not oldest <= row["created_at"] <= REFERENCE_DATE
        ],
        "bad_ratings": [
            row["slug"]
            for row in rows
            if row["rating_average"] is not None and not 1 <= row["rating_average"] <= 5
        ],
        "without_materials": [row["slug"] for row in rows if not row["materials"]],
        "technic": {
            "active_lego": sum(
                row["status"] == ProductStatus.ACTIVE and row["brand__name"] == "LEGO"
                for row in in_category("technic")
            ),
            "min_ages": sorted({row["min_age_months"] for row in in_category("technic")}),
        },
        "rc_without_battery": [
            row["slug"] for row in in_category("remote-control-cars") if not row["battery_required"]
        ],
        "soft_toys_with_battery": [
            row["slug"] for row in in_category("soft-toys") if row["battery_required"]
        ],
        "rattle_max_ages": sorted(
            {row["max_age_months"] or 999 for row in in_category("rattles-teethers")}
        ),
        "lego_tecnic_top": [names[hit.product_id] for hit in hits],
    }


async def import_facts(path: Path) -> dict[str, Any]:
    from models.catalog import Category, Product, Variant
    from services.catalog.importer import import_catalog

    first = await import_catalog(path=path)
    second = await import_catalog(path=path)
    lantern = await Product.get(external_ref="online-retail:85123A")
    original_name = lantern.name
    # Someone edits an imported fact by hand: the next import puts the source value back.
    await Product.filter(id=lantern.id).update(name="Renamed By Hand")
    await Variant.filter(sku="OR-85123A").update(stock=7)
    third = await import_catalog(path=path)
    variant = await Variant.get(sku="OR-85123A")
    root = await Category.get(slug="online-retail")
    products = await Product.filter(external_ref__startswith="online-retail:").values(
        "name", "external_ref", "status", "currency", "price_min", "category_id", "brand__slug"
    )
    return {
        "first": first,
        "second": second,
        "third": third,
        "lantern": {
            "name": original_name,
            "restored_name": (await Product.get(id=lantern.id)).name,
            "price": str(variant.price),
            "currency": variant.currency,
            "stock_after_reimport": variant.stock,
            "price_min": str((await Product.get(id=lantern.id)).price_min),
        },
        "root": {"path": root.path, "depth": root.depth, "id": root.id},
        "names": sorted(row["name"] for row in products),
        "codes": sorted(row["external_ref"].split(":", 1)[1] for row in products),
        "statuses": sorted({str(row["status"].value) for row in products}),
        "currencies": sorted({row["currency"] for row in products}),
        "categories": sorted({row["category_id"] for row in products}),
        "brands": sorted({row["brand__slug"] for row in products}),
        "without_price": sum(row["price_min"] is None for row in products),
        "variants": await Variant.filter(sku__startswith="OR-").count(),
    }


async def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    seed = sub.add_parser("seed")
    seed.add_argument("--products", type=int, default=300)
    seed.add_argument("--seed", type=int, default=7)
    imp = sub.add_parser("import")
    imp.add_argument("csv", type=Path)
    args = parser.parse_args(argv)

    async with _fresh_database(load_settings()) as settings:
        try:
            # Closing even when migrations fail: an open aiosqlite thread would keep this
            # process, and the test waiting on it, alive.
            await apply_migrations(settings)
            await init_db(settings)
            if args.command == "seed":
                facts = await seed_facts(args.products, args.seed)
            else:
                facts = await import_facts(args.csv)
        finally:
            await close_db()
    print(json.dumps(facts, default=str, sort_keys=True))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
