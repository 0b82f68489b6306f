"""Guest identity bound to a secret the guest holds: a server-signed id or the cart token.

A guest's behaviour (events, "not interested", the FOR_YOU feed) is filed under an
identity derived here, never under a string the client picked: knowing where a guest's
data is filed does not let anyone read or write it.
"""

from __future__ import annotations

import hmac
import secrets

from services.accounts import tokens
from services.errors import DomainError, IdentityErrorCode

MAX_ANONYMOUS_ID_LENGTH = 64
_VERSION = "g1"
_SIGNATURE_LENGTH = 32


def _signature(raw: str) -> str:
    return tokens.keyed_digest("guest-id", raw)[:_SIGNATURE_LENGTH]


def issue_guest_id() -> str:
    """A new signed guest id (`g1.<random>.<signature>`, 59 characters)."""
    raw = secrets.token_urlsafe(18)
    return f"{_VERSION}.{raw}.{_signature(raw)}"


def identity_from_guest_id(value: str) -> str | None:
    """The identity of a validly signed guest id; None for anything else."""
    parts = value.strip().split(".")
    if len(parts) != 3 or parts[0] != _VERSION or not parts[1]:
        return None
    if not hmac.compare_digest(parts[2], _signature(parts[1])):
        return None
    return f"g:{parts[1]}"


def shopper_identity(*, user_id: int | None, anonymous_id: str | None) -> str | None:
    """The guest identity trimmed (None when empty); a guest without one, or with an
    over-long one, is refused with MISSING_IDENTITY / INVALID_IDENTITY."""
    anonymous_id = (anonymous_id or "").strip() or None
    if user_id is None and anonymous_id is None:
        raise DomainError(
            IdentityErrorCode.MISSING_IDENTITY,
            "Guests send `anonymousId` (or the `X-Cart-Token` header).",
            field="anonymous_id",
        )
    if anonymous_id is not None and len(anonymous_id) > MAX_ANONYMOUS_ID_LENGTH:
        raise DomainError(
            IdentityErrorCode.INVALID_IDENTITY,
            f"`anonymousId` is at most {MAX_ANONYMOUS_ID_LENGTH} characters.",
            field="anonymous_id",
        )
    return anonymous_id


def identity_from_cart_token(token: str) -> str:
    """The identity of a guest holding this cart token (a digest: the token stays secret)."""
    return f"c:{tokens.keyed_digest('guest-cart', token)[:40]}"
