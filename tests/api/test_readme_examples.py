"""The README's example queries run against the demo store without errors."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from strawberry.relay import to_base64

from models.catalog import Product, ProductStatus

README = Path(__file__).resolve().parents[2] / "README.md"


def _catalog_examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Example queries", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```graphql\n(.*?)```", section, re.S)


@pytest.mark.usefixtures("demo_store")
@pytest.mark.parametrize("query", _catalog_examples())
async def test_readme_example_runs(gql: Any, query: str) -> None:
    variables: dict[str, Any] = {}
    if "$ids" in query:
        products = await Product.filter(status=ProductStatus.ACTIVE).order_by("id").limit(2)
        variables["ids"] = [to_base64("Product", p.id) for p in products]
    body = await gql(query, variables)
    assert "errors" not in body, body
    assert all(value is not None for value in body["data"].values()), body


def test_readme_has_examples() -> None:
    assert len(_catalog_examples()) >= 4
