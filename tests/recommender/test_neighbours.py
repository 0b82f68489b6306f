"""EASE from one eigendecomposition, kept dense and signed; batch ranking equals `recommend`."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from recommender import Config, fit
from recommender import neighbours as lists
from recommender.synthetic import generate


def _direct_ease(x: np.ndarray, penalty: float, exponent: float) -> np.ndarray:
    """EASE by the book: scale columns, invert G + penalty * I, B = I - P / diag(P)."""
    frequency = np.maximum((x > 0).sum(axis=0), 1).astype(float)
    scale = frequency**-exponent
    scaled = x * scale
    inverse = np.linalg.inv(scaled.T @ scaled + penalty * np.eye(x.shape[1]))
    weights = -inverse / np.diag(inverse)
    np.fill_diagonal(weights, 0.0)
    return scale[:, None] * weights  # profile @ this == (profile * scale) @ B


@pytest.fixture(scope="module")
def matrix() -> sp.csr_matrix:
    rng = np.random.default_rng(4)
    dense = (rng.random((60, 25)) < 0.3) * rng.integers(1, 4, size=(60, 25))
    return sp.csr_matrix(dense.astype(float))


@pytest.mark.parametrize("exponent", [0.0, 0.2])
def test_one_eigendecomposition_gives_ease_for_every_penalty(matrix, exponent):
    basis = lists.EaseBasis.from_gram(lists.gram(matrix), lists.item_frequency(matrix), exponent)
    x = matrix.toarray()
    for relative in (0.5, 4.0, 16.0, 64.0):
        penalty = relative * basis.mean_diagonal
        expected = _direct_ease(x, penalty, exponent)
        assert np.allclose(basis.weights(relative), expected, atol=1e-8)
        assert np.allclose(basis.weights(0.0, penalty=penalty), expected, atol=1e-8)


def test_dense_ease_keeps_every_signed_weight(matrix):
    neighbours = lists.ease(matrix, width=5, regularisation=2.0, exact=True)
    n = matrix.shape[1]
    assert neighbours.index.shape == (n, n)  # not cut to `width`
    assert (neighbours.weight < 0).any()  # not clipped at zero
    expected = _direct_ease(matrix.toarray(), 2.0 * np.diag(lists.gram(matrix)).mean(), 0.0)
    profile = sp.csr_matrix(matrix[:7])
    assert np.allclose(neighbours.score(profile), profile @ expected, atol=1e-5)
    cut = lists.ease(matrix, width=5, regularisation=2.0, exact=False)
    assert cut.index.shape == (n, 5)


def test_a_small_catalogue_fits_exact_unclipped_ease():
    data = generate(users=150, items=60, interactions=3000, seed=2).interactions
    model = fit(data, config=Config(tune=False))
    n = len(model.items)
    assert model.neighbours.index.shape == (n, n)
    assert (model.neighbours.weight < 0).any()
    narrow = fit(data, config=Config(tune=False, ease_dense_max_items=10, neighbours=8))
    assert narrow.neighbours.index.shape == (n, 8)
    # past the dense size: each item's 8 largest exact weights, unclipped
    assert narrow.items.ids == model.items.ids
    largest = -np.sort(-model.neighbours.weight, axis=1)[:, :8]
    assert np.allclose(narrow.neighbours.weight, largest, atol=1e-6)


def test_batch_ranking_gives_the_lists_recommend_gives():
    data = generate(users=120, items=80, interactions=3000, seed=3, events=True)
    config = Config(min_factor_interactions=0, factors=8, epochs=5)
    model = fit(data.interactions, items=data.items[:70], config=config)
    users = [*model.users.ids[:40], "nobody"]
    ranked = model.rank(users, 10)
    for user in users:
        assert ranked[user] == [rec.item for rec in model.recommend(user, 10)]
