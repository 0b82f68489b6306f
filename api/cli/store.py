"""Commands on the store's data: migrate, seed, imports, sweeps, schema, staff, documents."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from api.cli.common import _redacted, _with_db
from api.settings import Settings


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from api.db import apply_migrations

    asyncio.run(apply_migrations(settings))
    print(f"migrations applied to {_redacted(settings.database_url)}")
    return 0


def cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    from services.demo import seed_demo_store, store_is_empty

    async def work() -> dict[str, int] | None:
        if args.if_empty and not await store_is_empty():
            return None
        return await seed_demo_store(
            products=args.products * args.scale, seed=args.seed, progress=not args.quiet
        )

    report = asyncio.run(_with_db(settings, work))
    if report is None:
        print("catalog already has products; nothing seeded")
    else:
        print("seeded demo store: " + json.dumps(report))
    return 0


def cmd_import_catalog(args: argparse.Namespace, settings: Settings) -> int:
    from services.catalog.importer import import_catalog

    path = Path(args.file)
    if not path.exists():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 2
    report = asyncio.run(_with_db(settings, lambda: import_catalog(path=path)))
    print("imported catalog: " + json.dumps(report))
    return 0


def cmd_import_orders(args: argparse.Namespace, settings: Settings) -> int:
    import time

    from services.flows.order_import import import_orders

    path = Path(args.file)
    if not path.exists():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 2
    started = time.perf_counter()
    report = asyncio.run(_with_db(settings, lambda: import_orders(path=path)))
    print(f"imported orders in {time.perf_counter() - started:.1f}s: " + json.dumps(report))
    return 0


def cmd_release_reservations(args: argparse.Namespace, settings: Settings) -> int:
    from services.orders.reservations import release_expired_reservations

    released = asyncio.run(_with_db(settings, release_expired_reservations))
    print(f"released {released} unpaid orders whose reservation expired")
    return 0


def cmd_membership_expire(args: argparse.Namespace, settings: Settings) -> int:
    from services.membership.expiry import run_daily

    done = asyncio.run(_with_db(settings, run_daily))
    print(", ".join(f"{name}: {count}" for name, count in done.items()))
    return 0


def cmd_membership_birthdays(args: argparse.Namespace, settings: Settings) -> int:
    from services.flows.birthdays import run_daily

    done = asyncio.run(_with_db(settings, run_daily))
    print(", ".join(f"{name}: {count}" for name, count in done.items()))
    return 0


def cmd_cases_sweep(args: argparse.Namespace, settings: Settings) -> int:
    from services.aftersales import close_solved, offer_surveys, sla_sweep

    async def work() -> tuple[int, int, int]:
        return await sla_sweep(), await offer_surveys(), await close_solved(days=args.days)

    breached, offered, closed = asyncio.run(_with_db(settings, work))
    print(
        f"flagged {breached} SLA warnings and breaches, offered {offered} surveys, "
        f"closed {closed} solved cases"
    )
    return 0


def cmd_export_schema(args: argparse.Namespace, settings: Settings) -> int:
    from schema import schema_sdl

    sdl = schema_sdl()
    if args.output == "-":
        sys.stdout.write(sdl)
    else:
        Path(args.output).write_text(sdl, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


def cmd_create_staff(args: argparse.Namespace, settings: Settings) -> int:
    import getpass

    from models.accounts import Permission
    from services.accounts.users import create_staff
    from services.errors import DomainError

    permissions = list(Permission) if args.all_permissions else args.permission
    if not permissions:
        print("error: give --permission at least once, or --all-permissions", file=sys.stderr)
        return 2
    password = args.password
    if password is None and sys.stdin.isatty():
        password = getpass.getpass("Password (leave empty to keep an existing one): ") or None

    async def work() -> tuple[Any, bool]:
        return await create_staff(email=args.email, password=password, permissions=permissions)

    try:
        user, created = asyncio.run(_with_db(settings, work))
    except DomainError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    action = "created" if created else "updated"
    print(f"{action} staff user {user.email} with " + ", ".join(sorted(user.permissions)))
    return 0


def cmd_documents_register(args: argparse.Namespace, settings: Settings) -> int:
    """Register a client's operations from its manifest: the trusted documents to run."""
    from graphql import GraphQLError, parse, validate

    from schema import build_schema
    from services.documents import ManifestError, TrustedDocuments, parse_manifest

    try:
        found = parse_manifest(json.loads(Path(args.file).read_text(encoding="utf-8")))
    except (OSError, ValueError, ManifestError) as error:
        print(f"error: {args.file}: {error}", file=sys.stderr)
        return 2
    schema = build_schema()._schema
    for document_id, body in found.items():
        try:
            errors = validate(schema, parse(body))
        except GraphQLError as error:
            errors = [error]
        if errors:
            print(f"error: operation {document_id}: {errors[0].message}", file=sys.stderr)
            return 2
    path = Path(args.registry or settings.trusted_documents_file)
    added, total = TrustedDocuments(path).register(found)
    print(f"{added} new of {len(found)} ids registered; {path} holds {total}")
    return 0
