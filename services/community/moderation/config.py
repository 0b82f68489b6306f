"""Moderation settings of this process, set from api/settings.py at start-up (and by tests).

Rate limits and trust thresholds live here rather than in the database: they are the shop's
policy, deployed like the rest of its configuration. Words a shop adds to the profanity list
at run time live in the database (services/community/moderation/words.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ModerationConfig:
    # "mask" replaces profane words with asterisks and publishes; "hold" keeps the text as
    # written and holds it for a moderator.
    profanity_mode: str = "mask"
    extra_words: tuple[str, ...] = ()
    # Submissions per member (every kind counted together).
    per_minute: int = 5
    per_day: int = 50
    # Identical text (after normalization) by the same member within this window is refused.
    duplicate_window_hours: int = 24
    # Members below `trust_member` are new: their links and images are limited.
    new_member_max_links: int = 0
    new_member_max_images: int = 2
    # Trust points: one per approved contribution, `trust_per_purchase` per verified purchase.
    trust_per_purchase: int = 2
    trust_member: int = 3
    trust_trusted: int = 10
    # Threaded comments: a top-level comment has depth 0.
    comment_max_depth: int = 3
    # Counters shared by every process when set; the database otherwise.
    redis_url: str = ""


CONFIG = ModerationConfig()


def configure(**changes: object) -> ModerationConfig:
    """Change the moderation settings of this process (start-up, tests); the new settings."""
    global CONFIG
    updated = replace(CONFIG, **changes)  # type: ignore[arg-type]
    if updated.profanity_mode not in ("mask", "hold"):
        raise ValueError("profanity mode must be 'mask' or 'hold'")
    if min(updated.per_minute, updated.per_day) < 1:
        raise ValueError("community rate limits must be at least 1")
    if not 0 <= updated.trust_member <= updated.trust_trusted:
        raise ValueError("trust thresholds must satisfy 0 <= member <= trusted")
    CONFIG = updated
    return CONFIG


def current() -> ModerationConfig:
    return CONFIG
