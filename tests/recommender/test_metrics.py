"""Metric code against small cases computed by hand."""

import math

import pytest

from recommender.metrics import (
    average_precision_at_k,
    average_precision_over_relevant,
    item_coverage,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
)

RANKED = ["a", "b", "c", "d", "e"]
RELEVANT = {"b", "d", "z"}  # z is never recommended


def test_precision_counts_hits_over_k():
    assert precision_at_k(RANKED, RELEVANT, 5) == pytest.approx(2 / 5)
    assert precision_at_k(RANKED, RELEVANT, 2) == pytest.approx(1 / 2)
    # a short list is not rewarded: still divided by k
    assert precision_at_k(["b"], RELEVANT, 4) == pytest.approx(1 / 4)


def test_recall_counts_hits_over_relevant():
    assert recall_at_k(RANKED, RELEVANT, 5) == pytest.approx(2 / 3)
    assert recall_at_k(RANKED, RELEVANT, 1) == 0.0
    assert recall_at_k(RANKED, set(), 5) == 0.0


def test_ndcg_by_hand():
    # hits at ranks 2 and 4: DCG = 1/log2(3) + 1/log2(5)
    # ideal (3 relevant, k=5) = 1 + 1/log2(3) + 1/log2(4)
    dcg = 1 / math.log2(3) + 1 / math.log2(5)
    ideal = 1 + 1 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(RANKED, RELEVANT, 5) == pytest.approx(dcg / ideal)
    assert ndcg_at_k(["b", "d", "z"], RELEVANT, 3) == pytest.approx(1.0)
    # ideal is capped at k: one hit in first place of a 1-long list is perfect
    assert ndcg_at_k(["d"], RELEVANT, 1) == pytest.approx(1.0)
    assert ndcg_at_k(["a"], RELEVANT, 1) == 0.0


def test_map_by_hand():
    # hits at ranks 2 and 4: precisions 1/2 and 2/4, divided by min(3, 5) = 3
    assert average_precision_at_k(RANKED, RELEVANT, 5) == pytest.approx((1 / 2 + 2 / 4) / 3)
    # with k=2 only the rank-2 hit counts, over min(3, 2) = 2
    assert average_precision_at_k(RANKED, RELEVANT, 2) == pytest.approx((1 / 2) / 2)
    assert average_precision_at_k(["b", "d"], {"b", "d"}, 10) == pytest.approx(1.0)


def test_item_coverage_counts_distinct_items():
    assert item_coverage([["a", "b"], ["b", "c"]], 10) == pytest.approx(3 / 10)
    assert item_coverage([], 10) == 0.0


def test_both_map_definitions_by_hand():
    # RELEVANT has 3 items; hits at ranks 2 and 4: precisions 1/2 and 2/4, summing to 1
    assert average_precision_at_k(RANKED, RELEVANT, 5) == pytest.approx(1.0 / 3)
    assert average_precision_over_relevant(RANKED, RELEVANT, 5) == pytest.approx(1.0 / 3)
    # k=2: one hit (rank 2, precision 1/2); over min(3, 2) = 2 vs over |relevant| = 3
    assert average_precision_at_k(RANKED, RELEVANT, 2) == pytest.approx(0.25)
    assert average_precision_over_relevant(RANKED, RELEVANT, 2) == pytest.approx(1.0 / 6)
    # a perfect top 2 of 3 relevant items: 1 over min(|rel|, k), 2/3 over |rel|
    assert average_precision_at_k(["b", "d"], RELEVANT, 2) == pytest.approx(1.0)
    assert average_precision_over_relevant(["b", "d"], RELEVANT, 2) == pytest.approx(2.0 / 3)
    assert average_precision_over_relevant(RANKED, set(), 5) == 0.0
