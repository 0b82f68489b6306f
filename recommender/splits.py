"""Evaluation splits over unique user-item pairs: per-user random, global time, per-user time."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from recommender.data import IdMap, Interactions


@dataclass
class Split:
    """Training rows and, per test user, the held-out items (never in that user's training rows)."""

    train: Interactions
    test: dict[Hashable, set[Hashable]]
    cutoff: float | None = None  # global time split: no training row is later than this
    cold_users: int = 0  # global time split: users seen only after the cutoff (not scored)
    unknown_pairs: int = 0  # global time split: held-out pairs of items unseen before the cutoff

    @property
    def test_pairs(self) -> int:
        """Held-out user-item pairs."""
        return sum(len(items) for items in self.test.values())


def _pairs(data: Interactions) -> tuple[np.ndarray, np.ndarray, np.ndarray, IdMap, IdMap]:
    """Row -> pair id, and per pair: user index, the row that first saw the pair."""
    users, items = IdMap(), IdMap()
    user_index = users.encode(data.users.tolist(), add=True)
    item_index = items.encode(data.items.tolist(), add=True)
    keys = user_index * max(len(items), 1) + item_index
    _, first_row, row_pair = np.unique(keys, return_index=True, return_inverse=True)
    return row_pair, user_index[first_row], first_row, users, items


def _assemble(
    data: Interactions,
    row_pair: np.ndarray,
    pair_is_test: np.ndarray,
    keep_row: np.ndarray | None = None,
) -> Split:
    test_rows = pair_is_test[row_pair]
    train_mask = ~test_rows if keep_row is None else (~test_rows & keep_row)
    test: dict[Hashable, set[Hashable]] = {}
    for user, item in zip(
        data.users[test_rows].tolist(), data.items[test_rows].tolist(), strict=True
    ):
        test.setdefault(user, set()).add(item)
    return Split(train=data.take(np.flatnonzero(train_mask)), test=test)


def _test_counts(pairs_per_user: np.ndarray, fraction: float, min_interactions: int) -> np.ndarray:
    counts = np.maximum(1, np.rint(pairs_per_user * fraction)).astype(np.int64)
    counts = np.minimum(counts, pairs_per_user - 1)
    return np.where(pairs_per_user >= min_interactions, counts, 0)


def random_split(
    data: Interactions, *, test_fraction: float = 0.25, seed: int = 42, min_interactions: int = 2
) -> Split:
    """Per user with >= `min_interactions` distinct items, a seeded random share of them as test."""
    row_pair, pair_user, _, users, _ = _pairs(data)
    rng = np.random.default_rng(seed)
    noise = rng.random(len(pair_user))
    order = np.lexsort((noise, pair_user))
    per_user = np.bincount(pair_user, minlength=len(users))
    starts = np.concatenate([[0], np.cumsum(per_user)[:-1]])
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - starts[pair_user[order]]
    n_test = _test_counts(per_user, test_fraction, min_interactions)
    return _assemble(data, row_pair, rank < n_test[pair_user])


def user_time_split(
    data: Interactions, *, test_fraction: float = 0.2, min_interactions: int = 2
) -> Split:
    """Per user, the latest `test_fraction` of distinct items (by first interaction) as test.

    Training keeps only rows no later than the user's first test interaction, so nothing of
    that user's own test period leaks into training; other users' later rows still do (each
    user has their own cutoff), which is why `global_time_split` is the time protocol to lead
    with.
    """
    if not data.has_timestamps:
        raise ValueError("the time split needs a timestamp on every interaction")
    row_pair, pair_user, first_row, users, _ = _pairs(data)
    first_time = np.full(len(pair_user), np.inf)
    np.minimum.at(first_time, row_pair, data.timestamps)
    # latest first: descending time, ties broken by later rows first
    order = np.lexsort((-first_row, -first_time, pair_user))
    per_user = np.bincount(pair_user, minlength=len(users))
    starts = np.concatenate([[0], np.cumsum(per_user)[:-1]])
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order)) - starts[pair_user[order]]
    n_test = _test_counts(per_user, test_fraction, min_interactions)
    pair_is_test = rank < n_test[pair_user]
    cutoff = np.full(len(users), np.inf)
    np.minimum.at(cutoff, pair_user[pair_is_test], first_time[pair_is_test])
    row_user = pair_user[row_pair]
    keep_row = data.timestamps <= cutoff[row_user]
    return _assemble(data, row_pair, pair_is_test, keep_row)


def global_time_split(data: Interactions, *, test_fraction: float = 0.2) -> Split:
    """One cutoff timestamp for everybody: the latest `test_fraction` of rows are the test period.

    Training is every row at or before the cutoff. A user's test items are the items they
    first touched after it, among items seen before it (a model cannot rank an item it has
    never seen, nor popularity either); users with no training row are not scored. Both are
    counted in the split (`cold_users`, `unknown_pairs`).
    """
    if not data.has_timestamps:
        raise ValueError("the time split needs a timestamp on every interaction")
    stamps = np.sort(data.timestamps)
    position = min(len(stamps) - 1, max(0, int(np.floor(len(stamps) * (1.0 - test_fraction)))))
    cutoff = float(stamps[max(position - 1, 0)])
    before = data.timestamps <= cutoff
    train = data.take(np.flatnonzero(before))
    seen: dict[Hashable, set[Hashable]] = {}
    for user, item in zip(train.users.tolist(), train.items.tolist(), strict=True):
        seen.setdefault(user, set()).add(item)
    known = set(train.items.tolist())
    later = np.flatnonzero(~before)
    test: dict[Hashable, set[Hashable]] = {}
    cold: set[Hashable] = set()
    unknown: set[tuple[Hashable, Hashable]] = set()
    for user, item in zip(data.users[later].tolist(), data.items[later].tolist(), strict=True):
        mine = seen.get(user)
        if mine is None:
            cold.add(user)
        elif item not in known:
            unknown.add((user, item))
        elif item not in mine:
            test.setdefault(user, set()).add(item)
    return Split(train, test, cutoff=cutoff, cold_users=len(cold), unknown_pairs=len(unknown))


PROTOCOLS = ("random", "time", "user-time")


def split(
    data: Interactions, *, protocol: str, seed: int = 42, test_fraction: float | None = None
) -> Split:
    """The named protocol: "random" (75/25 per user), "time" (one global cutoff, latest 20%
    of rows held out) or "user-time" (each user's own latest 20%); `test_fraction` replaces
    the 25% / 20%."""
    if protocol == "random":
        return random_split(data, seed=seed, test_fraction=test_fraction or 0.25)
    if protocol == "time":
        return global_time_split(data, test_fraction=test_fraction or 0.2)
    if protocol == "user-time":
        return user_time_split(data, test_fraction=test_fraction or 0.2)
    raise ValueError(f"unknown protocol {protocol!r}: use one of {', '.join(PROTOCOLS)}")
