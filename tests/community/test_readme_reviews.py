"""The README's Reviews and Questions and answers examples are valid operations."""

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
    for title in ("### Reviews", "### Questions and answers"):
        section = text.split(title, 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        for block in re.findall(r"```graphql\n(.*?)```", section, re.S):
            found += [
                op.strip()
                for op in re.split(r"\n(?=mutation |query |subscription |# )", block)
                if op.strip() and not op.lstrip().startswith("#")
            ]
    return found


@pytest.mark.parametrize("operation", _examples())
def test_example_is_valid(operation: str) -> None:
    schema = build_schema()._schema
    assert validate(schema, parse(operation)) == []


def test_there_are_examples() -> None:
    assert len(_examples()) >= 12
