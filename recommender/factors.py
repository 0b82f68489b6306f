"""Latent factors: surprise's SVD trained on 0/1 interactions with sampled negatives."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from surprise import SVD, Trainset


class _ArrayTrainset(Trainset):
    """A surprise Trainset over parallel lists, so millions of ratings build in a second.

    SVD only iterates `all_ratings()` and reads the sizes and the global mean.
    """

    def __init__(
        self, users: list[int], items: list[int], ratings: list[float], shape: tuple[int, int]
    ):
        super().__init__({}, {}, shape[0], shape[1], len(ratings), (0.0, 1.0), {}, {})
        self._columns = (users, items, ratings)
        self._global_mean = float(np.mean(ratings)) if ratings else 0.0

    def all_ratings(self) -> Iterator[tuple[int, int, float]]:
        return zip(*self._columns, strict=True)


@dataclass
class Factors:
    """Fitted factor arrays read out of surprise (float32 for serving)."""

    user: np.ndarray  # (n_users, f)
    item: np.ndarray  # (n_items, f)
    user_bias: np.ndarray
    item_bias: np.ndarray
    global_mean: float

    def scores(self, user: int) -> np.ndarray:
        """Item scores of a trained user (user bias and global mean dropped: they do not rank)."""
        result: np.ndarray = self.item @ self.user[user] + self.item_bias
        return result

    def fold_in(self, items: np.ndarray, weights: np.ndarray, regularisation: float) -> np.ndarray:
        """A user vector for an unseen user from the factors of their items (ridge least squares).

        Solves min_p sum_j w_j (1 - mu - b_j - q_j . p)^2 + reg * |p|^2; no retraining.
        """
        q = self.item[items].astype(np.float64)
        w = weights / max(float(weights.mean()), 1e-12)
        target = 1.0 - self.global_mean - self.item_bias[items]
        gram = (q * w[:, np.newaxis]).T @ q + regularisation * np.eye(q.shape[1])
        vector: np.ndarray = np.linalg.solve(gram, (q * w[:, np.newaxis]).T @ target)
        return vector.astype(np.float32)


def sample_negatives(
    positives: sp.csr_matrix, ratio: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """About `ratio` uniformly drawn non-interacted items per positive, per user."""
    n_users, n_items = positives.shape
    per_user = np.diff(positives.indptr)
    wanted = np.minimum(np.rint(per_user * ratio).astype(np.int64), n_items - per_user)
    users = np.repeat(np.arange(n_users, dtype=np.int64), np.maximum(wanted, 0))
    items = rng.integers(0, n_items, size=len(users))
    known = np.repeat(np.arange(n_users, dtype=np.int64), per_user) * n_items + positives.indices
    known.sort()
    keep = np.ones(len(users), dtype=bool)
    for _ in range(4):
        keys = users * n_items + items
        slot = np.minimum(np.searchsorted(known, keys), len(known) - 1)
        clash = known[slot] == keys
        if not clash.any():
            break
        items[clash] = rng.integers(0, n_items, size=int(clash.sum()))
    keys = users * n_items + items
    slot = np.minimum(np.searchsorted(known, keys), max(len(known) - 1, 0))
    if len(known):
        keep &= known[slot] != keys
    return users[keep], items[keep]


def train(
    positives: sp.csr_matrix,
    *,
    factors: int,
    epochs: int,
    learning_rate: float,
    regularisation: float,
    negatives_per_positive: float,
    max_ratings: int,
    seed: int,
) -> Factors:
    """Fit surprise's SVD on 1 for every interacted pair and 0 for sampled negatives."""
    rng = np.random.default_rng(seed)
    n_pos = positives.nnz
    ratio = min(negatives_per_positive, max(0.5, max_ratings / max(n_pos, 1) - 1.0))
    neg_users, neg_items = sample_negatives(positives, ratio, rng)
    pos_users = np.repeat(np.arange(positives.shape[0], dtype=np.int64), np.diff(positives.indptr))
    users = np.concatenate([pos_users, neg_users])
    items = np.concatenate([positives.indices.astype(np.int64), neg_items])
    ratings = np.concatenate([np.ones(n_pos), np.zeros(len(neg_users))])
    order = rng.permutation(len(users))
    trainset = _ArrayTrainset(
        users[order].tolist(), items[order].tolist(), ratings[order].tolist(), positives.shape
    )
    algo = SVD(
        n_factors=factors,
        n_epochs=epochs,
        lr_all=learning_rate,
        reg_all=regularisation,
        random_state=seed,
    )
    algo.fit(trainset)
    return Factors(
        user=np.asarray(algo.pu, dtype=np.float32),
        item=np.asarray(algo.qi, dtype=np.float32),
        user_bias=np.asarray(algo.bu, dtype=np.float32),
        item_bias=np.asarray(algo.bi, dtype=np.float32),
        global_mean=float(trainset.global_mean),
    )
