"""`evaluate` and the `shopgraph recommender evaluate` command on small synthetic data."""

from __future__ import annotations

import csv
from datetime import UTC, datetime

import pytest

from api.cli import main
from recommender import Model, evaluate
from recommender.evaluate import popularity_lists, score_lists
from recommender.synthetic import generate

SMALL = {"users": 200, "items": 150, "interactions": 6000, "seed": 5}


@pytest.fixture(scope="module")
def small():
    return generate(**SMALL).interactions


@pytest.mark.parametrize("protocol", ["random", "time", "user-time"])
def test_hybrid_beats_popularity_side_by_side(small, protocol):
    result = evaluate(small, protocol=protocol, k=10, seed=42)
    hybrid, popularity = result.models["hybrid"], result.models["popularity"]
    assert hybrid.users == popularity.users == result.test_users > 100
    assert hybrid.ndcg >= popularity.ndcg
    if protocol == "random":  # in a time split trending popularity may rightly lead the blend
        assert hybrid.coverage > popularity.coverage
    for scores in (hybrid, popularity):
        assert 0 < scores.precision <= 1 and 0 < scores.recall <= 1
        assert 0 < scores.map <= scores.ndcg <= 1
        assert 0 < scores.map_rel <= scores.map
    table = result.table()
    assert "ndcg@10" in table and "hybrid" in table and "popularity" in table
    assert "map@10" in table and "map_rel@10" in table and "over |relevant|" in table
    assert "seed=42" in table and f"train {result.train_rows} rows" in table
    assert f"test {result.test_users} users / {result.test_pairs} pairs" in table
    assert "chosen: validation=" in table and "ease_regularisation=" in table
    assert ("cutoff " in table) == (protocol == "time")


def test_evaluation_ranks_without_building_explanations(small, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("an explanation was built")

    monkeypatch.setattr(Model, "_explain", refuse)
    result = evaluate(small, protocol="random", k=10, seed=1)
    assert result.test_users > 100


def test_evaluate_is_reproducible(small):
    first = evaluate(small, protocol="random", seed=3)
    again = evaluate(small, protocol="random", seed=3)
    assert first.models == again.models


def test_popularity_baseline_skips_seen_items(small):
    lists = popularity_lists(small, ["u0", "nobody"], 5)
    seen = {item for user, item in zip(small.users, small.items, strict=True) if user == "u0"}
    assert len(lists["u0"]) == 5 and not set(lists["u0"]) & seen
    assert len(lists["nobody"]) == 5
    perfect = score_lists({"u": ["a", "b"]}, {"u": {"a", "b"}}, 2, 4)
    assert (perfect.precision, perfect.recall, perfect.ndcg, perfect.map) == (1.0, 1.0, 1.0, 1.0)
    assert perfect.map_rel == 1.0
    assert perfect.coverage == 0.5


def test_cli_prints_a_table_per_protocol(tmp_path, small, capsys):
    path = tmp_path / "events.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user", "item", "timestamp", "event", "rating"])
        for user, item, stamp, rating in zip(
            small.users, small.items, small.timestamps, small.ratings, strict=True
        ):
            when = datetime.fromtimestamp(stamp, UTC).isoformat()
            writer.writerow([user, item, when, "purchase", int(rating)])
    assert main(["recommender", "evaluate", "--events", str(path), "--k", "5"]) == 0
    out = capsys.readouterr().out
    assert "protocol=random k=5 seed=42" in out and "protocol=time k=5" in out
    assert "protocol=user-time" not in out
    assert out.count("\npopularity ") == 2 and "ndcg@5" in out
    path_only = tmp_path / "ratings.csv"  # a ratings file: user,item,rating,timestamp
    with path_only.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user", "item", "rating", "timestamp"])
        for user, item, stamp, rating in zip(
            small.users, small.items, small.timestamps, small.ratings, strict=True
        ):
            writer.writerow([user, item, int(rating), int(stamp)])
    argv = ["recommender", "evaluate", "--ratings", str(path_only), "--protocol", "all"]
    assert main([*argv, "--k", "5", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    for protocol in ("random", "time", "user-time"):
        assert f"protocol={protocol} k=5 seed=7" in out


def test_cli_reports_a_missing_file(tmp_path, capsys):
    assert main(["recommender", "evaluate", "--events", str(tmp_path / "none.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err
