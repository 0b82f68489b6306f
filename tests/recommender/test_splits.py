"""Split properties: no leakage, reproducible with a seed, the time splits hold out the latest."""

from collections import defaultdict

import pytest

from recommender.data import Interactions
from recommender.splits import global_time_split, random_split, split, user_time_split


def _data() -> Interactions:
    rows = []
    for user in range(30):
        for step in range(2 + user % 9):
            item = f"i{(user * 7 + step * 3) % 40}"
            rows.append((f"u{user}", item, 1_000.0 * user + 10.0 * step, "view"))
            if step % 3 == 0:  # a repeated interaction on the same pair, later
                rows.append((f"u{user}", item, 1_000.0 * user + 10.0 * step + 5.0, "purchase"))
    rows.append(("lonely", "i1", 5.0, "view"))  # one item only: never tested
    return Interactions.from_records(rows)


def _pairs(data: Interactions) -> dict[str, set[str]]:
    result: dict[str, set[str]] = defaultdict(set)
    for user, item in zip(data.users.tolist(), data.items.tolist(), strict=True):
        result[user].add(item)
    return result


@pytest.mark.parametrize("splitter", [random_split, user_time_split])
def test_no_pair_is_in_both_train_and_test(splitter):
    data = _data()
    parts = splitter(data)
    train = _pairs(parts.train)
    everything = _pairs(data)
    assert parts.test
    for user, items in parts.test.items():
        assert items and not items & train[user]
        assert train[user], "every test user keeps training items"
        assert train[user] | items == everything[user]
    assert "lonely" not in parts.test


def test_random_split_share_and_seed():
    data = _data()
    first = random_split(data, seed=7)
    again = random_split(data, seed=7)
    other = random_split(data, seed=8)
    assert first.test == again.test
    assert first.test != other.test
    everything = _pairs(data)
    for user, items in first.test.items():
        assert len(items) == max(1, round(0.25 * len(everything[user])))


def test_user_time_split_holds_out_each_users_latest():
    data = _data()
    parts = user_time_split(data)
    first_seen: dict[tuple[str, str], float] = {}
    for user, item, stamp in zip(data.users, data.items, data.timestamps, strict=True):
        first_seen[(user, item)] = min(stamp, first_seen.get((user, item), stamp))
    train = _pairs(parts.train)
    for user, items in parts.test.items():
        earliest_test = min(first_seen[(user, item)] for item in items)
        assert all(first_seen[(user, item)] <= earliest_test for item in train[user])
        assert len(items) == max(1, round(0.2 * len(train[user] | items)))
    # nothing after a user's cutoff stays in training
    for user, stamp in zip(parts.train.users, parts.train.timestamps, strict=True):
        if user in parts.test:
            assert stamp <= min(first_seen[(user, item)] for item in parts.test[user])


@pytest.mark.parametrize("splitter", [user_time_split, global_time_split])
def test_time_splits_need_timestamps(splitter):
    with pytest.raises(ValueError, match="timestamp"):
        splitter(Interactions.from_records([("u", "a"), ("u", "b")]))


def _spread_in_time() -> Interactions:
    """Users whose activity overlaps in time, as in real logs (unlike `_data`'s one per slot)."""
    rows = []
    for user in range(40):
        for step in range(3 + user % 7):
            stamp = 100.0 * ((user * 13 + step * 29) % 97) + user
            rows.append((f"u{user}", f"i{(user * 5 + step * 11) % 30}", stamp, "view"))
    rows.append(("late", "i1", 10_000.0, "view"))  # only after the cutoff: a cold user
    rows.append(("u1", "brand-new", 10_001.0, "view"))  # an item first seen after the cutoff
    return Interactions.from_records(rows)


def test_global_time_split_has_one_cutoff_and_no_training_row_after_it():
    data = _spread_in_time()
    parts = global_time_split(data)
    assert parts.cutoff is not None
    assert parts.train.timestamps.max() <= parts.cutoff
    later = data.timestamps > parts.cutoff
    assert 0.15 <= later.mean() <= 0.25  # about the latest 20% of rows
    assert len(parts.train) == int((~later).sum())
    first_seen: dict[tuple[str, str], float] = {}
    for user, item, stamp in zip(data.users, data.items, data.timestamps, strict=True):
        first_seen[(user, item)] = min(stamp, first_seen.get((user, item), stamp))
    train = _pairs(parts.train)
    known = set(parts.train.items.tolist())
    assert parts.test
    for user, items in parts.test.items():
        assert train[user], "only users with training rows are scored"
        assert not items & train[user]
        assert items <= known
        assert all(first_seen[(user, item)] > parts.cutoff for item in items)
    assert "late" not in parts.test and parts.cold_users >= 1
    assert "brand-new" not in parts.test.get("u1", set()) and parts.unknown_pairs >= 1


def test_global_and_per_user_time_splits_differ_and_are_named():
    data = _spread_in_time()
    global_parts = split(data, protocol="time")
    own_parts = split(data, protocol="user-time")
    assert global_parts.cutoff is not None and own_parts.cutoff is None
    # per user, training rows later than the global cutoff survive (the leak it avoids)
    assert own_parts.train.timestamps.max() > global_parts.cutoff
    with pytest.raises(ValueError, match="user-time"):
        split(data, protocol="nonsense")
