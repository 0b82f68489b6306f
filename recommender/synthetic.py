"""Synthetic interaction data with latent taste structure and popularity skew (for checks)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender.content import ItemInfo
from recommender.data import SECONDS_PER_DAY, Interactions

EPOCH = 1_577_836_800.0  # 2020-01-01T00:00:00Z
EVENTS = ("view", "click", "favourite", "add_to_cart", "purchase")


@dataclass
class Synthetic:
    """Generated interactions and the matching item content."""

    interactions: Interactions
    items: list[ItemInfo]


def generate(
    *,
    users: int = 943,
    items: int = 1682,
    interactions: int = 100_000,
    genres: int = 18,
    concentration: float = 0.25,
    noise: float = 0.25,
    popularity_skew: float = 1.3,
    min_per_user: int = 20,
    days: float = 210.0,
    events: bool = False,
    seed: int = 0,
) -> Synthetic:
    """MovieLens-like data: users mix a few genres, items are popularity-skewed within genres.

    Each interaction picks a genre from the user's Dirichlet(`concentration`) taste, then an
    item of that genre by popularity; a `noise` share picks from global popularity instead.
    Items appear over `days` and are mostly consumed soon after they appear, so recency
    matters in a time split. Ratings (1-5) are higher in the user's favourite genres; with
    `events`, each row is a view/click/favourite/add_to_cart/purchase, deeper when liked.
    """
    rng = np.random.default_rng(seed)
    item_genre = rng.integers(0, genres, size=items)
    item_popularity = rng.lognormal(0.0, popularity_skew, size=items)
    release = rng.uniform(-0.5 * days, days, size=items)
    taste = rng.dirichlet(np.full(genres, concentration), size=users)

    activity = rng.lognormal(0.0, 1.0, size=users)
    extra = max(0, interactions - min_per_user * users)
    per_user = min_per_user + np.floor(activity / activity.sum() * extra * 1.08).astype(np.int64)
    per_user = np.minimum(per_user, items // 2)
    user_of = np.repeat(np.arange(users), per_user)

    cumulative_taste = np.cumsum(taste, axis=1)
    draw = rng.random(len(user_of))
    genre_of = (draw[:, np.newaxis] > cumulative_taste[user_of]).sum(axis=1)
    genre_of = np.minimum(genre_of, genres - 1)
    picked = np.empty(len(user_of), dtype=np.int64)
    for genre in range(genres):
        members = np.flatnonzero(item_genre == genre)
        rows = np.flatnonzero(genre_of == genre)
        if len(members) == 0 or len(rows) == 0:
            picked[rows] = rng.integers(0, items, size=len(rows))
            continue
        weights = item_popularity[members] / item_popularity[members].sum()
        picked[rows] = rng.choice(members, size=len(rows), p=weights)
    global_rows = rng.random(len(user_of)) < noise
    picked[global_rows] = rng.choice(
        items, size=int(global_rows.sum()), p=item_popularity / item_popularity.sum()
    )
    keys = np.unique(user_of * items + picked)
    user_of, picked = keys // items, keys % items

    age = rng.exponential(0.15 * days, size=len(picked))
    moment = np.clip(release[picked] + age, 0.0, days) + rng.uniform(0, 1, size=len(picked))
    affinity = taste[user_of, item_genre[picked]] * genres
    stars = np.clip(np.rint(2.6 + 0.6 * np.log1p(affinity) + rng.normal(0, 0.9, len(picked))), 1, 5)
    kinds: list[str | None] = [None] * len(picked)
    if events:
        depth = np.clip(np.rint(stars - 1 + rng.normal(0, 0.7, len(picked))), 0, 4).astype(int)
        kinds = [EVENTS[d] for d in depth]
    data = Interactions.from_lists(
        [f"u{u}" for u in user_of.tolist()],
        [f"i{i}" for i in picked.tolist()],
        (EPOCH + moment * SECONDS_PER_DAY).tolist(),
        kinds,
        None if events else stars.tolist(),
    )
    infos = [
        ItemInfo(
            item=f"i{i}",
            category_path=("Catalogue", f"Genre {item_genre[i]}"),
            tags=(f"mood-{rng.integers(0, 40)}",),
            brand=f"Studio {rng.integers(0, 60)}",
            price=float(rng.lognormal(2.5, 0.6)),
            text=f"genre{item_genre[i]} story feature title{i}",
            created_at=EPOCH + max(release[i], 0.0) * SECONDS_PER_DAY,
        )
        for i in range(items)
    ]
    return Synthetic(data, infos)
