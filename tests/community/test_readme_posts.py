"""The README's Moderation and Posts examples are valid operations of the schema."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from graphql import parse, validate

from schema import build_schema

README = Path(__file__).resolve().parents[2] / "README.md"


def _examples() -> list[str]:
    text = README.read_text(encoding="utf-8")
    found = []
    for title in ("### Moderation", "### Posts"):
        section = text.split(title, 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        for block in re.findall(r"```graphql\n(.*?)```", section, re.S):
            # One operation per line group: split where a new top-level operation starts.
            found += [
                op.strip()
                for op in re.split(r"\n(?=mutation |query |subscription )", block)
                if op.strip() and not op.lstrip().startswith("#")
            ]
    return found


@pytest.mark.parametrize("operation", _examples())
def test_example_is_valid(operation: str) -> None:
    schema = build_schema()._schema
    source = "\n".join(line for line in operation.splitlines() if not line.startswith("#"))
    assert validate(schema, parse(source)) == []


def test_there_are_examples() -> None:
    assert len(_examples()) >= 10
