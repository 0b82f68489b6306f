"""What a feed is made of: sections, reasons, ranked entries and the words that explain them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from models.analytics import EventKind


class FeedSection(StrEnum):
    FOR_YOU = "for_you"
    TRENDING = "trending"
    NEW_ARRIVALS = "new_arrivals"
    SIMILAR = "similar"
    BOUGHT_TOGETHER = "bought_together"
    FOR_CHILD = "for_child"


class ReasonKind(StrEnum):
    VIEWED_SIMILAR = "viewed_similar"
    BOUGHT_SIMILAR = "bought_similar"
    BOUGHT_TOGETHER = "bought_together"
    SIMILAR = "similar"
    POPULAR = "popular"
    TRENDING = "trending"
    NEW_ARRIVAL = "new_arrival"
    FOR_CHILD_AGE = "for_child_age"


# Behaviour kinds that say "interested in this product", as the recommender names them.
MODEL_EVENTS: dict[str, str] = {
    EventKind.VIEW: "view",
    EventKind.CLICK: "click",
    EventKind.SHARE: "click",
    EventKind.FAVOURITE: "favourite",
    EventKind.ADD_TO_CART: "add_to_cart",
    EventKind.PURCHASE: "purchase",
}

# Reasons drawn from the shopper's own behaviour: never shown without personalization consent.
PERSONAL_REASONS = frozenset({ReasonKind.VIEWED_SIMILAR, ReasonKind.BOUGHT_SIMILAR})

# The recommender's `because_you_<verb>` explanations, as the feed phrases them.
VERB_PHRASES = {
    "viewed": "viewed",
    "clicked": "viewed",
    "favourited": "saved",
    "added_to_cart": "added to your cart",
    "rated": "rated",
    "interacted": "looked at",
    "bought": "bought",
}


@dataclass(frozen=True)
class FeedEntry:
    """One ranked product and why it is there (the wording comes from `reason_text`)."""

    product_id: int
    score: float
    reason: ReasonKind
    source_product_id: int | None = None
    verb: str | None = None  # for VIEWED_SIMILAR / BOUGHT_SIMILAR: how the source was used
    detail: str | None = None  # a category name (POPULAR) or the child's age (FOR_CHILD_AGE)

    def rescored(self, score: float) -> FeedEntry:
        return replace(self, score=score)


@dataclass(frozen=True)
class RankedFeed:
    """A whole section after the business rules, best first; pages are slices of it."""

    entries: tuple[FeedEntry, ...]
    model_version: str | None


def product_ids(values: Iterable[Any]) -> list[int]:
    """Product ids from a `values_list(..., flat=True)` result (typed as tuples by tortoise)."""
    return [int(value) for value in values]


def shopper_key(user_id: int | None, anonymous_id: str | None) -> str | None:
    """The model's id of a shopper: `u<id>` for an account, `a<anonymous id>` for a guest."""
    if user_id is not None:
        return f"u{user_id}"
    if anonymous_id:
        return f"a{anonymous_id}"
    return None


def age_phrase(months: int) -> str:
    """ "4-year-olds" from 48 months; "18-month-olds" below two years."""
    if months < 24:
        return f"{months}-month-olds"
    return f"{months // 12}-year-olds"


def reason_text(entry: FeedEntry, source_name: str | None) -> str:
    """The sentence a storefront shows under a recommended product."""
    reason = entry.reason
    if reason in PERSONAL_REASONS and source_name:
        return f"Because you {VERB_PHRASES.get(entry.verb or '', 'viewed')} {source_name}"
    if reason == ReasonKind.BOUGHT_TOGETHER and source_name:
        return f"Often bought with {source_name}"
    if reason == ReasonKind.SIMILAR and source_name:
        return f"Similar to {source_name}"
    if reason == ReasonKind.FOR_CHILD_AGE and entry.detail:
        return f"Popular for {entry.detail}"
    if reason == ReasonKind.TRENDING:
        return "Trending now"
    if reason == ReasonKind.NEW_ARRIVAL:
        return "New arrival"
    if reason == ReasonKind.POPULAR and entry.detail:
        return f"Popular in {entry.detail}"
    if reason in PERSONAL_REASONS:
        return "Picked for you"
    return "Popular right now"
