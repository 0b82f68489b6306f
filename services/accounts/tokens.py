"""Short-lived JWT access tokens, rotating opaque refresh tokens and partner API keys."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from tortoise.transactions import in_transaction

from models.accounts import ApiKey, RefreshToken, User

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
_ALGORITHM = "HS256"
_secret: str | None = None


def configure(*, secret: str) -> None:
    """Install the signing secret (done once by the app at start-up)."""
    global _secret
    _secret = secret


def _signing_secret() -> str:
    if not _secret:
        raise RuntimeError("token secret not configured")
    return _secret


def hash_token(token: str) -> str:
    """Tokens and keys are long random strings, so a fast digest is enough (no salt needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


def issue_access_token(*, user_id: int, ttl: timedelta = ACCESS_TTL) -> tuple[str, datetime]:
    """A signed access token for `user_id` and when it expires."""
    issued = now()
    expires = issued + ttl
    token = jwt.encode(
        {
            "sub": str(user_id),
            "iat": issued,
            "exp": expires,
            "jti": uuid.uuid4().hex,
            "typ": "access",
        },
        _signing_secret(),
        algorithm=_ALGORITHM,
    )
    return token, expires


def decode_access_token(token: str) -> int | None:
    """The user id of a valid, unexpired access token; None for anything else."""
    try:
        claims = jwt.decode(
            token, _signing_secret(), algorithms=[_ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.PyJWTError:
        return None
    if claims.get("typ") != "access":
        return None
    try:
        return int(claims["sub"])
    except (TypeError, ValueError):
        return None


async def issue_token_pair(*, user: User, family: str | None = None) -> TokenPair:
    """An access token plus a new refresh token (in `family`, or a new one for a login)."""
    access, access_expires = issue_access_token(user_id=user.id)
    refresh = secrets.token_urlsafe(48)
    refresh_expires = now() + REFRESH_TTL
    await RefreshToken.create(
        user_id=user.id,
        token_hash=hash_token(refresh),
        family=family or uuid.uuid4().hex,
        expires_at=refresh_expires,
    )
    return TokenPair(access, access_expires, refresh, refresh_expires)


async def rotate_refresh_token(*, token: str) -> tuple[User, TokenPair] | None:
    """Exchange a refresh token for a new pair; reuse of a rotated token revokes its family."""
    async with in_transaction():
        row = await RefreshToken.filter(token_hash=hash_token(token)).select_for_update().first()
        if row is None or row.revoked_at is not None or row.expires_at <= now():
            return None
        if row.rotated_at is not None:
            await RefreshToken.filter(family=row.family, revoked_at__isnull=True).update(
                revoked_at=now()
            )
            return None
        user = await User.get_or_none(id=row.user_id, is_active=True)
        if user is None:
            return None
        # Conditional update: of two concurrent rotations of one token only one wins.
        won = await RefreshToken.filter(id=row.id, rotated_at__isnull=True).update(rotated_at=now())
        if not won:
            return None
        pair = await issue_token_pair(user=user, family=row.family)
    return user, pair


async def revoke_refresh_token(*, token: str) -> bool:
    """Log out: revoke the token's whole family (every token of that login)."""
    row = await RefreshToken.get_or_none(token_hash=hash_token(token))
    if row is None:
        return False
    await RefreshToken.filter(family=row.family, revoked_at__isnull=True).update(revoked_at=now())
    return True


async def revoke_all_for_user(*, user_id: int) -> None:
    await RefreshToken.filter(user_id=user_id, revoked_at__isnull=True).update(revoked_at=now())


API_KEY_PREFIX = "sgk_"
LAST_USED_PRECISION = timedelta(minutes=1)


async def create_api_key(
    *, name: str, scopes: list[str], created_by_id: int | None
) -> tuple[ApiKey, str]:
    """A new partner key; the plain key is returned once and never stored."""
    prefix = secrets.token_hex(4)
    plain = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = await ApiKey.create(
        name=name,
        prefix=prefix,
        key_hash=hash_token(plain),
        scopes=sorted(set(scopes)),
        created_by_id=created_by_id,
    )
    return key, plain


async def authenticate_api_key(plain: str) -> ApiKey | None:
    if not plain.startswith(API_KEY_PREFIX):
        return None
    key = await ApiKey.get_or_none(key_hash=hash_token(plain), revoked_at__isnull=True)
    moment = now()
    # A write on every partner request would make each read a write; minute precision is
    # all "last used" needs.
    if key is not None and (
        key.last_used_at is None or moment - key.last_used_at >= LAST_USED_PRECISION
    ):
        await ApiKey.filter(id=key.id).update(last_used_at=moment)
        key.last_used_at = moment
    return key
