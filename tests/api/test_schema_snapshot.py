"""schema.graphql is the contract frontend teams read; it must match the code."""

from pathlib import Path

from schema import schema_sdl

SNAPSHOT = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_checked_in_schema_matches_code() -> None:
    assert SNAPSHOT.exists(), "schema.graphql is missing: run `make schema`"
    assert SNAPSHOT.read_text(encoding="utf-8") == schema_sdl(), (
        "schema.graphql is out of date: run `make schema` and commit the diff"
    )
