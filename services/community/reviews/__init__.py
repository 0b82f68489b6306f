"""Reviews: submission, edits, votes, verified purchase, the rating summary, requests."""

from services.community.reviews import targets  # noqa: F401  (registers moderation's handle)
from services.community.reviews.reads import ReviewListKey, ReviewSort
from services.community.reviews.votes import vote_review
from services.community.reviews.writing import (
    delete_review,
    edit_review,
    reply_review,
    submit_review,
)

__all__ = [
    "ReviewListKey",
    "ReviewSort",
    "delete_review",
    "edit_review",
    "reply_review",
    "submit_review",
    "vote_review",
]
