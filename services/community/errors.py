"""Machine codes of every expected failure of the community domain, shared with the API enum."""

from __future__ import annotations

from enum import StrEnum

from services.errors import DomainError


class CommunityErrorCode(StrEnum):
    NOT_FOUND = "NOT_FOUND"
    NOT_AUTHOR = "NOT_AUTHOR"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    # Screening on submission (services/community/moderation/screening.py).
    RATE_LIMITED = "RATE_LIMITED"
    DUPLICATE_CONTENT = "DUPLICATE_CONTENT"
    MEMBER_SILENCED = "MEMBER_SILENCED"
    # Reports and moderation actions.
    ALREADY_REPORTED = "ALREADY_REPORTED"
    OWN_CONTENT = "OWN_CONTENT"
    TRANSITION_NOT_ALLOWED = "TRANSITION_NOT_ALLOWED"
    REASON_REQUIRED = "REASON_REQUIRED"
    NOT_EDITABLE = "NOT_EDITABLE"
    DURATION_INVALID = "DURATION_INVALID"
    WORD_INVALID = "WORD_INVALID"
    # Posts and comments.
    TITLE_REQUIRED = "TITLE_REQUIRED"
    BODY_REQUIRED = "BODY_REQUIRED"
    TAG_INVALID = "TAG_INVALID"
    PRODUCT_NOT_FOUND = "PRODUCT_NOT_FOUND"
    AGE_RANGE_INVALID = "AGE_RANGE_INVALID"
    DEPTH_EXCEEDED = "DEPTH_EXCEEDED"
    # Reviews and Q&A.
    ALREADY_REVIEWED = "ALREADY_REVIEWED"
    RATING_INVALID = "RATING_INVALID"
    URL_INVALID = "URL_INVALID"
    TOO_MANY_PHOTOS = "TOO_MANY_PHOTOS"
    VARIANT_INVALID = "VARIANT_INVALID"
    CHILD_NOT_FOUND = "CHILD_NOT_FOUND"
    ANSWER_NOT_FOUND = "ANSWER_NOT_FOUND"
    # Malformed input (services.errors.InputErrorCode), refused before domain rules.
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    TOO_LONG = "TOO_LONG"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_PRECISE = "TOO_PRECISE"
    INVALID_ID = "INVALID_ID"


def error(code: CommunityErrorCode, message: str, *, field: str | None = None) -> DomainError:
    return DomainError(code.value, message, field=field)
