"""Item content: `ItemInfo`, TF-IDF features over category, tags, brand, age, price and text."""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import scipy.sparse as sp

from recommender.data import to_timestamp

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    "a an and are as at be by for from in into is it of on or set the to with of x".split()
)
# relative weight of each field's tokens before TF-IDF
_FIELD_WEIGHTS = {"c": 1.0, "t": 1.0, "b": 0.7, "a": 0.5, "p": 0.4, "w": 0.8}
AGE_BUCKET_MONTHS = 12


@dataclass(frozen=True)
class ItemInfo:
    """Content of one item; every field is optional."""

    item: Hashable
    category_path: Sequence[str] | str = ()  # root first, e.g. ("Toys", "Building", "LEGO")
    tags: Sequence[str] = ()
    brand: str | None = None
    age_min_months: float | None = None
    age_max_months: float | None = None
    price: float | None = None
    price_band: str | None = None  # used instead of a band derived from `price`
    text: str = ""
    created_at: float | datetime | str | None = None

    def categories(self) -> list[str]:
        """The category path as a list, root first."""
        if isinstance(self.category_path, str):
            return [part.strip() for part in self.category_path.split("/") if part.strip()]
        return [part.strip() for part in self.category_path if part and part.strip()]


@dataclass(frozen=True)
class Context:
    """What is known about the shopper beyond history: a child's age, interests."""

    age_months: float | None = None
    interests: Sequence[str] = field(default_factory=tuple)


def _norm(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def words(text: str) -> list[str]:
    """Lower-case word tokens without stop words."""
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in _STOPWORDS]


def item_tokens(info: ItemInfo) -> list[str]:
    """Feature tokens of an item, each prefixed by its field letter."""
    tokens: list[str] = []
    path: list[str] = []
    for part in info.categories():
        path.append(_norm(part))
        tokens.append("c:" + "/".join(path))
    tokens.extend("t:" + _norm(tag) for tag in info.tags if tag.strip())
    if info.brand:
        tokens.append("b:" + _norm(info.brand))
    low, high = info.age_min_months, info.age_max_months
    if low is not None or high is not None:
        first = int((low or 0) // AGE_BUCKET_MONTHS)
        last = int(min(high if high is not None else 18 * 12, 18 * 12) // AGE_BUCKET_MONTHS)
        tokens.extend(f"a:{bucket}" for bucket in range(first, max(first, last) + 1))
    if info.price_band:
        tokens.append("p:" + _norm(info.price_band))
    elif info.price is not None and info.price > 0:
        tokens.append(f"p:{int(math.log2(info.price + 1.0))}")
    tokens.extend("w:" + word for word in words(info.text))
    return tokens


@dataclass
class ContentFeatures:
    """L2-normalised TF-IDF rows (one per item) and the token vocabulary."""

    matrix: sp.csr_matrix
    vocabulary: list[str]
    age_min: np.ndarray  # NaN where unknown
    age_max: np.ndarray
    created_at: np.ndarray  # NaN where unknown

    def columns(self, tokens: Iterable[str]) -> list[int]:
        """Vocabulary positions of the given tokens (unknown ones skipped)."""
        lookup = {token: position for position, token in enumerate(self.vocabulary)}
        return [lookup[token] for token in tokens if token in lookup]


def build_features(infos: Sequence[ItemInfo | None], n_items: int) -> ContentFeatures:
    """TF-IDF features for items 0..n_items-1 (`infos[i]` describes item i, None if unknown)."""
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    age_min = np.full(n_items, np.nan)
    age_max = np.full(n_items, np.nan)
    created = np.full(n_items, np.nan)
    for row, info in enumerate(infos):
        if info is None:
            continue
        if info.age_min_months is not None:
            age_min[row] = info.age_min_months
        if info.age_max_months is not None:
            age_max[row] = info.age_max_months
        created[row] = to_timestamp(info.created_at)
        counts: dict[int, float] = {}
        for token in item_tokens(info):
            column = vocabulary.setdefault(token, len(vocabulary))
            counts[column] = counts.get(column, 0.0) + _FIELD_WEIGHTS[token[0]]
        for column, value in counts.items():
            rows.append(row)
            cols.append(column)
            vals.append(value)
    shape = (n_items, len(vocabulary))
    matrix = sp.csr_matrix((vals, (rows, cols)), shape=shape, dtype=np.float64)
    if matrix.nnz:
        document_frequency = np.bincount(matrix.indices, minlength=shape[1])
        described = max(1, int(np.count_nonzero(np.diff(matrix.indptr))))
        idf = np.log((1.0 + described) / (1.0 + document_frequency)) + 1.0
        matrix = sp.csr_matrix(matrix.multiply(idf[np.newaxis, :]))
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        matrix = sp.csr_matrix(matrix.multiply(1.0 / norms[:, np.newaxis]))
    ordered = sorted(vocabulary, key=vocabulary.__getitem__)
    return ContentFeatures(matrix, ordered, age_min, age_max, created)


def context_mask_and_boost(
    features: ContentFeatures | None, context: Context | None, n_items: int
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Items allowed by the context's age (None: all) and a 0/1 interest match per item."""
    if context is None or features is None:
        return None, None
    allowed: np.ndarray | None = None
    if context.age_months is not None:
        age = float(context.age_months)
        too_young = np.isfinite(features.age_min) & (features.age_min > age)
        too_old = np.isfinite(features.age_max) & (features.age_max < age)
        allowed = ~(too_young | too_old)
    boost: np.ndarray | None = None
    if context.interests:
        wanted: list[str] = []
        for interest in context.interests:
            token = _norm(interest)
            wanted.extend([f"t:{token}", f"b:{token}", f"w:{token}"])
            wanted.extend(f"w:{word}" for word in words(interest))
            wanted.extend(
                name
                for name in features.vocabulary
                if name.startswith("c:") and name.rsplit("/", 1)[-1].removeprefix("c:") == token
            )
        columns = features.columns(wanted)
        if columns:
            hits = features.matrix[:, columns].sum(axis=1)
            boost = (np.asarray(hits).ravel() > 0).astype(np.float64)
    return allowed, boost
