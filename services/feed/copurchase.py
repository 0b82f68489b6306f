"""Bought together: how many baskets (orders, else shoppers) hold both of two products."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

WIDTH = 50  # partners kept per product


@dataclass
class CoPurchases:
    """Per product, its most co-purchased products (CSR rows over `products`)."""

    products: np.ndarray  # sorted product ids
    indptr: np.ndarray
    partners: np.ndarray  # indices into `products`
    counts: np.ndarray

    @classmethod
    def empty(cls) -> CoPurchases:
        return cls(np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros(0))

    @classmethod
    def from_baskets(
        cls, baskets: Sequence[str], items: Sequence[int], *, width: int = WIDTH
    ) -> CoPurchases:
        """Count co-occurrences of products within each basket (a product once per basket)."""
        if not baskets:
            return cls.empty()
        basket_ids, basket_index = np.unique(np.asarray(baskets, dtype=object), return_inverse=True)
        products, product_index = np.unique(np.asarray(items, dtype=np.int64), return_inverse=True)
        matrix = sp.csr_matrix(
            (np.ones(len(items)), (basket_index, product_index)),
            shape=(len(basket_ids), len(products)),
        )
        matrix.data = np.ones_like(matrix.data)  # duplicates summed: count each once
        together = (matrix.T @ matrix).tocsr()
        together.setdiag(0)
        together.eliminate_zeros()
        indptr = [0]
        partners: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        for row in range(len(products)):
            start, stop = together.indptr[row], together.indptr[row + 1]
            columns, values = together.indices[start:stop], together.data[start:stop]
            order = np.lexsort((columns, -values))[:width]
            partners.append(columns[order])
            counts.append(values[order])
            indptr.append(indptr[-1] + len(order))
        return cls(
            products,
            np.asarray(indptr, dtype=np.int64),
            np.concatenate(partners).astype(np.int64) if partners else np.zeros(0, np.int64),
            np.concatenate(counts).astype(np.float64) if counts else np.zeros(0),
        )

    def partners_of(self, product_id: int, k: int = WIDTH) -> list[tuple[int, float]]:
        """Products bought together with `product_id`, most baskets first."""
        row = int(np.searchsorted(self.products, product_id))
        if row >= len(self.products) or self.products[row] != product_id:
            return []
        start, stop = self.indptr[row], min(self.indptr[row + 1], self.indptr[row] + k)
        return [
            (int(self.products[p]), float(c))
            for p, c in zip(self.partners[start:stop], self.counts[start:stop], strict=True)
        ]

    def save(self, path: Path) -> None:
        with open(path, "wb") as handle:
            np.savez_compressed(
                handle,
                products=self.products,
                indptr=self.indptr,
                partners=self.partners,
                counts=self.counts,
            )

    @classmethod
    def load(cls, path: Path) -> CoPurchases:
        if not path.exists():
            return cls.empty()
        with np.load(path, allow_pickle=False) as archive:
            return cls(
                archive["products"], archive["indptr"], archive["partners"], archive["counts"]
            )
