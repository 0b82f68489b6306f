"""Sign-up, sign-in, token refresh, profile, password and staff permission changes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.accounts import Permission, User
from services import clock
from services.accounts import passwords, throttle, tokens
from services.accounts.errors import AccountErrorCode as Code
from services.errors import DomainError
from services.events import outbox
from services.events.ids import global_id
from services.events.types import EventTypeName
from services.transactions import transaction

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")
_PHONE = re.compile(r"^\+?[0-9 ()./-]{5,40}$")
MAX_DISPLAY_NAME = 120
_dummy_hash: str | None = None


def normalize_email(email: str) -> str:
    """Trimmed and lower-cased: the one spelling stored and looked up."""
    return email.strip().lower()


def clean_email(email: str) -> str:
    """The normalised email, or INVALID_EMAIL."""
    value = normalize_email(email)
    if len(value) > 254 or not _EMAIL.match(value):
        raise DomainError(
            Code.INVALID_EMAIL, "Enter an email address like name@example.com.", field="email"
        )
    return value


def _check_password(password: str, *, email: str, field: str) -> None:
    problem = passwords.password_problem(password, email=email)
    if problem is not None:
        raise DomainError(Code.WEAK_PASSWORD, problem, field=field)


def _clean_display_name(name: str) -> str:
    value = " ".join(name.split())
    if len(value) > MAX_DISPLAY_NAME:
        raise DomainError(
            Code.INVALID_VALUE,
            f"Use at most {MAX_DISPLAY_NAME} characters.",
            field="display_name",
        )
    return value


def clean_phone(phone: str, *, field: str = "phone") -> str:
    """A plausible phone number, trimmed; empty stays empty (no number)."""
    value = phone.strip()
    if value and (not _PHONE.match(value) or sum(c.isdigit() for c in value) < 5):
        raise DomainError(
            Code.INVALID_VALUE, "Enter a phone number like +49 30 1234567.", field=field
        )
    return value


async def _hash(password: str) -> str:
    return await passwords.hash_password_async(password)


async def _verify(password_hash: str | None, password: str) -> bool:
    global _dummy_hash
    if password_hash is None:
        # Unknown email: spend the same time as a real check, so timing reveals nothing.
        if _dummy_hash is None:
            _dummy_hash = await _hash("not-a-real-password-0")
        await passwords.verify_password_async(_dummy_hash, password)
        return False
    return await passwords.verify_password_async(password_hash, password)


async def register(
    *,
    email: str,
    password: str,
    display_name: str = "",
    marketing_consent: bool = False,
    personalization_consent: bool = True,
) -> tuple[User, tokens.TokenPair]:
    """Create a customer account and sign it in."""
    address = clean_email(email)
    _check_password(password, email=address, field="password")
    name = _clean_display_name(display_name)
    password_hash = await _hash(password)
    try:
        # The unique index decides between concurrent sign-ups with one email.
        async with transaction():
            user = await User.create(
                email=address,
                password_hash=password_hash,
                display_name=name,
                marketing_consent=marketing_consent,
                personalization_consent=personalization_consent,
                last_login_at=clock.now(),
            )
            pair = await tokens.issue_token_pair(user=user)
            await _registered(user)
    except IntegrityError:
        raise DomainError(
            Code.EMAIL_TAKEN, "An account with this email already exists.", field="email"
        ) from None
    return user, pair


async def _registered(user: User) -> None:
    """`customer.registered`: no password or token; the e-mail only when the customer agreed
    to marketing, the one consumer (a marketing tool's welcome) that needs it."""
    await outbox.emit(
        EventTypeName.CUSTOMER_REGISTERED,
        aggregate_id=user.id,
        payload={
            "customerId": global_id("User", user.id),
            "marketingConsent": user.marketing_consent,
            "email": user.email if user.marketing_consent else None,
        },
    )


INVALID_CREDENTIALS = "Email or password is not correct."


async def login(
    *, email: str, password: str, address: str | None = None
) -> tuple[User, tokens.TokenPair]:
    """Check credentials and start a session; one generic error for any mismatch.

    Throttled per e-mail and per client `address` (TooManyAttempts), the same way whether
    or not an account has that e-mail.
    """
    normalized = normalize_email(email)
    await throttle.before_attempt(email=normalized, address=address)
    # Over-long input cannot be an account's e-mail; the lookup would only fail on it.
    user = await User.get_or_none(email=normalized) if len(normalized) <= 254 else None
    ok = await _verify(user.password_hash if user is not None else None, password)
    if user is None or not ok or not user.is_active:
        await throttle.after_failure(address=address)
        raise DomainError(Code.INVALID_CREDENTIALS, INVALID_CREDENTIALS)
    await throttle.after_success(email=normalized)
    changes: dict[str, object] = {"last_login_at": clock.now()}
    if user.password_hash and passwords.needs_rehash(user.password_hash):
        changes["password_hash"] = await _hash(password)
    await User.filter(id=user.id).update(**changes)
    user.update_from_dict(changes)
    pair = await tokens.issue_token_pair(user=user)
    return user, pair


INVALID_TOKEN = "This refresh token is not valid any more: sign in again."


async def refresh(
    *, refresh_token: str, at: datetime | None = None
) -> tuple[User, tokens.TokenPair]:
    """A new token pair for a refresh token, which stops working after a short grace."""
    result = await tokens.rotate_refresh_token(token=refresh_token, at=at)
    if result is None:
        raise DomainError(Code.INVALID_TOKEN, INVALID_TOKEN, field="refresh_token")
    return result


async def logout(*, refresh_token: str) -> None:
    """End the session the refresh token belongs to."""
    if not await tokens.revoke_refresh_token(token=refresh_token):
        raise DomainError(Code.INVALID_TOKEN, INVALID_TOKEN, field="refresh_token")


async def update_profile(
    *,
    user_id: int,
    display_name: str | None = None,
    phone: str | None = None,
    marketing_consent: bool | None = None,
    personalization_consent: bool | None = None,
) -> User:
    """Change the given profile fields; None leaves a field as it is, "" clears the phone."""
    changes: dict[str, object] = {}
    if display_name is not None:
        changes["display_name"] = _clean_display_name(display_name)
    if phone is not None:
        changes["phone"] = clean_phone(phone) or None
    if marketing_consent is not None:
        changes["marketing_consent"] = marketing_consent
    if personalization_consent is not None:
        changes["personalization_consent"] = personalization_consent
    user = await User.get(id=user_id)
    if changes:
        user.update_from_dict(changes)
        await user.save(update_fields=[*changes, "updated_at"])
    return user


async def change_password(
    *, user_id: int, current_password: str, new_password: str
) -> tuple[User, tokens.TokenPair]:
    """Replace the password, sign out every session and start a fresh one."""
    user = await User.get(id=user_id)
    if not await _verify(user.password_hash, current_password):
        raise DomainError(
            Code.INVALID_CREDENTIALS,
            "The current password is not correct.",
            field="current_password",
        )
    _check_password(new_password, email=user.email, field="new_password")
    password_hash = await _hash(new_password)
    async with in_transaction():
        await User.filter(id=user.id).update(password_hash=password_hash)
        await tokens.revoke_all_for_user(user_id=user.id)
        pair = await tokens.issue_token_pair(user=user)
    user.password_hash = password_hash
    return user, pair


def _permission_values(permissions: Iterable[Permission | str]) -> list[str]:
    return sorted({Permission(p).value for p in permissions})


async def set_staff_permissions(
    *, actor_id: int, user_id: int, permissions: Iterable[Permission | str]
) -> User:
    """Grant exactly `permissions`; staff status follows (none left means not staff)."""
    values = _permission_values(permissions)
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise DomainError(Code.NOT_FOUND, "No such user.", field="user_id")
    if user.id == actor_id and Permission.MANAGE_STAFF.value not in values:
        raise DomainError(
            Code.SELF_LOCKOUT,
            "You cannot take MANAGE_STAFF from yourself; ask another staff manager.",
            field="permissions",
        )
    user.permissions = values
    user.is_staff = bool(values)
    await user.save(update_fields=["permissions", "is_staff", "updated_at"])
    return user


async def create_staff(
    *, email: str, password: str | None, permissions: Iterable[Permission | str]
) -> tuple[User, bool]:
    """Create a staff account, or promote an existing one; True when it was created."""
    address = clean_email(email)
    values = _permission_values(permissions)
    user = await User.get_or_none(email=address)
    if user is None and not password:
        raise DomainError(Code.REQUIRED, "A new account needs a password.", field="password")
    changes: dict[str, Any] = {"is_staff": bool(values), "permissions": values}
    if password:
        _check_password(password, email=address, field="password")
        changes["password_hash"] = await _hash(password)
    if user is None:
        user = await User.create(email=address, display_name=address.split("@")[0], **changes)
        return user, True
    user.update_from_dict(changes)
    await user.save()
    return user, False
