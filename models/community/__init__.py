"""Community models: reviews and Q&A, posts and comments, and their moderation.

Tortoise discovers the models of this package through what it exports here.
"""

from models.community.moderation import (
    BlockedWord,
    ContentKind,
    ContentReport,
    ContentStatus,
    MemberStanding,
    ModerationLog,
    QueueItem,
    Submission,
    TrustCredit,
)
from models.community.posts import Comment, Post, PostLike, PostProduct, PostTag

__all__ = [
    "BlockedWord",
    "Comment",
    "ContentKind",
    "ContentReport",
    "ContentStatus",
    "MemberStanding",
    "ModerationLog",
    "Post",
    "PostLike",
    "PostProduct",
    "PostTag",
    "QueueItem",
    "Submission",
    "TrustCredit",
]
