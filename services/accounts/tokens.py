"""Short-lived JWT access tokens, rotating opaque refresh tokens and partner API keys."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from tortoise.transactions import in_transaction

from models.accounts import ApiKey, RefreshToken, User
from services import clock

ACCESS_TTL = timedelta(minutes=15)
REFRESH_TTL = timedelta(days=30)
# How long a just-rotated refresh token may still be exchanged (concurrent refreshes).
ROTATION_GRACE = timedelta(seconds=30)
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


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


def issue_access_token(
    *, user_id: int, ttl: timedelta = ACCESS_TTL, session: str | None = None
) -> tuple[str, datetime]:
    """A signed access token for `user_id` and when it expires.

    `session` is the refresh-token family of the login: the token works only while that
    session has not been ended (logout, password change).
    """
    issued = clock.now()
    expires = issued + ttl
    claims: dict[str, object] = {
        "sub": str(user_id),
        "iat": issued,
        "exp": expires,
        "jti": uuid.uuid4().hex,
        "typ": "access",
    }
    if session is not None:
        claims["sid"] = session
    return jwt.encode(claims, _signing_secret(), algorithm=_ALGORITHM), expires


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    session: str | None


def decode_access_claims(token: str) -> AccessClaims | None:
    """The user id and session of a valid, unexpired access token; None for anything else."""
    try:
        claims = jwt.decode(
            token, _signing_secret(), algorithms=[_ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.PyJWTError:
        return None
    if claims.get("typ") != "access":
        return None
    session = claims.get("sid")
    try:
        return AccessClaims(int(claims["sub"]), str(session) if session is not None else None)
    except (TypeError, ValueError):
        return None


def decode_access_token(token: str) -> int | None:
    """The user id of a valid, unexpired access token; None for anything else."""
    claims = decode_access_claims(token)
    return claims.user_id if claims is not None else None


async def user_for_access_token(token: str) -> User | None:
    """The active user of an access token whose session is still open, else None.

    One query, checked on every request against the database, so a session ended by one
    process is ended on every process at once.
    """
    claims = decode_access_claims(token)
    if claims is None:
        return None
    query = User.filter(id=claims.user_id, is_active=True)
    if claims.session is not None:
        query = query.filter(
            refresh_tokens__family=claims.session, refresh_tokens__revoked_at__isnull=True
        )
    return await query.first()


async def issue_token_pair(*, user: User, family: str | None = None) -> TokenPair:
    """An access token plus a new refresh token (in `family`, or a new one for a login)."""
    session = family or uuid.uuid4().hex
    access, access_expires = issue_access_token(user_id=user.id, session=session)
    refresh = secrets.token_urlsafe(48)
    refresh_expires = clock.now() + REFRESH_TTL
    await RefreshToken.create(
        user_id=user.id,
        token_hash=hash_token(refresh),
        family=session,
        expires_at=refresh_expires,
    )
    return TokenPair(access, access_expires, refresh, refresh_expires)


async def rotate_refresh_token(
    *, token: str, at: datetime | None = None
) -> tuple[User, TokenPair] | None:
    """Exchange a refresh token for a new pair; reuse of a rotated token revokes its family.

    Within ROTATION_GRACE of its rotation a token still gets a (new) pair in its family:
    two tabs refreshing at once must not look like theft. Later reuse ends the session.
    """
    moment = at or clock.now()
    async with in_transaction():
        row = await RefreshToken.filter(token_hash=hash_token(token)).select_for_update().first()
        if row is None or row.revoked_at is not None or row.expires_at <= moment:
            return None
        if row.rotated_at is not None and moment - row.rotated_at > ROTATION_GRACE:
            await RefreshToken.filter(family=row.family, revoked_at__isnull=True).update(
                revoked_at=moment
            )
            return None
        user = await User.get_or_none(id=row.user_id, is_active=True)
        if user is None:
            return None
        if row.rotated_at is None:
            # Conditional update: of two rotations racing without row locks, one wins and
            # the other is then within the grace window.
            await RefreshToken.filter(id=row.id, rotated_at__isnull=True).update(rotated_at=moment)
        pair = await issue_token_pair(user=user, family=row.family)
    return user, pair


async def revoke_refresh_token(*, token: str) -> bool:
    """Log out: revoke the token's whole family (every token of that login)."""
    row = await RefreshToken.get_or_none(token_hash=hash_token(token))
    if row is None:
        return False
    await RefreshToken.filter(family=row.family, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )
    return True


async def revoke_all_for_user(*, user_id: int) -> None:
    await RefreshToken.filter(user_id=user_id, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )


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
    moment = clock.now()
    # A write on every partner request would make each read a write; minute precision is
    # all "last used" needs.
    if key is not None and (
        key.last_used_at is None or moment - key.last_used_at >= LAST_USED_PRECISION
    ):
        await ApiKey.filter(id=key.id).update(last_used_at=moment)
        key.last_used_at = moment
    return key


def keyed_digest(purpose: str, value: str) -> str:
    """An HMAC of `value` under the app secret, separate for each `purpose` (hex)."""
    key = hashlib.sha256(f"{purpose}:{_signing_secret()}".encode()).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
