"""The catalog importer reads the Online Retail CSV into products, idempotently."""

from __future__ import annotations

import csv
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from services.catalog.importer import clean_title, read_catalog
from tests.catalog._store_facts import run_facts

RETAIL_CSV = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "online-retail" / "transactions.csv"
)
HEADER = "invoice_no,stock_code,description,quantity,invoice_date,unit_price,customer_id,country\n"


def _write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "transactions.csv"
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def test_read_catalog_applies_the_cleaning_rules(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "1,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01T08:26:00,2.55,1,UK",
        "2,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01T08:27:00,2.95,1,UK",
        "3,85123a,WHITE HANGING HEART T-LIGHT HOLDER,1,2010-12-01T08:28:00,2.95,,UK",
        "4,85123A,CREAM HANGING HEART T-LIGHT HOLDER,1,2010-12-01T08:29:00,2.95,,UK",
        # Zero-priced adjustments never name or price a product.
        "5,85123A,check,-20,2010-12-01T08:30:00,0,,UK",
        "6,85123A,check,-20,2010-12-01T08:31:00,0,,UK",
        "7,85123A,check,-20,2010-12-01T08:32:00,0,,UK",
        "8,22000,damaged,-3,2010-12-01T08:33:00,0,,UK",
        "9,POST,POSTAGE,1,2010-12-01T08:34:00,18.00,,France",
        "10,gift_0001_20,Dotcomgiftshop Gift Voucher £20.00,1,2010-12-01T08:35:00,16.67,,UK",
        "11,21755,LOVE BUILDING BLOCK WORD.,3,2010-12-01T08:36:00,5.95,1,UK",
        "12,21756,,3,2010-12-01T08:37:00,5.95,1,UK",
    )
    items, skipped = read_catalog(path)
    by_code = {item.stock_code: item for item in items}
    assert sorted(by_code) == ["21755", "85123A"]
    assert by_code["85123A"].name == "White Hanging Heart T-Light Holder"
    assert by_code["85123A"].price == Decimal("2.95")
    assert by_code["21755"].name == "Love Building Block Word"
    assert by_code["21755"].sku == "OR-21755"
    assert by_code["21755"].external_ref == "online-retail:21755"
    assert skipped == 4  # 22000 (no price), POST, the voucher, 21756 (no description)


def test_clean_title_keeps_units_and_apostrophes() -> None:
    assert clean_title("  BAG 125g SWIRLY  MARBLES. ") == "Bag 125g Swirly Marbles"
    assert clean_title("CHILDREN'S APRON SPACEBOY") == "Children's Apron Spaceboy"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not RETAIL_CSV.exists():
        pytest.skip(f"the Online Retail data set is not at {RETAIL_CSV}")
    path = tmp_path_factory.mktemp("import") / "import.sqlite3"
    return run_facts("import", str(RETAIL_CSV), sqlite_path=path)


def _expected_codes() -> dict[str, Counter[str]]:
    descriptions: dict[str, Counter[str]] = {}
    with RETAIL_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["description"] and Decimal(row["unit_price"]) > 0:
                code = row["stock_code"].upper()
                descriptions.setdefault(code, Counter())[row["description"].strip()] += 1
    return descriptions


def test_first_import_creates_one_product_per_stock_code(imported: dict[str, Any]) -> None:
    first = imported["first"]
    descriptions = _expected_codes()
    non_products = {"POST", "D", "M", "DOT", "BANK CHARGES", "AMAZONFEE", "C2", "CRUK", "S"}
    assert 3000 < first["created"] == first["products"] == len(imported["codes"])
    assert set(imported["codes"]) <= set(descriptions)
    assert not set(imported["codes"]) & non_products
    assert not [code for code in imported["codes"] if code.startswith("GIFT")]
    assert imported["variants"] == first["created"]
    assert imported["without_price"] == 0


def test_names_come_from_the_csv(imported: dict[str, Any]) -> None:
    every_description = {
        " ".join(text.split()).strip(" .,;:-").lower()
        for counter in _expected_codes().values()
        for text in counter
    }
    assert all(name.lower() in every_description for name in imported["names"])
    assert imported["lantern"]["name"] == "White Hanging Heart T-Light Holder"


def test_products_are_active_gbp_in_the_online_retail_root(imported: dict[str, Any]) -> None:
    assert imported["statuses"] == ["active"]
    assert imported["currencies"] == ["GBP"]
    assert imported["brands"] == ["online-retail"]
    assert imported["categories"] == [imported["root"]["id"]]
    assert imported["root"]["depth"] == 0
    assert imported["root"]["path"] == f"/{imported['root']['id']}/"
    assert imported["lantern"]["price"] == "2.95"
    assert imported["lantern"]["currency"] == "GBP"
    assert imported["lantern"]["price_min"] == "2.95"


def test_second_import_changes_nothing(imported: dict[str, Any]) -> None:
    second = imported["second"]
    assert second["created"] == 0
    assert second["updated"] == 0
    assert second["unchanged"] == imported["first"]["products"]


def test_reimport_restores_source_facts_but_keeps_shop_stock(imported: dict[str, Any]) -> None:
    third = imported["third"]
    assert (third["created"], third["updated"]) == (0, 1)
    assert imported["lantern"]["restored_name"] == imported["lantern"]["name"]
    assert imported["lantern"]["stock_after_reimport"] == 7
