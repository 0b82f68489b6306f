"""The community's events reach partners with READ_COMMUNITY (webhooks and event
subscriptions) and no one else; they are written with their change or not at all."""

from __future__ import annotations

import pytest

from models.accounts import ApiKey, ApiScope
from models.community.posts import Post
from models.events import DomainEvent
from services.community.posts import writing
from services.errors import DomainError
from services.events.webhooks import types_for_key
from tests.community._post_helpers import member, moderation_settings

pytestmark = pytest.mark.usefixtures("database")
COMMUNITY_TYPES = {
    "post.created",
    "comment.created",
    "comment.updated",
    "content.reported",
    "content.moderated",
}


def test_read_community_keys_follow_the_community_events_and_others_do_not() -> None:
    community = ApiKey(scopes=[ApiScope.READ_COMMUNITY.value])
    others = ApiKey(scopes=[s.value for s in ApiScope if s != ApiScope.READ_COMMUNITY])
    assert COMMUNITY_TYPES <= types_for_key(community)
    assert not COMMUNITY_TYPES & types_for_key(others)


async def test_post_and_comment_events_commit_with_them_and_carry_no_text() -> None:
    author = await member(approved=5)
    with moderation_settings():
        post = await writing.create_post(
            author=author, title="Secret title", body="private words", tags=["sleep"]
        )
        comment = await writing.create_comment(author=author, post_id=post.id, body="more words")
        before = await DomainEvent.filter(type="comment.created").count()
        with pytest.raises(DomainError):
            await writing.create_comment(author=author, post_id=post.id, body="more words")
    created = await DomainEvent.filter(type="post.created", aggregate_id=str(post.id)).get()
    assert created.payload["status"] == "PUBLISHED" and created.payload["tags"] == ["sleep"]
    assert "Secret" not in str(created.payload) and "private" not in str(created.payload)
    commented = await DomainEvent.filter(type="comment.created", aggregate_id=str(post.id)).get()
    assert commented.payload["status"] == "PUBLISHED"
    assert commented.payload["parentId"] is None
    # The refused duplicate left no event and no comment.
    assert await DomainEvent.filter(type="comment.created").count() == before
    assert (await Post.get(id=post.id)).comment_count == 1
    assert comment.depth == 0


async def test_a_comment_edit_emits_comment_updated_with_its_status_and_no_text() -> None:
    author = await member(approved=5)
    with moderation_settings():
        post = await writing.create_post(author=author, title="Naps", body="How long?")
        comment = await writing.create_comment(author=author, post_id=post.id, body="An hour")
        await writing.edit_comment(user=author, comment_id=comment.id, body="Two hours")
    edited = await DomainEvent.filter(type="comment.updated", aggregate_id=str(post.id)).get()
    assert edited.payload["status"] == "PUBLISHED"
    assert "hour" not in str(edited.payload)
