"""Moderation vocabulary shared by every kind of community content (reviews, questions,
answers, posts, comments): the status a piece of content is in, why it was held, rejected or
removed, why a member reported it, and what a moderator did.

None of these codes speaks of a rating or a sentiment: moderation judges how something is
said (profanity, spam, personal data...), never whether it is favourable.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from models.accounts import User


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
    # A rejected contribution edited by its author, back for a moderator's look.
    RESUBMITTED = "resubmitted"


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


class QueueState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class MemberStanding(Model):
    """A member's standing in the community: trust earned, and a silence in force."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "shopgraph.User", related_name="community_standing", on_delete=fields.CASCADE
    )
    approved_contributions = fields.IntField(default=0)
    verified_purchases = fields.IntField(default=0)
    silenced_until = fields.DatetimeField(null=True)
    silence_reason = fields.CharField(max_length=32, default="")
    updated_at = fields.DatetimeField(auto_now=True)

    user_id: int

    class Meta:
        table = "community_member"


class TrustCredit(Model):
    """One source of trust counted once (an order whose purchases were verified)."""

    id = fields.IntField(primary_key=True)
    user_id = fields.IntField()
    source = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "community_trust_credit"
        unique_together = (("user_id", "source"),)


class Submission(Model):
    """A fingerprint of one submission: rate limits count them, duplicates match them."""

    id = fields.BigIntField(primary_key=True)
    author_id = fields.IntField()
    kind = fields.CharField(max_length=16)
    content_hash = fields.CharField(max_length=64)
    created_at = fields.DatetimeField()

    class Meta:
        table = "community_submission"
        indexes = [
            Index(fields=("author_id", "created_at")),
            Index(fields=("author_id", "content_hash")),
        ]


class ContentReport(Model):
    """A member's report of one piece of content (one per member and item)."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=16)
    target_id = fields.IntField()
    reporter: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="community_reports", on_delete=fields.CASCADE
    )
    reason = fields.CharEnumField(ReportReason, max_length=16)
    note = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    reporter_id: int

    class Meta:
        table = "community_report"
        unique_together = (("kind", "target_id", "reporter_id"),)


class QueueItem(Model):
    """One piece of content waiting for a moderator: held by screening or reported."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharField(max_length=16)
    target_id = fields.IntField()
    author_id = fields.IntField()
    state = fields.CharEnumField(QueueState, max_length=16, default=QueueState.OPEN)
    content_status = fields.CharEnumField(ContentStatus, max_length=16)
    # ",profanity,spam," so that one LIKE filters by a reason on every database.
    reasons = fields.CharField(max_length=255, default=",")
    report_count = fields.IntField(default=0)
    opened_at = fields.DatetimeField()
    resolved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "community_queue_item"
        unique_together = (("kind", "target_id"),)
        indexes = [Index(fields=("state", "opened_at"))]


class ModerationLog(Model):
    """The audit log: every moderation action, by whom (null: automatic), why and when.

    Append-only: rows are written once and never changed or deleted by the code.
    """

    id = fields.BigIntField(primary_key=True)
    action = fields.CharEnumField(ModerationActionKind, max_length=16)
    kind = fields.CharField(max_length=16, default="")
    target_id = fields.IntField(null=True)
    member_id = fields.IntField()
    moderator: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="moderation_actions", null=True, on_delete=fields.SET_NULL
    )
    reason = fields.CharField(max_length=32, default="")
    note = fields.CharField(max_length=500, default="")
    from_status = fields.CharField(max_length=16, default="")
    to_status = fields.CharField(max_length=16, default="")
    created_at = fields.DatetimeField()

    moderator_id: int | None

    class Meta:
        table = "community_moderation_log"
        indexes = [
            Index(fields=("created_at",)),
            Index(fields=("kind", "target_id")),
            Index(fields=("member_id", "created_at")),
        ]

    async def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._saved_in_db:
            await super().save(*args, **kwargs)
            return
        raise RuntimeError("the moderation log is append-only")

    async def delete(self, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the moderation log is append-only")


class BlockedWord(Model):
    """A word a shop added to the profanity list."""

    id = fields.IntField(primary_key=True)
    word = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "community_blocked_word"
