"""The blend: per-component normalisation, history-size buckets, and weight tuning."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from recommender.neighbours import Neighbours

COMPONENTS = ("popularity", "neighbours", "factors", "content")
POPULARITY, NEIGHBOURS, FACTORS, CONTENT = range(4)
# the grid each weight is tuned over (scale-free: the best combination is rescaled to sum 1)
GRID: dict[int, tuple[float, ...]] = {
    POPULARITY: (0.0, 0.05, 0.15, 0.4, 1.0),
    NEIGHBOURS: (0.0, 0.5, 1.0),
    FACTORS: (0.0, 0.5, 1.0),
    CONTENT: (0.0, 0.25),
}
GRID_ABSOLUTE: dict[int, tuple[float, ...]] = {
    POPULARITY: (0.0, 0.3, 1.0, 3.0, 10.0),
    NEIGHBOURS: (0.0, 0.5, 1.0),
    FACTORS: (0.0, 0.3, 1.0),
    CONTENT: (0.0, 0.05, 0.2),
}
CHUNK_CELLS = 2_000_000


@dataclass
class Blend:
    """Component weights per history-size bucket (bucket b holds sizes up to `bounds[b]`)."""

    bounds: tuple[int, ...]
    weights: np.ndarray  # (len(bounds) + 1, len(COMPONENTS))

    @classmethod
    def uniform(cls, bounds: tuple[int, ...], available: np.ndarray) -> Blend:
        """An untuned blend: popularity leads thin histories, behaviour leads rich ones."""
        rows = []
        for bucket in range(len(bounds) + 1):
            trust = bucket / max(1, len(bounds))  # 0 for the thinnest bucket, 1 for the richest
            row = np.array([1.0 - 0.7 * trust, 1.0, 0.3 + 0.7 * trust, 0.25]) * available
            rows.append(row / max(row.sum(), 1e-12))
        return cls(bounds, np.array(rows))

    def bucket(self, history_size: int | np.ndarray) -> np.ndarray:
        """Bucket number(s) of the given history size(s)."""
        return np.searchsorted(np.asarray(self.bounds), history_size, side="left")

    def row(self, history_size: int) -> np.ndarray:
        """Weights for a user with this many distinct items in their history."""
        result: np.ndarray = self.weights[int(self.bucket(history_size))]
        return result


def spread(
    neighbours: Neighbours, items: np.ndarray, weights: np.ndarray, n_items: int
) -> np.ndarray:
    """Score every item by summing its similarity to the given items, times their weights."""
    if len(items) == 0:
        return np.zeros(n_items)
    index = neighbours.index[items].ravel()
    values = (neighbours.weight[items] * weights[:, np.newaxis].astype(np.float32)).ravel()
    return np.bincount(index, weights=values, minlength=n_items)


def scale_max(scores: np.ndarray) -> np.ndarray:
    """Divide each row by its maximum (rows of zeros stay zero); works on 1-D and 2-D."""
    top = scores.max(axis=-1, keepdims=True)
    return np.divide(scores, top, out=np.zeros_like(scores), where=top > 0)


def scale_min_max(scores: np.ndarray, warm: np.ndarray) -> np.ndarray:
    """Map each row's warm-item scores onto [0, 1]; cold items get 0."""
    low = np.where(warm, scores, np.inf).min(axis=-1, keepdims=True)
    high = np.where(warm, scores, -np.inf).max(axis=-1, keepdims=True)
    span = high - low
    result = np.divide(scores - low, span, out=np.zeros_like(scores), where=span > 0)
    return np.where(warm, np.clip(result, 0.0, 1.0), 0.0)


def combine(
    components: np.ndarray, weights: np.ndarray, warm: np.ndarray, new_item_weight: float
) -> np.ndarray:
    """Blend normalised components (axis 0); never-interacted items score by content alone.

    A new item scores `new_item_weight` x its content similarity relative to the user's best
    content match x the best blended score of an interacted item, so a close content match
    lands among, not above, the behaviour-backed items.
    """
    blended = np.tensordot(weights, components, axes=(0, 0))
    top = np.where(warm, blended, -np.inf).max(axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    cold_score = new_item_weight * scale_max(components[CONTENT]) * top
    result: np.ndarray = np.where(warm, blended, cold_score)
    return result


def normalise(
    component: int,
    raw: np.ndarray,
    *,
    absolute: bool,
    warm: np.ndarray,
    mass: np.ndarray | float = 1.0,
    users: int = 1,
) -> np.ndarray:
    """Put one component's raw scores (1-D, or 2-D users x items) on the blend's scale.

    `absolute` keeps each component's own meaning (popularity: share of users; neighbours
    and content: mean similarity per history item; factors: the predicted 0/1), so a weak
    signal stays weak; otherwise each user's scores are divided by their maximum.
    """
    if component == POPULARITY:
        return raw / max(users, 1) if absolute else scale_max(raw)
    if component == FACTORS:
        return (
            np.where(warm, np.clip(raw, 0.0, None), 0.0) if absolute else scale_min_max(raw, warm)
        )
    if absolute:
        result: np.ndarray = raw / mass
        return result
    return scale_max(raw)


def candidate_weights(available: np.ndarray, absolute: bool = False) -> np.ndarray:
    """Every grid combination over the available components (not all zero)."""
    grid = GRID_ABSOLUTE if absolute else GRID
    axes = [grid[c] if available[c] else (0.0,) for c in range(len(COMPONENTS))]
    combos = [combo for combo in itertools.product(*axes) if sum(combo) > 0]
    return np.array(combos, dtype=np.float64)


def _ndcg_rows(scores: np.ndarray, relevant: np.ndarray, k: int) -> np.ndarray:
    k = min(k, scores.shape[1])
    top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    hits = np.take_along_axis(relevant, top, axis=1)
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    dcg = hits @ discounts
    ideal_counts = np.minimum(relevant.sum(axis=1), k).astype(np.int64)
    ideal = np.concatenate([[0.0], np.cumsum(discounts)])[ideal_counts]
    return np.divide(dcg, ideal, out=np.zeros_like(dcg), where=ideal > 0)


def validation_ndcg(
    components: np.ndarray,
    combos: np.ndarray,
    seen: sp.csr_matrix,
    relevant: sp.csr_matrix,
    warm: np.ndarray,
    new_item_weight: float,
    k: int,
) -> np.ndarray:
    """NDCG@k per (combination, validation user); `components` is (C, users, items)."""
    n_users, n_items = seen.shape
    result = np.zeros((len(combos), n_users))
    chunk = max(1, CHUNK_CELLS // max(1, n_items))
    for start in range(0, n_users, chunk):
        stop = min(n_users, start + chunk)
        block = components[:, start:stop]
        seen_block = seen[start:stop].toarray() > 0
        relevant_block = (relevant[start:stop].toarray() > 0).astype(np.float64)
        for number, weights in enumerate(combos):
            scores = combine(block, weights, warm, new_item_weight)
            scores[seen_block] = -np.inf
            result[number, start:stop] = _ndcg_rows(scores, relevant_block, k)
    return result


def steady_choice(ndcg: np.ndarray, anchor: int) -> int:
    """The row with the best mean, unless it beats row `anchor` by no more than one standard
    error of the paired per-user difference: then `anchor`.

    A small validation set otherwise lets noise pick a different setting for every seed.
    """
    best = int(np.argmax(ndcg.mean(axis=1)))
    if best == anchor or ndcg.shape[1] < 2:
        return best
    difference = ndcg[best] - ndcg[anchor]
    error = float(difference.std(ddof=1)) / np.sqrt(len(difference))
    return best if float(difference.mean()) > error else anchor


def tune(
    components: np.ndarray,
    seen: sp.csr_matrix,
    relevant: sp.csr_matrix,
    history_sizes: np.ndarray,
    warm: np.ndarray,
    available: np.ndarray,
    *,
    bounds: tuple[int, ...],
    new_item_weight: float,
    k: int,
    min_bucket_users: int,
    absolute: bool = False,
) -> tuple[Blend, dict[str, list[float]]]:
    """Pick, per history-size bucket, the grid weights with the best validation NDCG@k.

    A bucket with too few validation users takes the weights that are best over everyone.
    The popularity-only combination is always in the grid, so a bucket where behaviour
    does not help on validation falls back to popularity. Choices move away from neighbours
    alone (overall), and from the overall weights (per bucket), only by more than one
    standard error (`steady_choice`).
    """
    combos = candidate_weights(available, absolute)
    ndcg = validation_ndcg(components, combos, seen, relevant, warm, new_item_weight, k)
    popularity_only = int(np.flatnonzero((combos[:, 1:] == 0).all(axis=1))[0])
    alone = np.zeros(len(COMPONENTS))
    alone[NEIGHBOURS] = 1.0
    neighbours_only = int(np.flatnonzero((combos == alone).all(axis=1))[0])
    overall = steady_choice(ndcg, neighbours_only)
    buckets = np.searchsorted(np.asarray(bounds), history_sizes, side="left")
    rows = []
    report: dict[str, list[float]] = {"users": [], "popularity": [], "blend": []}
    for bucket in range(len(bounds) + 1):
        members = buckets == bucket
        choice = overall
        if members.sum() >= min_bucket_users:
            choice = steady_choice(ndcg[:, members], overall)
        weights = combos[choice]
        rows.append(weights / weights.sum())
        report["users"].append(float(members.sum()))
        report["popularity"].append(
            float(ndcg[popularity_only, members].mean()) if members.any() else 0.0
        )
        report["blend"].append(float(ndcg[choice, members].mean()) if members.any() else 0.0)
    return Blend(bounds, np.array(rows)), report
