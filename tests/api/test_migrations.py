"""The migrations build exactly the tables and columns the models declare, on this database."""

from typing import Any

from tortoise import Tortoise, connections

from api.db import APP_LABEL


async def _database_columns() -> dict[str, set[str]]:
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    columns: dict[str, set[str]] = {}
    if dialect == "postgres":
        rows = await conn.execute_query_dict(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        )
        for row in rows:
            columns.setdefault(row["table_name"], set()).add(row["column_name"])
    else:
        tables = await conn.execute_query_dict(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE 'product_fts%'"
        )
        for table in tables:
            info = await conn.execute_query_dict(f"PRAGMA table_info('{table['name']}')")
            columns[table["name"]] = {row["name"] for row in info}
    return columns


def _model_columns() -> dict[str, set[str]]:
    expected: dict[str, set[str]] = {}
    for model in Tortoise.apps[APP_LABEL].values():
        meta: Any = model._meta
        expected[meta.db_table] = set(meta.fields_db_projection.values())
        for field_name in meta.m2m_fields:
            field = meta.fields_map[field_name]
            expected[field.through] = {field.backward_key, field.forward_key}
    return expected


async def test_database_schema_matches_models(database: Any) -> None:
    actual = await _database_columns()
    expected = _model_columns()
    for table, columns in expected.items():
        assert table in actual, f"table {table} is declared by a model but not migrated"
        assert actual[table] == columns, f"{table}: migrated {actual[table]} != model {columns}"
    unexpected = set(actual) - set(expected) - {"tortoise_migrations"}
    assert not unexpected, f"tables without a model: {unexpected}"


async def test_models_have_no_unmigrated_changes(database: Any) -> None:
    from tortoise.migrations.autodetector import MigrationAutodetector

    from api.db import tortoise_config

    config = tortoise_config(database)
    detector = MigrationAutodetector(Tortoise.apps, config["apps"])
    writers = await detector.changes()
    assert not writers, "models changed without a migration: run `make migrations`"


def test_a_column_added_to_an_existing_table_can_fill_its_old_rows() -> None:
    """ALTER TABLE ... ADD COLUMN ... NOT NULL needs a database default on a table with rows
    (PostgreSQL and SQLite both refuse it otherwise): every such AddField carries db_default,
    so upgrading a shop with data works, not only a fresh database."""
    import importlib
    import pkgutil

    from tortoise.migrations import operations as ops

    import migrations as package

    missing = []
    for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        migration = importlib.import_module(f"migrations.{module.name}").Migration
        for operation in migration.operations:
            if not isinstance(operation, ops.AddField):
                continue
            field = operation.field
            if field.null or field.has_db_default() or getattr(field, "pk", False):
                continue
            missing.append(f"{module.name}: {operation.model_name}.{operation.name}")
    assert missing == []
