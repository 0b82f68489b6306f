"""Interactions (columnar), id maps and the weighted user-item matrix."""

from __future__ import annotations

import csv
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from recommender.config import Config, canonical_event

SECONDS_PER_DAY = 86_400.0


def to_timestamp(value: Any) -> float:
    """Seconds since the epoch (UTC) from a number, ISO 8601 text or a datetime; NaN if empty."""
    if value is None or value == "":
        return math.nan
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return moment.timestamp()
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)
    except ValueError:
        pass
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


@dataclass(frozen=True)
class Interaction:
    """One implicit event or explicit rating of an item by a user."""

    user: Hashable
    item: Hashable
    timestamp: float | datetime | str | None = None
    event: str | None = None
    rating: float | None = None


@dataclass
class Interactions:
    """Interactions as parallel arrays (one row per event)."""

    users: np.ndarray  # object
    items: np.ndarray  # object
    timestamps: np.ndarray  # float64 seconds, NaN when unknown
    events: np.ndarray  # object: canonical event name or None
    ratings: np.ndarray  # float64, NaN when absent

    def __len__(self) -> int:
        return len(self.users)

    @classmethod
    def from_records(cls, records: Iterable[Interaction | Sequence[Any]]) -> Interactions:
        """Build from `Interaction`s or tuples `(user, item[, timestamp[, event[, rating]]])`."""
        users: list[Any] = []
        items: list[Any] = []
        times: list[float] = []
        events: list[str | None] = []
        ratings: list[float] = []
        for record in records:
            if isinstance(record, Interaction):
                user, item = record.user, record.item
                stamp, event, rating = record.timestamp, record.event, record.rating
            else:
                padded = [*record, None, None, None][:5]
                user, item, stamp, event, rating = padded
            users.append(user)
            items.append(item)
            times.append(to_timestamp(stamp))
            events.append(canonical_event(event) if event is not None else None)
            ratings.append(math.nan if rating is None or rating == "" else float(rating))
        return cls.from_lists(users, items, times, events, ratings)

    @classmethod
    def from_lists(
        cls,
        users: Sequence[Any],
        items: Sequence[Any],
        timestamps: Sequence[float] | None = None,
        events: Sequence[str | None] | None = None,
        ratings: Sequence[float] | None = None,
    ) -> Interactions:
        """Build from parallel sequences (missing columns become NaN / None)."""
        n = len(users)
        user_array = np.empty(n, dtype=object)
        user_array[:] = list(users)
        item_array = np.empty(n, dtype=object)
        item_array[:] = list(items)
        event_array = np.empty(n, dtype=object)
        event_array[:] = list(events) if events is not None else [None] * n
        return cls(
            users=user_array,
            items=item_array,
            timestamps=np.asarray(timestamps if timestamps is not None else [math.nan] * n, float),
            events=event_array,
            ratings=np.asarray(ratings if ratings is not None else [math.nan] * n, float),
        )

    @classmethod
    def from_csv(cls, path: str | Path) -> Interactions:
        """Read a CSV with columns `user,item` and optional `timestamp`, `event`, `rating`."""
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            columns = set(reader.fieldnames or ())
            missing = {"user", "item"} - columns
            if missing:
                raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            return cls.from_records(
                (
                    row["user"],
                    row["item"],
                    row.get("timestamp") or None,
                    row.get("event") or None,
                    row.get("rating") or None,
                )
                for row in reader
            )

    def take(self, index: np.ndarray) -> Interactions:
        """The rows at `index` (integer positions or a boolean mask)."""
        return Interactions(
            users=self.users[index],
            items=self.items[index],
            timestamps=self.timestamps[index],
            events=self.events[index],
            ratings=self.ratings[index],
        )

    @property
    def has_timestamps(self) -> bool:
        """Whether every row has a timestamp."""
        return len(self) > 0 and bool(np.isfinite(self.timestamps).all())

    @property
    def has_ratings(self) -> bool:
        """Whether some rows carry an explicit rating."""
        return bool(np.isfinite(self.ratings).any())


class IdMap:
    """A two-way map between raw ids (any hashable) and dense indices 0..n-1."""

    def __init__(self, ids: Iterable[Hashable] = ()) -> None:
        self.ids: list[Hashable] = []
        self.index: dict[Hashable, int] = {}
        for raw in ids:
            self.add(raw)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, raw: object) -> bool:
        return raw in self.index

    def add(self, raw: Hashable) -> int:
        """The index of `raw`, adding it if new."""
        position = self.index.get(raw)
        if position is None:
            position = len(self.ids)
            self.index[raw] = position
            self.ids.append(raw)
        return position

    def get(self, raw: Hashable) -> int | None:
        """The index of `raw`, or None if unknown."""
        return self.index.get(raw)

    def encode(self, raws: Iterable[Hashable], *, add: bool = False) -> np.ndarray:
        """Indices of many raw ids (-1 for unknown ones unless `add`)."""
        if add:
            return np.fromiter((self.add(raw) for raw in raws), dtype=np.int64)
        index = self.index
        return np.fromiter((index.get(raw, -1) for raw in raws), dtype=np.int64)


def reference_time(data: Interactions) -> float:
    """The latest timestamp (decay is measured back from it), 0 when there are none."""
    stamps = data.timestamps[np.isfinite(data.timestamps)]
    return float(stamps.max()) if len(stamps) else 0.0


def decay(timestamps: np.ndarray, now: float, half_life_days: float | None) -> np.ndarray:
    """Exponential recency weights in (0, 1]; 1 where the time or the half-life is unknown."""
    if half_life_days is None or half_life_days <= 0:
        return np.ones(len(timestamps))
    age_days = np.clip((now - timestamps) / SECONDS_PER_DAY, 0.0, None)
    weights = np.power(0.5, age_days / half_life_days)
    return np.where(np.isfinite(weights), weights, 1.0)


def event_weights(data: Interactions, config: Config) -> np.ndarray:
    """Per-row weight: event type weight times a rating factor (before recency decay)."""
    table = {name: config.event_weight(name) for name in set(data.events.tolist())}
    weights = np.fromiter((table[event] for event in data.events), dtype=float, count=len(data))
    ratings = data.ratings
    rated = np.isfinite(ratings)
    if rated.any() and config.rating_influence > 0:
        low, high = float(ratings[rated].min()), float(ratings[rated].max())
        spread = high - low if high > low else 1.0
        centred = np.where(rated, 2.0 * (ratings - low) / spread - 1.0, 0.0)
        weights = weights * (1.0 + config.rating_influence * centred)
    return weights


def weighted_matrix(
    user_index: np.ndarray,
    item_index: np.ndarray,
    weights: np.ndarray,
    shape: tuple[int, int],
) -> sp.csr_matrix:
    """User x item matrix of log(1 + summed weights): repeats count, with diminishing returns."""
    matrix = sp.csr_matrix((weights, (user_index, item_index)), shape=shape, dtype=np.float64)
    matrix.sum_duplicates()
    matrix.data = np.log1p(matrix.data)
    matrix.eliminate_zeros()
    return matrix
