"""Signed tracking tokens: a guest follows one parcel from the order confirmation.

The token names only the shipment and is signed with the server's secret (like guest ids,
services/accounts/guests.py); holding it shows the parcel's tracking, never an address or
a name.
"""

from __future__ import annotations

import hmac

from services.accounts import tokens

_VERSION = "t1"
_SIGNATURE_LENGTH = 32


def _signature(raw: str) -> str:
    return tokens.keyed_digest("shipment-tracking", raw)[:_SIGNATURE_LENGTH]


def issue(shipment_id: int) -> str:
    return f"{_VERSION}.{shipment_id}.{_signature(str(shipment_id))}"


def shipment_id(token: str) -> int | None:
    """The shipment of a validly signed token; None for anything else."""
    parts = token.strip().split(".")
    if len(parts) != 3 or parts[0] != _VERSION or not parts[1].isdigit() or len(parts[1]) > 10:
        return None
    if not hmac.compare_digest(parts[2], _signature(parts[1])):
        return None
    return int(parts[1])
