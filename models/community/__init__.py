"""Community models: reviews and Q&A, posts and comments, and their moderation.

Tortoise discovers the models of this package through what it exports here.
"""

from models.community.moderation import ContentKind, ContentStatus

__all__ = ["ContentKind", "ContentStatus"]
