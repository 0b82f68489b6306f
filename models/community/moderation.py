"""Moderation vocabulary shared by every kind of community content (reviews, questions,
answers, posts, comments): the status a piece of content is in, why it was held, rejected or
removed, why a member reported it, and what a moderator did.

None of these codes speaks of a rating or a sentiment: moderation judges how something is
said (profanity, spam, personal data...), never whether it is favourable.
"""

from __future__ import annotations

from enum import StrEnum


class ContentKind(StrEnum):
    REVIEW = "review"
    QUESTION = "question"
    ANSWER = "answer"
    POST = "post"
    COMMENT = "comment"


class ContentStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    # Waiting for a moderator (screening held it, or a trusted member's report hid it).
    HELD = "held"
    # Refused by a moderator with a reason the author sees; fixable ones can be edited back.
    REJECTED = "rejected"
    # Taken out of sight by a moderator; `restore` brings it back.
    HIDDEN = "hidden"
    # Deleted by its author (kept for the audit log).
    REMOVED = "removed"


# What the public sees; every other status is visible only to the author and moderators.
VISIBLE_STATUSES = frozenset({ContentStatus.PUBLISHED})


class HoldReason(StrEnum):
    """Why screening held a submission for a moderator."""

    PROFANITY = "profanity"
    TOO_MANY_LINKS = "too_many_links"
    TOO_MANY_IMAGES = "too_many_images"
    REPORTED = "reported"


class ModerationReason(StrEnum):
    """Why a moderator rejected, hid or removed content; the author sees it."""

    SPAM = "spam"
    FRAUD = "fraud"
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    PROFANITY = "profanity"
    HARASSMENT = "harassment"
    PROMOTIONAL_LINKS = "promotional_links"
    UNSAFE = "unsafe"
    OTHER = "other"


# A review removed for one of these leaves its product's rating aggregate (documented in the
# README); for any other reason it still counts, so moderation cannot bend a product's rating.
AGGREGATE_EXCLUDING_REASONS = frozenset(
    {
        ModerationReason.SPAM,
        ModerationReason.FRAUD,
        ModerationReason.PERSONAL_DATA,
        ModerationReason.OFF_TOPIC,
    }
)

# Rejections the author can fix by editing: the edit goes back through screening.
FIXABLE_REASONS = frozenset(
    {
        ModerationReason.PERSONAL_DATA,
        ModerationReason.OFF_TOPIC,
        ModerationReason.PROFANITY,
        ModerationReason.PROMOTIONAL_LINKS,
        ModerationReason.OTHER,
    }
)


class ReportReason(StrEnum):
    """Why a member reported content."""

    SPAM = "spam"
    OFFENSIVE = "offensive"
    HARASSMENT = "harassment"
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    FAKE = "fake"
    UNSAFE = "unsafe"
    OTHER = "other"


class ModerationActionKind(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    HIDE = "hide"
    RESTORE = "restore"
    SILENCE = "silence"
    UNSILENCE = "unsilence"
    # A trusted member's report hid the content at once, pending review (no moderator).
    AUTO_HIDE = "auto_hide"


# The name reviews use for the reason stored with a removal.
RemovalReason = ModerationReason
