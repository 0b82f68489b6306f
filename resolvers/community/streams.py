"""New and edited comments on a post, live, from the event hub (comment.created,
comment.updated, and content.moderated for approvals)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from graphql import GraphQLError
from strawberry import relay

from models.community.moderation import ContentStatus
from models.community.posts import Comment, Post
from resolvers.community.posts import can_see
from resolvers.context import Info
from resolvers.events.streams import follow
from services.events.records import EventRecord
from services.events.types import EventTypeName

CREATED = EventTypeName.COMMENT_CREATED.value
UPDATED = EventTypeName.COMMENT_UPDATED.value
MODERATED = EventTypeName.CONTENT_MODERATED.value
TYPES = frozenset({CREATED, UPDATED, MODERATED})


async def comments_of(info: Info, post_id: int, after: str | None) -> AsyncIterator[Comment]:
    """Published comments of a post the caller may see, as they are written, edited (still
    published after screening) or approved (or restored) by a moderator."""
    post = await Post.get_or_none(id=post_id)
    if post is None or not can_see(info, post):
        raise GraphQLError("No such post.", extensions={"code": "NOT_FOUND", "argument": "postId"})
    wanted = relay.to_base64("Post", post_id)

    def on_post(record: EventRecord) -> bool:
        payload = record.payload
        if record.type in (CREATED, UPDATED):
            published = payload.get("status") == ContentStatus.PUBLISHED.name
            return published and payload.get("postId") == wanted
        # Moderation events name the comment, not its post: checked once it is read.
        return payload.get("kind") == "COMMENT" and payload.get("toStatus") == "PUBLISHED"

    async for record in follow(info, after=after, match=on_post, types=TYPES):
        key = "contentId" if record.type == MODERATED else "commentId"
        comment_gid = relay.GlobalID.from_id(str(record.payload.get(key)))
        comment = await Comment.get_or_none(id=int(comment_gid.node_id))
        if (
            comment is not None
            and comment.post_id == post_id
            and comment.status == ContentStatus.PUBLISHED
        ):
            yield comment
