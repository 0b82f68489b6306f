"""Partner API keys: created with scopes, shown once, stored as a hash, revocable."""

from __future__ import annotations

from collections.abc import Iterable

from models.accounts import ApiKey, ApiScope
from services import clock
from services.accounts import tokens
from services.accounts.errors import AccountErrorCode as Code
from services.errors import DomainError

MAX_NAME = 120


async def create_api_key(
    *, name: str, scopes: Iterable[ApiScope | str], created_by_id: int | None
) -> tuple[ApiKey, str]:
    """A new key and its plain text, which exists only in this return value."""
    label = " ".join(name.split())
    if not label:
        raise DomainError(Code.REQUIRED, "Name the key after the partner or app.", field="name")
    if len(label) > MAX_NAME:
        raise DomainError(Code.INVALID_VALUE, f"Use at most {MAX_NAME} characters.", field="name")
    values = sorted({ApiScope(scope).value for scope in scopes})
    if not values:
        raise DomainError(Code.REQUIRED, "Grant the key at least one scope.", field="scopes")
    return await tokens.create_api_key(name=label, scopes=values, created_by_id=created_by_id)


async def revoke_api_key(*, key_id: int) -> ApiKey:
    """Stop a key from authenticating; revoking twice keeps the first revocation time."""
    key = await ApiKey.get_or_none(id=key_id)
    if key is None:
        raise DomainError(Code.NOT_FOUND, "No such API key.", field="id")
    await ApiKey.filter(id=key.id, revoked_at__isnull=True).update(revoked_at=clock.now())
    await key.refresh_from_db(fields=["revoked_at"])
    return key


async def list_api_keys(
    *, include_revoked: bool, offset: int, limit: int
) -> tuple[list[ApiKey], int]:
    """Keys newest first (a slice of `limit` rows) and how many there are in all."""
    query = ApiKey.all() if include_revoked else ApiKey.filter(revoked_at__isnull=True)
    total = await query.count()
    rows = await query.order_by("-id").offset(offset).limit(limit)
    return list(rows), total
