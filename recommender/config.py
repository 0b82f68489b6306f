"""Settings of a fit: event weights, decay, component sizes and how the blend is tuned."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

DEFAULT_EVENT_WEIGHTS: dict[str, float] = {
    "view": 1.0,
    "click": 2.0,
    "favourite": 3.0,
    "add_to_cart": 4.0,
    "purchase": 5.0,
}

EVENT_ALIASES: dict[str, str] = {
    "favorite": "favourite",
    "like": "favourite",
    "wishlist": "favourite",
    "cart": "add_to_cart",
    "add-to-cart": "add_to_cart",
    "addtocart": "add_to_cart",
    "buy": "purchase",
    "order": "purchase",
    "transaction": "purchase",
    "rating": "rate",
    "rated": "rate",
}


def canonical_event(event: str | None) -> str | None:
    """The canonical name of an event type (aliases folded, lower case)."""
    if event is None:
        return None
    name = event.strip().lower().replace(" ", "_")
    if not name:
        return None
    return EVENT_ALIASES.get(name, name)


@dataclass
class Config:
    """Everything a fit can be told; the defaults suit both thin purchase logs and rating data."""

    # --- how one interaction becomes a weight -------------------------------------------
    event_weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_EVENT_WEIGHTS))
    default_event_weight: float = 1.0  # a row with no (or an unknown) event type
    rating_influence: float = 0.5  # an explicit rating scales its weight by 1 +/- this
    half_life_days: float | None = None  # recency decay of profile weights (None: off)
    # candidates for it, chosen on the validation split. Off unless decay earns its place
    # there by more than a standard error: with no drift in the data (a random split of
    # MovieLens-100k) decay only costs (0.002-0.004 NDCG@10), and with 180 days as the
    # default a noisy validation split kept it on two seeds of three
    profile_half_lives: tuple[float | None, ...] = (None, 180.0)

    # --- popularity ------------------------------------------------------------------------
    # candidates for the popularity component's half-life, chosen on the validation split
    trending_half_lives: tuple[float | None, ...] = (None, 60.0, 14.0)
    trending_window_days: float = 14.0  # "trending" explanation: this recent window vs all time
    new_item_days: float = 30.0  # "new" explanation: first seen this recently

    # --- item-item neighbours -----------------------------------------------------------------
    neighbour_model: str = "auto"  # "ease", "cosine", or "auto": EASE up to ease_max_items
    ease_max_items: int = 5000
    # up to this many items EASE keeps every signed weight (8 bytes x n_items^2), so its
    # scores are exact; past it, each item's `neighbours` largest weights, still unclipped
    ease_dense_max_items: int = 3000
    ease_regularisation: float = 16.0  # times the mean diagonal of the (scaled) Gram matrix
    ease_penalty: float | None = None  # absolute EASE penalty: set by tuning, wins when set
    ease_regularisations: tuple[float, ...] = (4.0, 8.0, 16.0, 32.0)  # tuned on validation
    ease_popularity_exponent: float = 0.2  # EASE input columns scaled by frequency ** -this
    # candidates chosen on validation; one value by default: on MovieLens-100k 0.2 beat 0 on
    # every seed's test split, while a validation split, trained on less data, swung
    ease_popularity_exponents: tuple[float, ...] = (0.2,)
    ease_binary: bool = False  # True: EASE learns from 0/1 pairs; False: from the weights
    neighbours: int = 200  # neighbour list length per item (cosine; EASE past the dense size)
    similarity_shrink: float = 0.0  # cosine shrinkage towards 0 for rarely co-consumed pairs
    similarity_shrinks: tuple[float, ...] = (0.0, 3.0, 10.0)  # tuned on validation
    # cosine only: co-occurrences from heavy users count 1 / n**this (EASE is not damped: on
    # MovieLens-100k damping cost it about 0.01 P@10)
    user_activity_damping: float = 0.5
    # --- factor model (surprise SVD on 0/1 with sampled negatives) -------------------------
    factors: int = 64
    epochs: int = 20
    learning_rate: float = 0.005
    regularisation: float = 0.02
    negatives_per_positive: float = 3.0
    max_training_ratings: int = 3_000_000  # fewer negatives are sampled past this
    min_factor_interactions: int = 2000  # below this many user-item pairs the factors are skipped
    fold_in_regularisation: float = 0.5

    # --- content ---------------------------------------------------------------------------------
    content_neighbours: int = 50
    new_item_weight: float = 0.5  # blend weight of content similarity for items never interacted

    # --- blend -----------------------------------------------------------------------------------
    # "absolute": components keep their own scale (a weak signal stays weak); "max": each
    # user's component scores are divided by their maximum
    normalisation: str = "absolute"
    tune: bool = True  # tune blend weights on a validation split carved from the training data
    validation: str = "random"  # the tuning split's protocol: "random", "time", "user-time"
    # share of the training data held out to tune on: the smaller it is, the closer the inner
    # training data is to the final one (EASE's best penalty depends on how much data there
    # is: holding out 25% made the tuner over-regularise on MovieLens-100k)
    validation_fraction: float = 0.1
    validation_users: int = 2000  # at most this many validation users are scored
    activity_buckets: tuple[int, ...] = (3, 7, 15, 40)  # upper bounds of history-size buckets
    min_bucket_users: int = 60  # a smaller bucket inherits the weights tuned over all users
    tuning_k: int = 10
    seed: int = 42
    # BLAS threads for a fit (None: the library's default, every core); one leaves the other
    # core of a small server to the requests, and makes timings repeatable
    threads: int | None = 1

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        data = asdict(self)
        data["trending_half_lives"] = list(self.trending_half_lives)
        data["profile_half_lives"] = list(self.profile_half_lives)
        data["activity_buckets"] = list(self.activity_buckets)
        data["ease_regularisations"] = list(self.ease_regularisations)
        data["similarity_shrinks"] = list(self.similarity_shrinks)
        data["ease_popularity_exponents"] = list(self.ease_popularity_exponents)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Config:
        """Rebuild from `to_json` output, ignoring keys this version does not know."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        if "profile_half_lives" in values:
            values["profile_half_lives"] = tuple(values["profile_half_lives"])
        if "trending_half_lives" in values:
            values["trending_half_lives"] = tuple(values["trending_half_lives"])
        if "similarity_shrinks" in values:
            values["similarity_shrinks"] = tuple(values["similarity_shrinks"])
        if "ease_popularity_exponents" in values:
            values["ease_popularity_exponents"] = tuple(values["ease_popularity_exponents"])
        if "ease_regularisations" in values:
            values["ease_regularisations"] = tuple(values["ease_regularisations"])
        if "activity_buckets" in values:
            values["activity_buckets"] = tuple(values["activity_buckets"])
        return cls(**values)

    def event_weight(self, event: str | None) -> float:
        """The weight of one event type."""
        name = canonical_event(event)
        if name is None:
            return self.default_event_weight
        return float(self.event_weights.get(name, self.default_event_weight))
