"""The `shopgraph` command: serve, migrate, seed, import-catalog, export-schema, create-staff."""

from __future__ import annotations

import argparse
import sys

from api.cli.common import DEFAULT_RETAIL_CSV, _permissions
from api.cli.recommender import cmd_recommender_evaluate, cmd_recommender_train
from api.cli.serving import cmd_serve, cmd_worker, server_options
from api.cli.store import (
    cmd_cases_sweep,
    cmd_create_staff,
    cmd_documents_register,
    cmd_export_schema,
    cmd_import_catalog,
    cmd_import_orders,
    cmd_membership_birthdays,
    cmd_membership_expire,
    cmd_migrate,
    cmd_release_reservations,
    cmd_seed,
)
from api.settings import ROOT_DIR, SettingsError, load_settings

__all__ = ["DEFAULT_RETAIL_CSV", "build_parser", "cmd_import_orders", "main", "server_options"]


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

    birthdays = sub.add_parser(
        "membership-birthdays",
        help="birthday points and coupons for members and child profiles (the daily job)",
    )
    birthdays.set_defaults(func=cmd_membership_birthdays)

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
