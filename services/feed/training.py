"""Train the feed's model from the database and publish it as a versioned artifact.

Layout under the model directory (`SHOPGRAPH_MODEL_DIR`, default `var/models/`):
`<version>/model.npz` (the recommender), `<version>/bought_together.npz` (co-purchase
counts), `<version>/meta.json`, and `CURRENT`, a one-line file naming the served version,
replaced atomically so that every server worker switches to a complete artifact.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import logging
import math
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tortoise import connections
from tqdm import tqdm

from models.accounts import User
from models.analytics import BehaviourEvent
from models.catalog import Brand, Category, Product, Tag
from recommender import Config, Interactions, ItemInfo, fit
from services.community.reviews import feedback as review_feedback
from services.feed.copurchase import CoPurchases
from services.feed.entries import MODEL_EVENTS, shopper_key
from services.feed.registry import CURRENT, model_dir

logger = logging.getLogger("shopgraph.feed")

HISTORY_DAYS = 365  # older behaviour is not read
KEEP_VERSIONS = 3  # artifacts kept besides the one being published
CHUNK = 100_000


class TrainingBusy(Exception):
    """Another training holds the model directory's lock."""


@dataclass
class TrainingData:
    """What a fit reads: interactions, item content and co-purchase baskets."""

    interactions: Interactions
    items: list[ItemInfo]
    copurchases: CoPurchases
    excluded_users: int = 0


@dataclass
class TrainingReport:
    """One finished training run."""

    version: str
    path: str
    events: int
    shoppers: int
    items: int
    excluded_users: int
    read_seconds: float
    fit_seconds: float
    tuning: dict[str, Any] = field(default_factory=dict)


def _events_sql(dialect: str) -> str:
    kinds = ", ".join(f"'{kind}'" for kind in MODEL_EVENTS)
    if dialect == "postgres":
        stamp = "EXTRACT(EPOCH FROM occurred_at)::float8"
        opted_out = "(context->>'personalization') IS DISTINCT FROM 'off'"
        params = "id > $1 AND occurred_at >= $2"
        limit = "$3"
    else:
        stamp = "CAST(strftime('%s', occurred_at) AS REAL)"
        opted_out = "IFNULL(json_extract(context, '$.personalization'), '') <> 'off'"
        params = "id > ? AND occurred_at >= ?"
        limit = "?"
    return (
        f"SELECT id, user_id, anonymous_id, product_id, kind, {stamp}, order_id "
        f"FROM behaviour_event WHERE {params} AND product_id IS NOT NULL "
        f"AND kind IN ({kinds}) AND {opted_out} ORDER BY id LIMIT {limit}"
    )


async def read_interactions(
    *, since: datetime | None = None, progress: bool = False
) -> tuple[Interactions, CoPurchases, int]:
    """Behaviour events as interactions, leaving out every event of a shopper who opted out.

    Left out: events marked `personalization=off` (recorded while consent was off, guests'
    opt-outs included) and all events of users whose consent is off now. Review ratings
    join as "rate" interactions with their stars (explicit feedback). Returns the
    interactions, the co-purchase counts and how many opted-out users were excluded.
    """
    since = since or datetime.now(UTC) - timedelta(days=HISTORY_DAYS)
    conn = connections.get("default")
    dialect = str(conn.capabilities.dialect)
    opted_out = set(await User.filter(personalization_consent=False).values_list("id", flat=True))
    sql = _events_sql(dialect)
    stamp_param: Any = since if dialect == "postgres" else since.isoformat(" ")
    total = await _count_events(since)
    users: list[str] = []
    items: list[int] = []
    stamps: list[float] = []
    kinds: list[str] = []
    baskets: list[str] = []
    basket_items: list[int] = []
    excluded: set[int] = set()
    last_id = 0
    bar = tqdm(total=total, unit="event", desc="reading events", disable=not progress)
    try:
        while True:
            rows = await _fetch(conn, sql, [last_id, stamp_param, CHUNK])
            if not rows:
                break
            for _, user_id, anonymous_id, product_id, kind, stamp, order_id in rows:
                if user_id is not None and user_id in opted_out:
                    excluded.add(user_id)
                    continue
                who = shopper_key(user_id, anonymous_id)
                if who is None:
                    continue
                name = MODEL_EVENTS[kind]
                users.append(who)
                items.append(product_id)
                stamps.append(stamp)
                kinds.append(name)
                if name == "purchase":
                    baskets.append(f"o{order_id}" if order_id is not None else who)
                    basket_items.append(product_id)
            last_id = rows[-1][0]
            bar.update(len(rows))
    finally:
        bar.close()
    ratings = [math.nan] * len(users)
    # Review ratings are explicit feedback: one "rate" row each, carrying the stars.
    for given in await review_feedback.ratings_since(since):
        if given.user_id in opted_out:
            excluded.add(given.user_id)
            continue
        who = shopper_key(given.user_id, None)
        if who is None:
            continue
        users.append(who)
        items.append(given.product_id)
        stamps.append(given.at.timestamp())
        kinds.append("rate")
        ratings.append(float(given.rating))
    interactions = Interactions.from_lists(users, items, stamps, kinds, ratings)
    return interactions, CoPurchases.from_baskets(baskets, basket_items), len(excluded)


async def _count_events(since: datetime) -> int:
    return await BehaviourEvent.filter(
        occurred_at__gte=since, product_id__isnull=False, kind__in=list(MODEL_EVENTS)
    ).count()


async def _fetch(conn: Any, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    _, rows = await conn.execute_query(sql, params)
    return [tuple(row) for row in rows]


async def read_items() -> list[ItemInfo]:
    """Content of every product that has variants: category path, tags, brand, ages, price."""
    categories = {row["id"]: row for row in await Category.all().values("id", "name", "path")}
    brands = dict(await Brand.all().values_list("id", "name"))
    tags: dict[int, list[str]] = {}
    for product_id, slug in await Tag.filter(products__id__isnull=False).values_list(
        "products__id", "slug"
    ):
        tags.setdefault(product_id, []).append(slug)
    rows = await Product.filter(price_min__isnull=False).values(
        "id",
        "name",
        "category_id",
        "brand_id",
        "min_age_months",
        "max_age_months",
        "price_min",
        "created_at",
    )
    infos: list[ItemInfo] = []
    for row in rows:
        path: list[str] = []
        category = categories.get(row["category_id"])
        if category is not None:
            for part in category["path"].strip("/").split("/"):
                node = categories.get(int(part)) if part.isdigit() else None
                if node is not None:
                    path.append(node["name"])
        infos.append(
            ItemInfo(
                item=row["id"],
                category_path=tuple(path),
                tags=tuple(tags.get(row["id"], ())),
                brand=brands.get(row["brand_id"]),
                age_min_months=row["min_age_months"],
                age_max_months=row["max_age_months"],
                price=float(row["price_min"]) if row["price_min"] is not None else None,
                text=row["name"],
                created_at=row["created_at"],
            )
        )
    return infos


async def read_training_data(*, progress: bool = False) -> TrainingData:
    """Everything a fit needs, read from the database."""
    interactions, copurchases, excluded = await read_interactions(progress=progress)
    items = await read_items()
    return TrainingData(interactions, items, copurchases, excluded)


def new_version() -> str:
    """A sortable, unique artifact version: UTC time down to microseconds."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


@contextlib.contextmanager
def training_lock(directory: Path) -> Iterator[None]:
    """Hold the model directory's lock: two workers' retraining loops never train at once."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".training.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise TrainingBusy(f"another training is running in {directory}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def publish(directory: Path, version: str) -> None:
    """Point CURRENT at `version` atomically (a temp file in the same folder, then os.replace)."""
    descriptor, temporary = tempfile.mkstemp(prefix=".current-", dir=directory)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(version + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, directory / CURRENT)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def prune(directory: Path, *, keep: int = KEEP_VERSIONS) -> None:
    """Delete old artifacts, keeping the served one and the `keep` newest."""
    current = (directory / CURRENT).read_text(encoding="utf-8").strip()
    versions = sorted(
        path.name for path in directory.iterdir() if path.is_dir() and path.name[:1].isdigit()
    )
    for name in versions[:-keep]:
        if name != current:
            shutil.rmtree(directory / name, ignore_errors=True)


def write_artifact(
    data: TrainingData, directory: Path, *, config: Config | None = None
) -> TrainingReport:
    """Fit on `data`, save `<version>/` in full, then publish it (CPU-bound: run in a thread)."""
    started = time.perf_counter()
    model = fit(data.interactions, data.items, config)
    fit_seconds = time.perf_counter() - started
    version = new_version()
    target = directory / version
    staging = directory / f".staging-{version}"
    staging.mkdir(parents=True)
    try:
        model.save(staging / "model.npz")
        data.copurchases.save(staging / "bought_together.npz")
        report = TrainingReport(
            version=version,
            path=str(target),
            events=len(data.interactions),
            shoppers=len(model.users),
            items=len(model.items),
            excluded_users=data.excluded_users,
            read_seconds=0.0,
            fit_seconds=round(fit_seconds, 3),
            tuning=model.tuning,
        )
        meta = {**asdict(report), "trained_at": datetime.now(UTC).isoformat()}
        (staging / "meta.json").write_text(json.dumps(meta, indent=2, default=str), "utf-8")
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish(directory, version)
    prune(directory)
    return report


async def train(
    *, directory: Path | None = None, config: Config | None = None, progress: bool = False
) -> TrainingReport:
    """Read the database, fit, and publish a new model version; raises TrainingBusy if locked."""
    directory = directory or model_dir()
    with training_lock(directory):
        started = time.perf_counter()
        data = await read_training_data(progress=progress)
        read_seconds = time.perf_counter() - started
        if len(data.interactions) == 0:
            raise ValueError("no behaviour events to train on yet")
        if progress:
            print(
                f"fitting on {len(data.interactions)} events, {len(data.items)} products...",
                flush=True,
            )
        report = await asyncio.to_thread(write_artifact, data, directory, config=config)
        report.read_seconds = round(read_seconds, 3)
        logger.info("trained feed model %s in %.1fs", report.version, report.fit_seconds)
        return report
