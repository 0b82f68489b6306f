"""Adapters from each push format to normalized tracking updates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from models.logistics import PushFormat
from services.logistics.adapters import aftership, easypost, native, track17
from services.logistics.adapters.base import PushInvalid, TrackingUpdate

PARSERS: dict[PushFormat, Callable[[Any], list[TrackingUpdate]]] = {
    PushFormat.NATIVE: native.parse,
    PushFormat.AFTERSHIP: aftership.parse,
    PushFormat.EASYPOST: easypost.parse,
    PushFormat.TRACK17: track17.parse,
}


def parse(push_format: PushFormat | str, body: Any) -> list[TrackingUpdate]:
    """The updates of one decoded JSON push; PushInvalid for anything unreadable."""
    return PARSERS[PushFormat(push_format)](body)


__all__ = ["PushInvalid", "TrackingUpdate", "parse"]
