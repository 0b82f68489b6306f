"""Top-k ranking metrics for one user's list, and catalogue coverage."""

from __future__ import annotations

import math
from collections.abc import Collection, Hashable, Iterable, Sequence


def _hits(ranked: Sequence[Hashable], relevant: Collection[Hashable], k: int) -> list[bool]:
    return [item in relevant for item in ranked[:k]]


def precision_at_k(ranked: Sequence[Hashable], relevant: Collection[Hashable], k: int) -> float:
    """Relevant items among the first k, divided by k (a short list is not rewarded)."""
    return sum(_hits(ranked, relevant, k)) / k if k > 0 else 0.0


def recall_at_k(ranked: Sequence[Hashable], relevant: Collection[Hashable], k: int) -> float:
    """Share of the relevant items found among the first k."""
    if not relevant:
        return 0.0
    return sum(_hits(ranked, relevant, k)) / len(relevant)


def ndcg_at_k(ranked: Sequence[Hashable], relevant: Collection[Hashable], k: int) -> float:
    """Binary-relevance NDCG: DCG of the list over the DCG of a perfect list of the same length."""
    gains = sum(
        1.0 / math.log2(rank + 2) for rank, hit in enumerate(_hits(ranked, relevant, k)) if hit
    )
    ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(len(relevant), k)))
    return gains / ideal if ideal > 0 else 0.0


def _precision_at_hits(ranked: Sequence[Hashable], relevant: Collection[Hashable], k: int) -> float:
    found = 0
    total = 0.0
    for rank, hit in enumerate(_hits(ranked, relevant, k)):
        if hit:
            found += 1
            total += found / (rank + 1)
    return total


def average_precision_at_k(
    ranked: Sequence[Hashable], relevant: Collection[Hashable], k: int
) -> float:
    """AP@k over min(|relevant|, k): a perfect top k scores 1 however many items are relevant."""
    if not relevant or k <= 0:
        return 0.0
    return _precision_at_hits(ranked, relevant, k) / min(len(relevant), k)


def average_precision_over_relevant(
    ranked: Sequence[Hashable], relevant: Collection[Hashable], k: int
) -> float:
    """AP@k over |relevant|, the definition behind the published Microsoft Recommenders figures;
    below the other one whenever more than k items are relevant."""
    if not relevant or k <= 0:
        return 0.0
    return _precision_at_hits(ranked, relevant, k) / len(relevant)


def item_coverage(lists: Iterable[Sequence[Hashable]], catalogue_size: int) -> float:
    """Share of the catalogue that appears in at least one list."""
    if catalogue_size <= 0:
        return 0.0
    shown: set[Hashable] = set()
    for ranked in lists:
        shown.update(ranked)
    return len(shown) / catalogue_size
