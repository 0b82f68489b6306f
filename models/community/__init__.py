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
from models.community.questions import Answer, AnswerVote, Question
from models.community.reviews import (
    RatingSummary,
    Review,
    ReviewEdit,
    ReviewRequest,
    ReviewVote,
    VerifiedBasis,
)

__all__ = [
    "Answer",
    "AnswerVote",
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
    "Question",
    "QueueItem",
    "RatingSummary",
    "Review",
    "ReviewEdit",
    "ReviewRequest",
    "ReviewVote",
    "Submission",
    "TrustCredit",
    "VerifiedBasis",
]
