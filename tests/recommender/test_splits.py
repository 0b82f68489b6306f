"""Split properties: no leakage, reproducible with a seed, the time split holds out the latest."""

from collections import defaultdict

import pytest

from recommender.data import Interactions
from recommender.splits import random_split, time_split


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


@pytest.mark.parametrize("splitter", [random_split, time_split])
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


def test_time_split_holds_out_the_latest():
    data = _data()
    parts = time_split(data)
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


def test_time_split_needs_timestamps():
    with pytest.raises(ValueError, match="timestamp"):
        time_split(Interactions.from_records([("u", "a"), ("u", "b")]))
