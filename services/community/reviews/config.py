"""Review settings, from the environment with shop-friendly defaults (README, "Reviews")."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ReviewConfig:
    # A paid order with no tracking at all counts as a verified purchase this many days
    # after payment (time for the parcel to arrive).
    verify_paid_days: int = 14
    # review.requested goes out this many days after delivery ...
    request_after_days: int = 7
    # ... for deliveries at most this many days older than that (the sweep's look-back).
    request_window_days: int = 30
    # question.answer_requested names members who bought the product this recently.
    ask_buyers_days: int = 180
    ask_buyers_limit: int = 20


def _int(name: str, default: int) -> int:
    try:
        return max(int(os.environ.get(name, default)), 0)
    except ValueError:
        return default


def from_environment() -> ReviewConfig:
    return ReviewConfig(
        verify_paid_days=_int("SHOPGRAPH_REVIEW_VERIFY_PAID_DAYS", 14),
        request_after_days=_int("SHOPGRAPH_REVIEW_REQUEST_DAYS", 7),
    )


CONFIG = from_environment()


def current() -> ReviewConfig:
    return CONFIG


def configure(**changes: int) -> ReviewConfig:
    """Change this process's review settings (tests, start-up)."""
    global CONFIG
    CONFIG = replace(CONFIG, **changes)
    return CONFIG
