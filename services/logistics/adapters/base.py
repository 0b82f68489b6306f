"""What every adapter produces: normalized tracking updates, and the checks they share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from models.logistics import ShipmentStatus

MAX_UPDATES = 500
# Countries arrive as ISO 3166 alpha-3 from some aggregators; the common ones are mapped,
# others are left empty rather than guessed.
ISO3 = {
    "DEU": "DE", "AUT": "AT", "CHE": "CH", "FRA": "FR", "NLD": "NL", "BEL": "BE", "ITA": "IT",
    "ESP": "ES", "POL": "PL", "CZE": "CZ", "DNK": "DK", "SWE": "SE", "GBR": "GB", "IRL": "IE",
    "USA": "US", "CAN": "CA", "CHN": "CN", "HKG": "HK", "JPN": "JP", "AUS": "AU", "LUX": "LU",
}  # fmt: skip


class PushInvalid(ValueError):
    """A push we cannot read: answered 400 with this message."""


@dataclass(frozen=True)
class TrackingUpdate:
    tracking_number: str
    status: ShipmentStatus
    occurred_at: datetime
    sub_status: str = ""
    carrier_code: str = ""
    message: str = ""
    city: str = ""
    region: str = ""
    country: str = ""
    postal_code: str = ""
    # The real carrier when an aggregator pushes (its slug), matched to our carrier codes.
    carrier_slug: str = ""
    estimated_delivery: date | None = None


def text(value: Any, limit: int, *, where: str) -> str:
    """A string field cut to `limit`; None is empty; NUL bytes and non-strings refused."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise PushInvalid(f"{where} must be a string")
    if "\x00" in value:
        raise PushInvalid(f"{where} contains a NUL byte")
    return value.strip()[:limit]


def tracking_number(value: Any, *, where: str) -> str:
    number = text(value, 200, where=where).replace(" ", "").upper()
    if not (1 <= len(number) <= 64) or not all(c.isalnum() or c == "-" for c in number):
        raise PushInvalid(f"{where} must be 1-64 letters, digits or -")
    return number


def moment(value: Any, *, where: str) -> datetime:
    """An ISO 8601 time; without an offset it is read as UTC (AfterShip sends local times
    without one for some carriers, and UTC is the least wrong reading)."""
    if not isinstance(value, str) or not value.strip():
        raise PushInvalid(f"{where} must be an ISO 8601 time")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise PushInvalid(f"{where} is not an ISO 8601 time: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    if not (2000 <= parsed.year <= 2100):
        raise PushInvalid(f"{where} is out of range")
    return parsed


def optional_date(value: Any, *, where: str) -> date | None:
    if value in (None, ""):
        return None
    return moment(value, where=where).date() if "T" in str(value) else _date(value, where)


def _date(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise PushInvalid(f"{where} is not a date") from None


def country(value: Any, *, where: str) -> str:
    code = text(value, 3, where=where).upper()
    if len(code) == 3:
        return ISO3.get(code, "")
    return code if len(code) == 2 and code.isalpha() else ""


def obj(value: Any, *, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PushInvalid(f"{where} must be an object")
    return value


def items(value: Any, *, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise PushInvalid(f"{where} must be a list")
    if len(value) > MAX_UPDATES:
        raise PushInvalid(f"{where} holds {len(value)} items; at most {MAX_UPDATES} per push")
    return value
