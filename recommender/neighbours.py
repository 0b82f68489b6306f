"""Top-N neighbour lists: item-item cosine over behaviour, and content cosine."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

BLOCK_CELLS = 8_000_000  # dense cells per block while ranking neighbours


@dataclass
class Neighbours:
    """Fixed-width neighbour lists: `index[i, r]` is item i's r-th neighbour, `weight` its weight.

    Padding slots have weight 0 (and point at the item itself).
    """

    index: np.ndarray  # int32 (n_items, width)
    weight: np.ndarray  # float32 (n_items, width)

    @classmethod
    def empty(cls, n_items: int) -> Neighbours:
        """No neighbours for anyone."""
        own = np.arange(n_items, dtype=np.int32)[:, np.newaxis]
        return cls(own.copy(), np.zeros((n_items, 1), dtype=np.float32))

    def as_matrix(self) -> sp.csr_matrix:
        """The lists as a sparse item x item matrix (row: source item, column: neighbour)."""
        n, width = self.index.shape
        rows = np.repeat(np.arange(n), width)
        matrix = sp.csr_matrix(
            (self.weight.ravel().astype(np.float64), (rows, self.index.ravel())), shape=(n, n)
        )
        matrix.eliminate_zeros()
        return matrix


def _top_n(block: np.ndarray, first_row: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    rows = np.arange(block.shape[0])
    block[rows, first_row + rows] = 0.0  # an item is not its own neighbour
    width = min(width, block.shape[1])
    if width < block.shape[1]:
        part = np.argpartition(-block, width - 1, axis=1)[:, :width]
    else:
        part = np.tile(np.arange(block.shape[1]), (block.shape[0], 1))
    values = np.take_along_axis(block, part, axis=1)
    order = np.argsort(-values, axis=1, kind="stable")
    index = np.take_along_axis(part, order, axis=1)
    weight = np.take_along_axis(values, order, axis=1)
    index = np.where(weight > 0, index, (first_row + rows)[:, np.newaxis])
    weight = np.clip(weight, 0.0, None)
    return index.astype(np.int32), weight.astype(np.float32)


def _ranked(
    left: sp.csr_matrix, right: sp.csc_matrix, scale: np.ndarray, shrink: float, width: int
) -> Neighbours:
    """Top `width` of each row of `left @ right`, cells divided by `scale_i * scale_j + shrink`."""
    n = left.shape[0]
    if n == 0 or width <= 0:
        return Neighbours.empty(n)
    block_rows = max(1, BLOCK_CELLS // max(1, right.shape[1]))
    index_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    for start in range(0, n, block_rows):
        stop = min(n, start + block_rows)
        block = (left[start:stop] @ right).toarray()
        block /= scale[start:stop, np.newaxis] * scale[np.newaxis, :] + shrink
        index, weight = _top_n(block, start, width)
        index_parts.append(index)
        weight_parts.append(weight)
    return Neighbours(np.vstack(index_parts), np.vstack(weight_parts))


def item_item(matrix: sp.csr_matrix, *, width: int, shrink: float, damping: float) -> Neighbours:
    """Cosine neighbours of items over a user x item weight matrix.

    Heavy users' co-occurrences are damped by 1 / n_items_of_user ** `damping`.
    """
    counts = np.diff(matrix.indptr).astype(np.float64)
    user_scale = 1.0 / np.power(np.maximum(counts, 1.0), damping / 2.0)
    damped = sp.csr_matrix(sp.diags(user_scale) @ matrix)
    item_user = sp.csr_matrix(damped.T)
    norms = np.sqrt(np.asarray(damped.multiply(damped).sum(axis=0)).ravel())
    norms[norms == 0] = 1.0
    return _ranked(item_user, sp.csc_matrix(damped), norms, shrink, width)


def content(features: sp.csr_matrix, *, width: int) -> Neighbours:
    """Cosine neighbours over L2-normalised content rows."""
    n = features.shape[0]
    if features.nnz == 0:
        return Neighbours.empty(n)
    return _ranked(features, sp.csc_matrix(features.T), np.ones(n), 0.0, width)


def ease(matrix: sp.csr_matrix, *, width: int, regularisation: float) -> Neighbours:
    """EASE item-item weights (closed-form ridge regression of each item on all others), top-N.

    Dense n_items^2 memory and an n_items^3 inversion: for small and mid-sized catalogues.
    `regularisation` is relative to the mean diagonal of the Gram matrix.
    """
    n = matrix.shape[1]
    gram = (matrix.T @ matrix).toarray()
    diagonal = np.diag(gram).copy()
    penalty = regularisation * max(float(diagonal.mean()), 1e-9)
    gram[np.diag_indices(n)] += penalty
    inverse = np.linalg.inv(gram)
    del gram
    inverse /= -np.diag(inverse)[np.newaxis, :]
    inverse[np.diag_indices(n)] = 0.0
    index, weight = _top_n(inverse, 0, width)
    return Neighbours(index, weight)
