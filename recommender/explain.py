"""Why an item is recommended: the user's item that contributed most through neighbour or
content lists, else its category, trend, novelty or popularity."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from recommender.data import SECONDS_PER_DAY

if TYPE_CHECKING:
    from recommender.content import Context
    from recommender.model import Model, Profile
    from recommender.neighbours import Neighbours

EXPLAIN_HISTORY = 500  # explanations look at the user's strongest items only
EVENT_VERBS = {
    "view": "viewed",
    "click": "clicked",
    "favourite": "favourited",
    "add_to_cart": "added_to_cart",
    "purchase": "bought",
    "rate": "rated",
}


@dataclass(frozen=True)
class Explanation:
    """Why an item is shown, as data for the UI to phrase.

    `kind` is one of `because_you_<verb>` (viewed, clicked, favourited, added_to_cart, bought,
    rated, interacted), `popular_in_category`, `trending`, `new`, `popular`; `source_item` is
    the user's item that contributed most through neighbours, when there is one.
    """

    kind: str
    source_item: Hashable | None = None
    data: dict[str, float | str | None] = field(default_factory=dict)


def _strongest(profile: Profile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    items, weights, events = profile.items, profile.weights, profile.events
    if len(items) > EXPLAIN_HISTORY:
        keep = np.argsort(-weights)[:EXPLAIN_HISTORY]
        items, weights, events = items[keep], weights[keep], events[keep]
    return items, weights, events


def _because(
    model: Model,
    basis: str,
    source: int,
    event_code: int,
    similarity: float,
    contribution: np.ndarray,
    best: float,
) -> Explanation:
    event = model.event_names[event_code] if 0 <= event_code < len(model.event_names) else None
    verb = EVENT_VERBS.get(event or "", "interacted")
    data: dict[str, float | str | None] = {
        "basis": basis,
        "event": event,
        "similarity": similarity,
        "share": float(best / contribution.sum()),
    }
    return Explanation(f"because_you_{verb}", model.items.ids[source], data)


def _lists(model: Model) -> list[tuple[str, Neighbours]]:
    pairs = (("neighbours", model.neighbours), ("content", model.content))
    return [(basis, lists) for basis, lists in pairs if lists is not None]


def explain_one(model: Model, profile: Profile, index: int, context: Context | None) -> Explanation:
    """Why item `index` would be shown to the owner of `profile`."""
    items, weights, events = _strongest(profile)
    if len(items):
        for basis, lists in _lists(model):
            similarity = (lists.weight[items] * (lists.index[items] == index)).sum(axis=1)
            contribution = similarity * weights
            best = int(np.argmax(contribution))
            if contribution[best] > 0:
                return _because(
                    model,
                    basis,
                    int(items[best]),
                    int(events[best]),
                    float(similarity[best]),
                    contribution,
                    float(contribution[best]),
                )
    return _otherwise(model, items, index, context)


def explain_many(
    model: Model, profile: Profile, indices: Sequence[int], context: Context | None
) -> list[Explanation]:
    """`explain_one` for many items at once, the same answers.

    Each list stage is one pass over the profile's lists for all items (a feed explains 150
    candidates: one at a time that was most of a cold FOR_YOU's model time).
    """
    items, weights, events = _strongest(profile)
    found: dict[int, Explanation] = {}
    remaining = np.unique(np.asarray(indices, dtype=np.int64))
    for basis, lists in _lists(model) if len(items) else ():
        if len(remaining) == 0:
            break
        column = np.full(len(model.items), -1, dtype=np.int64)
        column[remaining] = np.arange(len(remaining))
        slots = column[lists.index[items]]  # profile item x list position -> candidate column
        rows, places = np.nonzero(slots >= 0)
        # an item appears once in another's list (padding points at the item itself)
        similarity = np.zeros((len(items), len(remaining)), dtype=lists.weight.dtype)
        similarity[rows, slots[rows, places]] = lists.weight[items][rows, places]
        contribution = similarity * weights[:, np.newaxis]
        best = np.argmax(contribution, axis=0)
        top = contribution[best, np.arange(len(remaining))]
        for number in np.nonzero(top > 0)[0].tolist():
            row = int(best[number])
            found[int(remaining[number])] = _because(
                model,
                basis,
                int(items[row]),
                int(events[row]),
                float(similarity[row, number]),
                contribution[:, number],
                float(top[number]),
            )
        remaining = remaining[top <= 0]
    return [found[i] if i in found else _otherwise(model, items, int(i), context) for i in indices]


def _otherwise(model: Model, items: np.ndarray, index: int, context: Context | None) -> Explanation:
    category = model.categories[index]
    if category is not None:
        mine = {model.categories[i] for i in items.tolist()}
        wanted = {interest.lower() for interest in (context.interests if context else ())}
        leaf = category.rsplit("/", 1)[-1].lower()
        if category in mine or leaf in wanted:
            return Explanation("popular_in_category", None, {"category": category})
    if model.recent_share[index] >= 2.0 * model.overall_share[index] > 0:
        data: dict[str, float | str | None] = {"recent_share": float(model.recent_share[index])}
        data["overall_share"] = float(model.overall_share[index])
        return Explanation("trending", None, data)
    first = model.first_seen[index]
    recent = model.reference_time - model.config.new_item_days * SECONDS_PER_DAY
    if not model.warm[index] or (np.isfinite(first) and first >= recent):
        return Explanation(
            "new", None, {"first_seen": float(first) if np.isfinite(first) else None}
        )
    return Explanation("popular", None, {"users": float(model.user_counts[index])})
