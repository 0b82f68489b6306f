"""Full-text and typo-tolerant search: pg_trgm + tsvector on PostgreSQL, FTS5 on SQLite."""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS product_search_tsv_idx ON product USING GIN "
    "(to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(search_document, '')))",
    "CREATE INDEX IF NOT EXISTS product_name_trgm_idx ON product USING GIN (lower(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS product_search_trgm_idx ON product USING GIN "
    "(lower(search_document) gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS product_search_trgm_idx",
    "DROP INDEX IF EXISTS product_name_trgm_idx",
    "DROP INDEX IF EXISTS product_search_tsv_idx",
]
# An external-content FTS5 table kept in sync by triggers, so every write path (ORM,
# raw SQL, imports) updates the index without remembering to.
SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS product_fts USING fts5("
    "name, search_document, content='product', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS product_fts_ai AFTER INSERT ON product BEGIN "
    "INSERT INTO product_fts(rowid, name, search_document) "
    "VALUES (new.id, new.name, new.search_document); END",
    "CREATE TRIGGER IF NOT EXISTS product_fts_ad AFTER DELETE ON product BEGIN "
    "INSERT INTO product_fts(product_fts, rowid, name, search_document) "
    "VALUES ('delete', old.id, old.name, old.search_document); END",
    "CREATE TRIGGER IF NOT EXISTS product_fts_au AFTER UPDATE OF name, search_document "
    "ON product BEGIN "
    "INSERT INTO product_fts(product_fts, rowid, name, search_document) "
    "VALUES ('delete', old.id, old.name, old.search_document); "
    "INSERT INTO product_fts(rowid, name, search_document) "
    "VALUES (new.id, new.name, new.search_document); END",
    "INSERT INTO product_fts(product_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS product_fts_au",
    "DROP TRIGGER IF EXISTS product_fts_ad",
    "DROP TRIGGER IF EXISTS product_fts_ai",
    "DROP TABLE IF EXISTS product_fts",
]


async def _run(schema_editor: Any, postgres: list[str], sqlite: list[str]) -> None:
    dialect = schema_editor.client.capabilities.dialect
    statements = postgres if dialect == "postgres" else sqlite if dialect == "sqlite" else []
    for statement in statements:
        await schema_editor.client.execute_script(statement)


async def forward(apps: Any, schema_editor: Any) -> None:
    await _run(schema_editor, POSTGRES_FORWARD, SQLITE_FORWARD)


async def backward(apps: Any, schema_editor: Any) -> None:
    await _run(schema_editor, POSTGRES_BACKWARD, SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("shopgraph", "0001_initial")]

    operations = [ops.RunPython(forward, backward)]
