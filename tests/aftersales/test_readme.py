"""The README's after-sales examples are valid operations of the schema (they name ids of a
shop's own data, so they are validated, not run)."""

from __future__ import annotations

import re
from pathlib import Path

from graphql import parse, validate

from schema import build_schema

README = Path(__file__).resolve().parents[2] / "README.md"


def _operations() -> list[str]:
    section = README.read_text(encoding="utf-8").split("## After-sales\n", 1)[1]
    block = re.findall(r"```graphql\n(.*?)```", section.split("\n## ", 1)[0], re.S)[0]
    text = "\n".join(line for line in block.splitlines() if not line.startswith("#"))
    return [part for part in re.split(r"\n(?=mutation |query |subscription )", text) if part]


def test_every_after_sales_example_is_valid() -> None:
    schema = build_schema()
    operations = _operations()
    assert len(operations) >= 14
    for operation in operations:
        assert validate(schema._schema, parse(operation)) == [], operation
