"""Machine codes of every expected failure in the membership domain, shared with the API enum."""

from __future__ import annotations

from enum import StrEnum

from services.errors import DomainError


class MembershipErrorCode(StrEnum):
    INSUFFICIENT_POINTS = "INSUFFICIENT_POINTS"
    BELOW_MINIMUM = "BELOW_MINIMUM"
    POINTS_INVALID = "POINTS_INVALID"
    REASON_REQUIRED = "REASON_REQUIRED"
    RULE_INVALID = "RULE_INVALID"
    RULE_NOT_FOUND = "RULE_NOT_FOUND"
    TIER_INVALID = "TIER_INVALID"
    TIER_NOT_FOUND = "TIER_NOT_FOUND"
    MEMBER_NOT_FOUND = "MEMBER_NOT_FOUND"
    SELF_REFERRAL = "SELF_REFERRAL"
    REFERRAL_INVALID = "REFERRAL_INVALID"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    BIRTHDAY_INVALID = "BIRTHDAY_INVALID"
    BIRTHDAY_ALREADY_SET = "BIRTHDAY_ALREADY_SET"
    TERMS_INVALID = "TERMS_INVALID"
    # Input checks shared by every domain (services.errors.InputErrorCode).
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_PRECISE = "TOO_PRECISE"
    INVALID_ID = "INVALID_ID"


def error(code: MembershipErrorCode, message: str, *, field: str | None = None) -> DomainError:
    return DomainError(code.value, message, field=field)
