"""The demo seeder builds a realistic, deterministic toy store in an empty database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.catalog._store_facts import run_facts

PRODUCTS = 300


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path: Path = tmp_path_factory.mktemp("seed") / "first.sqlite3"
    return run_facts("seed", "--products", str(PRODUCTS), "--seed", "7", sqlite_path=path)


def test_seed_reports_and_stores_the_requested_size(store: dict[str, Any]) -> None:
    assert store["empty_before"] is True
    assert store["empty_after"] is False
    assert store["report"]["products"] == store["counts"]["products"] == PRODUCTS
    assert store["report"]["variants"] == store["counts"]["variants"]
    assert store["report"]["categories"] == store["counts"]["categories"]
    assert 30 <= store["counts"]["categories"] <= 60
    assert 35 <= store["counts"]["tags"] <= 45


def test_category_tree_is_three_levels_with_consistent_paths(store: dict[str, Any]) -> None:
    assert store["max_depth"] >= 2
    assert store["bad_paths"] == []


def test_prices_are_cents_at_99_and_sales_are_real_discounts(store: dict[str, Any]) -> None:
    assert store["prices_not_cents"] == []
    assert store["prices_not_99"] == []
    assert store["compare_at_not_higher"] == []
    assert 0.08 <= store["on_sale_share"] <= 0.35
    assert 0.02 <= store["out_of_stock_share"] <= 0.2
    assert store["non_eur"] == []
    assert store["variants_without_options"] == []
    assert store["price_range_wrong"] == [], "refresh_products must fill price_min/price_max"


def test_every_product_has_its_parts(store: dict[str, Any]) -> None:
    assert set(store["variant_counts"]) <= {1, 2, 3, 4} and max(store["variant_counts"]) > 1
    assert store["image_counts"] == [1, 2, 3]
    assert set(store["certification_counts"]) <= {0, 1, 2, 3}
    assert set(store["tag_counts"]) <= {0, 1, 2, 3, 4}
    assert store["without_materials"] == []
    assert store["search_document_missing_brand"] == []


def test_status_mix_is_mostly_active_with_some_drafts(store: dict[str, Any]) -> None:
    statuses = store["statuses"]
    assert 0.85 <= statuses["active"] / PRODUCTS <= 0.97
    assert statuses.get("draft", 0) >= 1


def test_dates_and_ratings_are_plausible(store: dict[str, Any]) -> None:
    assert store["created_outside_window"] == []
    assert store["bad_ratings"] == []


def test_attributes_fit_the_category(store: dict[str, Any]) -> None:
    assert store["technic"]["active_lego"] >= 5
    assert min(store["technic"]["min_ages"]) >= 96
    assert store["rc_without_battery"] == []
    assert store["soft_toys_with_battery"] == []
    assert max(store["rattle_max_ages"]) <= 24


def test_typo_search_finds_technic_sets(store: dict[str, Any]) -> None:
    top = store["lego_tecnic_top"]
    assert top and all("LEGO Technic" in name for name in top)


def test_same_seed_gives_the_same_store_and_another_seed_does_not(
    store: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("seed-again")
    again = run_facts(
        "seed", "--products", str(PRODUCTS), "--seed", "7", sqlite_path=folder / "again.sqlite3"
    )
    other = run_facts(
        "seed", "--products", str(PRODUCTS), "--seed", "8", sqlite_path=folder / "other.sqlite3"
    )
    assert again["digest"] == store["digest"]
    assert again["report"] == store["report"]
    assert other["digest"] != store["digest"]
