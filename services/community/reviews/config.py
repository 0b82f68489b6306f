"""Review and Q&A settings of this process, set from api/settings.py at start-up
(api/community.py) and by tests; README, "Reviews" and "Configuration"."""

from __future__ import annotations

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


CONFIG = ReviewConfig()


def current() -> ReviewConfig:
    return CONFIG


def configure(**changes: int) -> ReviewConfig:
    """Change this process's review settings (start-up, tests); the new settings."""
    global CONFIG
    updated = replace(CONFIG, **changes)
    if min(updated.verify_paid_days, updated.request_after_days, updated.ask_buyers_days) < 0:
        raise ValueError("review day counts must be 0 or more")
    if updated.request_window_days < 1 or updated.ask_buyers_limit < 0:
        raise ValueError("the review request window is at least a day")
    CONFIG = updated
    return CONFIG
