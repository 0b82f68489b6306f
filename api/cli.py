"""The `shopgraph` command: serve, migrate, seed, import-catalog, export-schema, create-staff."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from api.settings import ROOT_DIR, Settings, SettingsError, config, load_settings

DEFAULT_RETAIL_CSV = ROOT_DIR.parent / "shared" / "data" / "online-retail" / "transactions.csv"


async def _with_db(settings: Settings, work: Callable[[], Awaitable[Any]]) -> Any:
    from api.db import close_db, init_db

    await init_db(settings)
    try:
        return await work()
    finally:
        await close_db()


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


def cmd_cases_sweep(args: argparse.Namespace, settings: Settings) -> int:
    from services.aftersales import close_solved, sla_sweep

    async def work() -> tuple[int, int]:
        return await sla_sweep(), await close_solved(days=args.days)

    breached, closed = asyncio.run(_with_db(settings, work))
    print(f"flagged {breached} SLA breaches, closed {closed} solved cases")
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


def cmd_recommender_evaluate(args: argparse.Namespace, settings: Settings) -> int:
    from services.feed.evaluation import evaluate_csv

    path = Path(args.events)
    if not path.exists():
        print(f"error: {path} does not exist", file=sys.stderr)
        return 2
    protocols = {"both": ["random", "time"], "all": ["random", "time", "user-time"]}.get(
        args.protocol, [args.protocol]
    )
    try:
        report = evaluate_csv(
            path=path, protocols=protocols, k=args.k, seed=args.seed, threads=args.threads
        )
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"{path.name}: {report.rows} rows")
    for table in report.tables:
        print()
        print(table)
    return 0


def cmd_recommender_train(args: argparse.Namespace, settings: Settings) -> int:
    from services.feed.training import TrainingBusy, train

    directory = Path(args.model_dir) if args.model_dir else None
    try:
        report = asyncio.run(
            _with_db(settings, lambda: train(directory=directory, progress=not args.quiet))
        )
    except TrainingBusy as busy:
        print(f"skipped: {busy}")
        return 0
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        f"published feed model {report.version}: {report.events} events, {report.shoppers} "
        f"shoppers, {report.items} products; read {report.read_seconds:.1f}s, "
        f"fit {report.fit_seconds:.1f}s -> {report.path}"
    )
    return 0


def server_options(settings: Settings) -> dict[str, Any]:
    """How uvicorn runs the app; `benchmarks/http` starts its servers with the same options.

    uvloop and httptools (uvicorn[standard]) are named rather than left to `auto`, so that a
    missing one shows here instead of silently costing a third of the throughput; the
    access log is off in production, where it costs a log line per request (the request id
    middleware still stamps every log line that a request writes).
    """
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    access_log = config("SHOPGRAPH_ACCESS_LOG", cast=bool, default=not settings.is_production)
    return {
        "loop": loop,
        "http": http,
        "workers": config("SHOPGRAPH_WORKERS", cast=int, default=1),
        "access_log": access_log,
    }


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from api.logs import configure_logging

    configure_logging(settings)
    options = server_options(settings)
    if args.workers is not None:
        options["workers"] = args.workers
    if args.access_log is not None:
        options["access_log"] = args.access_log
    uvicorn.run(
        "api.app:create_served_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        reload=args.reload,
        log_level=settings.log_level.lower(),
        **options,
    )
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from api.logs import configure_logging
    from api.worker import MigrationsPending, run_worker

    configure_logging(settings)
    try:
        asyncio.run(run_worker(settings))
    except MigrationsPending as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
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


def _redacted(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def _permissions() -> list[Any]:
    from models.accounts import Permission

    return list(Permission)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shopgraph", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the API (GraphiQL at /graphql)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (default SHOPGRAPH_WORKERS, else 1); about one per core",
    )
    serve.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="one log line per request (default SHOPGRAPH_ACCESS_LOG, else off in production)",
    )
    serve.add_argument("--reload", action="store_true")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser(
        "worker", help="event relay, consumers and webhook deliveries without HTTP (several ok)"
    )
    worker.set_defaults(func=cmd_worker)

    migrate = sub.add_parser("migrate", help="apply pending database migrations")
    migrate.set_defaults(func=cmd_migrate)

    seed = sub.add_parser("seed", help="build the deterministic demo toy store")
    seed.add_argument("--products", type=int, default=600, help="products at scale 1")
    seed.add_argument("--scale", type=int, default=1, help="multiply the store size")
    seed.add_argument("--seed", type=int, default=7, help="random seed (same seed, same store)")
    seed.add_argument("--if-empty", action="store_true", help="only when there are no products")
    seed.add_argument("--quiet", action="store_true")
    seed.set_defaults(func=cmd_seed)

    importer = sub.add_parser("import-catalog", help="load the online-retail product list")
    importer.add_argument("--file", default=str(DEFAULT_RETAIL_CSV))
    importer.set_defaults(func=cmd_import_catalog)

    orders = sub.add_parser(
        "import-orders",
        help="load the online-retail customers and order history (products first)",
    )
    orders.add_argument("--file", default=str(DEFAULT_RETAIL_CSV))
    orders.set_defaults(func=cmd_import_orders)

    staff = sub.add_parser("create-staff", help="create or promote a staff user (first admin)")
    staff.add_argument("--email", required=True)
    staff.add_argument(
        "--password", default=None, help="required for a new user; prompted when omitted"
    )
    staff.add_argument(
        "--permission",
        action="append",
        default=[],
        choices=[p.value for p in _permissions()],
        help="repeat for several; the user gets exactly these",
    )
    staff.add_argument("--all-permissions", action="store_true", help="grant every permission")
    staff.set_defaults(func=cmd_create_staff)

    release = sub.add_parser(
        "release-reservations", help="cancel unpaid orders past their reservation, restocking"
    )
    release.set_defaults(func=cmd_release_reservations)

    expire = sub.add_parser(
        "membership-expire", help="announce and expire points, review tiers (the daily job)"
    )
    expire.set_defaults(func=cmd_membership_expire)

    cases = sub.add_parser(
        "cases-sweep", help="flag after-sales SLA breaches, close cases solved N days ago"
    )
    cases.add_argument(
        "--days", type=int, default=None, help="default SHOPGRAPH_CASE_AUTOCLOSE_DAYS"
    )
    cases.set_defaults(func=cmd_cases_sweep)

    export = sub.add_parser("export-schema", help="write the GraphQL schema (SDL)")
    export.add_argument("--output", default=str(ROOT_DIR / "schema.graphql"))
    export.set_defaults(func=cmd_export_schema)

    documents = sub.add_parser("documents", help="trusted documents (persisted operations)")
    documents_sub = documents.add_subparsers(dest="documents_command", required=True)
    register = documents_sub.add_parser(
        "register", help="register a client's operations from a persisted-query manifest"
    )
    register.add_argument("file", help='Apollo manifest JSON, or a {"<sha256>": "<query>"} map')
    register.add_argument(
        "--registry", default=None, help="default: $SHOPGRAPH_TRUSTED_DOCUMENTS_FILE"
    )
    register.set_defaults(func=cmd_documents_register)

    recommender = sub.add_parser("recommender", help="the embedded recommender")
    recommender_sub = recommender.add_subparsers(dest="recommender_command", required=True)
    evaluate = recommender_sub.add_parser(
        "evaluate",
        help="hybrid vs popularity on an interactions or ratings CSV "
        "(user,item[,timestamp,event,rating], any column order)",
    )
    evaluate.add_argument(
        "--events", "--ratings", dest="events", required=True, help="CSV file of interactions"
    )
    evaluate.add_argument("--k", type=int, default=10, help="list length for the @k metrics")
    evaluate.add_argument("--seed", type=int, default=42, help="seed of the random splits")
    evaluate.add_argument(
        "--protocol",
        choices=["random", "time", "user-time", "both", "all"],
        default="both",
        help="random: per-user random 75/25; time: one global cutoff, latest 20%% held out; "
        "user-time: each user's latest 20%%; both: random and time; all: the three",
    )
    evaluate.add_argument(
        "--threads", type=int, default=1, help="BLAS threads for fitting and scoring"
    )
    evaluate.set_defaults(func=cmd_recommender_evaluate)
    train = recommender_sub.add_parser(
        "train", help="fit the feed model on the database's behaviour events and publish it"
    )
    train.add_argument(
        "--model-dir", default=None, help="artifact folder (default: $SHOPGRAPH_MODEL_DIR)"
    )
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.set_defaults(func=cmd_recommender_train)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    code: int = args.func(args, settings)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
