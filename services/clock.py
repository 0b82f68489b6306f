"""The one source of the current time, so every domain stamps rows alike."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current moment, timezone-aware in UTC."""
    return datetime.now(UTC)
