"""Screening on submission, shared by every kind of content (reviews, questions, answers,
posts, comments): the member may submit (not silenced, within rate limits, not repeating
themselves), profanity is masked or held, and new members' links and images are limited.

Screening never sees a rating or a sentiment: it is given text and counts, and the kinds'
services call it the same way whatever the content says of a product.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from models.community.moderation import ContentStatus, HoldReason
from services.community.errors import CommunityErrorCode, error
from services.community.moderation import limits, profanity, standing
from services.community.moderation.config import current
from services.community.moderation.words import shop_words

URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")


@dataclass(frozen=True)
class Screening:
    """The outcome: the status to store, the text to store, and why it was held."""

    status: ContentStatus
    text: str
    reasons: list[str] = field(default_factory=list)

    masking: bool = False
    extra_words: frozenset[str] = frozenset()

    @property
    def held(self) -> bool:
        return self.status == ContentStatus.HELD

    def clean(self, value: str) -> str:
        """`value` (one field of the submission) as it should be stored: masked when the
        profanity mode is mask, else unchanged."""
        if not self.masking:
            return value
        return profanity.check(value, extra=self.extra_words).masked


def count_links(text: str) -> int:
    return len(URL.findall(text))


async def screen(
    *,
    author_id: int,
    kind: str,
    text: str,
    links: int = 0,
    images: int = 0,
    conn: Any = None,
    edit: bool = False,
) -> Screening:
    """Screen one submission by `author_id`; raises DomainError (RATE_LIMITED,
    DUPLICATE_CONTENT, MEMBER_SILENCED) when the member may not submit it at all.

    `text` is every text field of the submission joined (title and body); `links` counts
    links outside the text (none for most kinds), `images` photo URLs. Call it inside the
    submission's transaction: what it records rolls back with a failed submission. An
    `edit` of one's own contribution counts against the rate limits but is not a duplicate
    of itself.
    """
    config = current()
    member = await standing.standing_for(author_id, lock=True)
    trust = standing.trust_of(member)
    if trust.silenced:
        raise error(
            CommunityErrorCode.MEMBER_SILENCED,
            f"You cannot post in the community until {trust.silenced_until:%Y-%m-%d %H:%M} UTC.",
        )
    digest = limits.fingerprint(text)
    if not edit:
        await limits.check_duplicate(author_id, digest)
    await limits.take(author_id)
    await limits.record(author_id, kind, digest)
    reasons: list[str] = []
    extra = await shop_words()
    filtered = profanity.check(text, extra=extra)
    stored = text
    if filtered.found:
        if config.profanity_mode == "hold":
            reasons.append(HoldReason.PROFANITY.value)
        else:
            stored = filtered.masked
    # New members' links and images are held: the usual shape of spam from fresh accounts.
    if trust.level == standing.TrustLevel.NEW:
        if links + count_links(text) > config.new_member_max_links:
            reasons.append(HoldReason.TOO_MANY_LINKS.value)
        if images > config.new_member_max_images:
            reasons.append(HoldReason.TOO_MANY_IMAGES.value)
    status = ContentStatus.HELD if reasons else ContentStatus.PUBLISHED
    masking = config.profanity_mode == "mask"
    return Screening(status, stored, reasons, masking=masking, extra_words=extra)
