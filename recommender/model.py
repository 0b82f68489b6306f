"""A fitted model: vectorised scoring, recommend, similar, explain; save and load."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection, Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from recommender.artifact import from_arrays, to_arrays
from recommender.config import canonical_event
from recommender.content import Context, context_mask_and_boost
from recommender.data import Interaction
from recommender.explain import Explanation, explain_many, explain_one
from recommender.hybrid import (
    CONTENT,
    FACTORS,
    NEIGHBOURS,
    POPULARITY,
    combine,
    normalise,
    spread,
)
from recommender.state import ModelState

CONTEXT_BOOST = 1.0  # added to items matching the context's interests (scores live in [0, 1])
RANK_CELLS = 2_000_000  # users x items scored together by `rank`

SessionEvent = Hashable | tuple[Hashable, str | None] | Interaction


@dataclass(frozen=True)
class Recommendation:
    """One recommended item, its blended score and the short code of why (see `Explanation`)."""

    item: Hashable
    score: float
    reason: str
    source_item: Hashable | None = None


@dataclass
class Profile:
    """What is known of one shopper for a request: item indices, weights, strongest event codes."""

    items: np.ndarray
    weights: np.ndarray
    events: np.ndarray
    user_row: int | None
    refold: bool


class Model(ModelState):
    """A fitted model; build with `recommender.fit`, never by hand."""

    # ----------------------------------------------------------------- scoring

    @property
    def available(self) -> np.ndarray:
        """Which blend components this model has (popularity, neighbours, factors, content)."""
        return np.array([True, True, self.factors is not None, self.content is not None])

    def profile(
        self, user: Hashable | None, session_events: Iterable[SessionEvent] = ()
    ) -> Profile:
        """The user's history (if known) plus this session's events."""
        row = self.users.get(user) if user is not None else None
        if row is not None:
            start, stop = self.history.indptr[row], self.history.indptr[row + 1]
            items = self.history.indices[start:stop].astype(np.int64)
            weights = self.history.data[start:stop].astype(np.float64)
            events = self.history_events[start:stop].astype(np.int64)
        else:
            items, weights, events = (np.zeros(0, np.int64), np.zeros(0), np.zeros(0, np.int64))
        extra = self._session(session_events)
        if not extra:
            return Profile(items, weights, events, row, refold=False)
        extra_items = np.array([i for i, _, _ in extra], dtype=np.int64)
        extra_weights = np.log1p(np.array([w for _, w, _ in extra]))
        extra_events = np.array([e for _, _, e in extra], dtype=np.int64)
        all_items = np.concatenate([items, extra_items])
        unique, inverse = np.unique(all_items, return_inverse=True)
        merged = np.bincount(inverse, weights=np.concatenate([weights, extra_weights]))
        codes = np.full(len(unique), -1, dtype=np.int64)
        codes[inverse] = np.concatenate([events, extra_events])  # the session's event wins
        return Profile(unique, merged, codes, row, refold=True)

    def _session(self, session_events: Iterable[SessionEvent]) -> list[tuple[int, float, int]]:
        parsed: list[tuple[int, float, int]] = []
        for entry in session_events or ():
            if isinstance(entry, Interaction):
                item, event = entry.item, entry.event
            elif isinstance(entry, tuple) and len(entry) == 2:
                item, event = entry
            else:
                item, event = entry, None
            index = self.items.get(item)
            if index is None:
                continue
            name = canonical_event(event)
            code = self.event_names.index(name) if name in self.event_names else -1
            parsed.append((index, self.config.event_weight(name), code))
        return parsed

    def components(self, profile: Profile) -> np.ndarray:
        """The normalised component scores (4 x items) for one profile."""
        n = len(self.items)
        result = np.zeros((4, n))
        result[POPULARITY] = self.popularity
        if len(profile.items) == 0:
            return result
        absolute = self.config.normalisation == "absolute"
        mass = float(profile.weights.mean())
        raw = spread(self.neighbours, profile.items, profile.weights, n)
        result[NEIGHBOURS] = normalise(
            NEIGHBOURS, raw, absolute=absolute, warm=self.warm, mass=mass
        )
        if self.content is not None:
            raw = spread(self.content, profile.items, profile.weights, n)
            result[CONTENT] = normalise(CONTENT, raw, absolute=absolute, warm=self.warm, mass=mass)
        if self.factors is not None:
            if profile.user_row is not None and not profile.refold:
                raw = self.factors.scores(profile.user_row)
            else:
                known = self.warm[profile.items]
                if not known.any():
                    return result
                vector = self.factors.fold_in(
                    profile.items[known],
                    profile.weights[known],
                    self.config.fold_in_regularisation,
                )
                raw = self.factors.item @ vector + self.factors.item_bias
            raw = raw.astype(np.float64) + self.factors.global_mean
            result[FACTORS] = normalise(FACTORS, raw, absolute=absolute, warm=self.warm)
        return result

    def components_many(self, rows: np.ndarray, dtype: type = np.float32) -> np.ndarray:
        """`components` for many known users (their stored histories) at once: (4, rows, items)."""
        seen = self.history[rows]
        absolute = self.config.normalisation == "absolute"
        counts = np.maximum(np.diff(seen.indptr), 1)
        mass = (np.asarray(seen.sum(axis=1)).ravel() / counts)[:, np.newaxis]
        mass[mass == 0] = 1.0
        result: np.ndarray = np.zeros((4, len(rows), len(self.items)), dtype=dtype)
        result[POPULARITY] = self.popularity[np.newaxis, :]
        raw = self.neighbours.score(seen)
        result[NEIGHBOURS] = normalise(
            NEIGHBOURS, raw, absolute=absolute, warm=self.warm, mass=mass
        )
        if self.content is not None:
            raw = self.content.score(seen)
            result[CONTENT] = normalise(CONTENT, raw, absolute=absolute, warm=self.warm, mass=mass)
        if self.factors is not None:
            raw = self.factors.user[rows] @ self.factors.item.T + self.factors.item_bias
            raw = raw.astype(np.float64) + self.factors.global_mean
            result[FACTORS] = normalise(FACTORS, raw, absolute=absolute, warm=self.warm)
        return result

    def rank(self, users: Sequence[Hashable], k: int) -> dict[Hashable, list[Hashable]]:
        """The top k unseen items of many users, scored in blocks and without explanations
        (what an offline evaluation needs); the same lists as `recommend`."""
        result: dict[Hashable, list[Hashable]] = {}
        known = [(user, row) for user in users if (row := self.users.get(user)) is not None]
        for user in users:
            if self.users.get(user) is None:
                result[user] = [rec.item for rec in self.recommend(user, k)]
        block = max(1, RANK_CELLS // max(1, len(self.items)))
        for start in range(0, len(known), block):
            part = known[start : start + block]
            rows = np.array([row for _, row in part], dtype=np.int64)
            components = self.components_many(rows, np.float64)
            seen = self.history[rows]
            buckets = self.blend.bucket(np.diff(seen.indptr))
            scores = np.empty((len(rows), len(self.items)))
            for bucket in np.unique(buckets).tolist():
                members = buckets == bucket
                scores[members] = combine(
                    components[:, members],
                    self.blend.weights[bucket],
                    self.warm,
                    self.config.new_item_weight,
                )
            scores[seen.toarray() != 0] = -np.inf
            for (user, _), line in zip(part, scores, strict=True):
                result[user] = [self.items.ids[i] for i in _top_k(line, k, None)]
        return result

    def score(self, profile: Profile, context: Context | None = None) -> np.ndarray:
        """Blended score of every item for a profile (higher is better; -inf: not allowed)."""
        weights = self.blend.row(len(profile.items))
        components = self.components(profile)
        scores = combine(components, weights, self.warm, self.config.new_item_weight)
        allowed, boost = context_mask_and_boost(self.features, context, len(self.items))
        if boost is not None:
            scores = scores + CONTEXT_BOOST * boost
        if allowed is not None:
            scores[~allowed] = -np.inf
        return scores

    def scores(
        self, user: Hashable | None, session_events: Iterable[SessionEvent] = ()
    ) -> np.ndarray:
        """Blended score of every item (in `items.ids` order) for a user, seen items included."""
        return self.score(self.profile(user, session_events))

    # ------------------------------------------------------------------ serving

    def recommend(
        self,
        user: Hashable | None,
        k: int = 10,
        exclude: Collection[Hashable] = (),
        candidates: Iterable[Hashable] | None = None,
        session_events: Iterable[SessionEvent] | None = None,
        *,
        context: Context | None = None,
        exclude_seen: bool = True,
    ) -> list[Recommendation]:
        """The top k items for a user (unknown users: popular in context, session neighbours)."""
        profile = self.profile(user, session_events or ())
        scores = self.score(profile, context)
        if exclude_seen:
            scores[profile.items] = -np.inf
        if exclude:
            blocked = self.items.encode(exclude)
            scores[blocked[blocked >= 0]] = -np.inf
        pool: np.ndarray | None = None
        if candidates is not None:
            pool = self.items.encode(candidates)
            pool = np.unique(pool[pool >= 0])
        top = _top_k(scores, k, pool)
        reasons = explain_many(self, profile, top, context)
        return [
            Recommendation(self.items.ids[i], float(scores[i]), why.kind, why.source_item)
            for i, why in zip(top, reasons, strict=True)
        ]

    def similar(self, item: Hashable, k: int = 10) -> list[Recommendation]:
        """Items most like `item`: behaviour neighbours, then content neighbours (for new items).

        Only the item's own list entries are scored (a few hundred, not the catalogue): a
        feed asks this once per product a reason names, and dense arrays over 10k products
        made it twice the cost of the recommendation itself.
        """
        index = self.items.get(item)
        if index is None:
            return []
        lists = [self.neighbours] if self.content is None else [self.neighbours, self.content]
        candidates = np.unique(np.concatenate([part.index[index] for part in lists]))
        scores = np.zeros(len(candidates))
        # each list names an item once (padding points at the item itself, weight 0)
        scores[np.searchsorted(candidates, self.neighbours.index[index])] += self.neighbours.weight[
            index
        ]
        behaviour = scores > 0
        if self.content is not None:
            scale = 0.5 if self.warm[index] else 1.0
            at = np.searchsorted(candidates, self.content.index[index])
            scores[at] += scale * self.content.weight[index]
        scores[candidates == index] = -np.inf
        keep = scores > 0
        ranked = sorted(zip(-scores[keep], candidates[keep], behaviour[keep], strict=True))[:k]
        return [
            Recommendation(
                self.items.ids[int(i)],
                float(-negative),
                "similar_behaviour" if by_behaviour else "similar_content",
                item,
            )
            for negative, i, by_behaviour in ranked
        ]

    def explain(
        self,
        user: Hashable | None,
        item: Hashable,
        session_events: Iterable[SessionEvent] | None = None,
        *,
        context: Context | None = None,
    ) -> Explanation:
        """Why `item` would be recommended to `user`."""
        index = self.items.get(item)
        if index is None:
            return Explanation("popular")
        return self._explain(self.profile(user, session_events or ()), index, context)

    def _recommendation(
        self, profile: Profile, index: int, score: float, context: Context | None
    ) -> Recommendation:
        why = self._explain(profile, index, context)
        return Recommendation(self.items.ids[index], score, why.kind, why.source_item)

    def _explain(self, profile: Profile, index: int, context: Context | None) -> Explanation:
        return explain_one(self, profile, index, context)

    # ---------------------------------------------------------------- artifact

    def save(self, path: str | Path) -> Path:
        """Write one versioned .npz file atomically (temp file in the same folder + os.replace)."""
        target = Path(path)
        if target.suffix != ".npz":
            target = (
                target.with_suffix(target.suffix + ".npz")
                if target.suffix
                else target.with_suffix(".npz")
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        arrays = to_arrays(self)
        descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=target.parent)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                np.savez_compressed(handle, allow_pickle=False, **arrays)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return target

    @classmethod
    def load(cls, path: str | Path) -> Model:
        """Read a file written by `save` (checks its format and version)."""
        with np.load(Path(path), allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        return from_arrays(arrays, cls)


def load(path: str | Path) -> Model:
    """Read a model written by `Model.save`."""
    return Model.load(path)


def _top_k(scores: np.ndarray, k: int, pool: np.ndarray | None) -> list[int]:
    index = pool if pool is not None else np.arange(len(scores))
    values = scores[index]
    finite = np.isfinite(values)
    index, values = index[finite], values[finite]
    if k <= 0 or len(index) == 0:
        return []
    if k < len(values):
        part = np.argpartition(-values, k - 1)[:k]
        index, values = index[part], values[part]
    order = np.lexsort((index, -values))
    return [int(i) for i in index[order][:k]]
