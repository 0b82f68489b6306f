"""The words a shop adds to the profanity list at run time (staff with MANAGE_COMMUNITY);
the settings' words and better-profanity's built-in list apply as well."""

from __future__ import annotations

from models.community.moderation import BlockedWord
from services.community.errors import CommunityErrorCode, error
from services.community.moderation import profanity
from services.community.moderation.config import current

MAX_WORD = 64


async def shop_words() -> frozenset[str]:
    """Every word the shop added (settings and database)."""
    stored = [str(w) for w in await BlockedWord.all().values_list("word", flat=True)]
    return frozenset(profanity.normalize_word(w) for w in (*current().extra_words, *stored))


async def add_word(word: str) -> BlockedWord:
    normalized = profanity.normalize_word(word)
    if not normalized or len(normalized) > MAX_WORD:
        raise error(
            CommunityErrorCode.WORD_INVALID, f"A word of 1 to {MAX_WORD} letters.", field="word"
        )
    existing = await BlockedWord.get_or_none(word=normalized)
    return existing or await BlockedWord.create(word=normalized)


async def remove_word(word: str) -> bool:
    return await BlockedWord.filter(word=profanity.normalize_word(word)).delete() > 0
