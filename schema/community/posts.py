"""Community posts: the feed, writing posts and comments, likes, and new comments live."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable

import strawberry
from strawberry import relay

from models.community.posts import Comment, Post
from resolvers.auth import require_user
from resolvers.community import posts as reads
from resolvers.community import streams
from resolvers.context import Info
from schema.community.errors import CommunityError, attempt
from schema.community.posts_types import CommentType, PostConnection, PostType
from schema.events import After
from schema.nodes import typed_pk
from services.community.posts import likes, writing

PostSort = strawberry.enum(
    reads.PostSort,
    name="PostSort",
    description="NEWEST: by when posted. MOST_ACTIVE: by the latest published comment.",
)


@strawberry.input(description="A post's content; on update it replaces the whole post.")
class PostInput:
    title: str = strawberry.field(description="1 to 200 characters.")
    body: str = strawberry.field(description="1 to 10,000 characters.")
    tags: list[str] = strawberry.field(
        default_factory=list, description="Up to 5 topic tags (letters, digits, dashes)."
    )
    product_ids: list[relay.GlobalID] = strawberry.field(
        default_factory=list, description="Up to 5 products of the shop the post is about."
    )
    child_age_min_months: int | None = None
    child_age_max_months: int | None = None


@strawberry.type(description="The post after the change, or why it failed.")
class PostPayload:
    post: PostType | None
    errors: list[CommunityError]


@strawberry.type(description="The comment after the change, or why it failed.")
class CommentPayload:
    comment: CommentType | None
    errors: list[CommunityError]


async def _post(call: Awaitable[Post]) -> PostPayload:
    row, errors = await attempt(call)
    return PostPayload(post=PostType.from_model(row) if row else None, errors=errors)


async def _comment(call: Awaitable[Comment]) -> CommentPayload:
    row, errors = await attempt(call)
    return CommentPayload(comment=CommentType.from_model(row) if row else None, errors=errors)


def _fields(input: PostInput) -> dict[str, object]:
    return {
        "title": input.title,
        "body": input.body,
        "tags": list(input.tags),
        "product_ids": [typed_pk(gid, "Product") for gid in input.product_ids],
        "age_min": input.child_age_min_months,
        "age_max": input.child_age_max_months,
    }


@strawberry.type
class PostsQuery:
    @strawberry.field(
        description="Published community posts, newest or most active first, optionally of "
        "one topic tag."
    )
    async def community_posts(
        self,
        info: Info,
        topic: str | None = None,
        sort: PostSort = reads.PostSort.NEWEST,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> PostConnection:
        page = await reads.feed(info, topic=topic, sort=sort, first=first, after=after)
        return PostConnection.from_page(page, PostType.from_model)

    @strawberry.field(
        description="The signed-in member's own posts in every status but deleted, newest first."
    )
    async def my_community_posts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> PostConnection:
        user = require_user(info)
        page = await reads.my_posts(info, user_id=user.id, first=first, after=after)
        return PostConnection.from_page(page, PostType.from_model)


@strawberry.type
class PostsMutation:
    @strawberry.mutation(
        description="Write a post. It is published at once, or held for a moderator (new "
        "members' links, profanity in hold mode); its `status` says which."
    )
    async def create_post(self, info: Info, input: PostInput) -> PostPayload:
        user = require_user(info)
        return await _post(writing.create_post(author=user, **_fields(input)))  # type: ignore[arg-type]

    @strawberry.mutation(
        description="The author rewrites their post; screened again. A post rejected for a "
        "fixable reason goes back to the moderators."
    )
    async def update_post(self, info: Info, id: relay.GlobalID, input: PostInput) -> PostPayload:
        user = require_user(info)
        return await _post(
            writing.edit_post(user=user, post_id=typed_pk(id, "Post"), **_fields(input))  # type: ignore[arg-type]
        )

    @strawberry.mutation(description="The author deletes their post.")
    async def delete_post(self, info: Info, id: relay.GlobalID) -> PostPayload:
        user = require_user(info)
        return await _post(writing.delete_post(user=user, post_id=typed_pk(id, "Post")))

    @strawberry.mutation(
        description="Comment on a published post, or reply to a comment (`parentId`); "
        "replies nest a few levels deep at most."
    )
    async def create_comment(
        self,
        info: Info,
        post_id: relay.GlobalID,
        body: str,
        parent_id: relay.GlobalID | None = None,
    ) -> CommentPayload:
        user = require_user(info)
        parent = typed_pk(parent_id, "Comment") if parent_id is not None else None
        return await _comment(
            writing.create_comment(
                author=user, post_id=typed_pk(post_id, "Post"), body=body, parent_id=parent
            )
        )

    @strawberry.mutation(description="The author rewrites their comment; screened again.")
    async def update_comment(self, info: Info, id: relay.GlobalID, body: str) -> CommentPayload:
        user = require_user(info)
        return await _comment(
            writing.edit_comment(user=user, comment_id=typed_pk(id, "Comment"), body=body)
        )

    @strawberry.mutation(description="The author deletes their comment.")
    async def delete_comment(self, info: Info, id: relay.GlobalID) -> CommentPayload:
        user = require_user(info)
        return await _comment(writing.delete_comment(user=user, comment_id=typed_pk(id, "Comment")))

    @strawberry.mutation(description="Like a published post (once; liking again does nothing).")
    async def like_post(self, info: Info, post_id: relay.GlobalID) -> PostPayload:
        user = require_user(info)
        return await _post(likes.like(user=user, post_id=typed_pk(post_id, "Post")))

    @strawberry.mutation(description="Take back a like.")
    async def unlike_post(self, info: Info, post_id: relay.GlobalID) -> PostPayload:
        user = require_user(info)
        return await _post(likes.unlike(user=user, post_id=typed_pk(post_id, "Post")))


@strawberry.type
class PostsSubscription:
    @strawberry.subscription(
        description="New published comments and replies on one post, live, held ones once "
        "a moderator approves them, and edits of published comments (the comment again, with "
        "its new body and `editedAt` set; an edit that screening holds is not sent). Sign-in "
        "is not needed for a published post."
    )
    async def post_comment_added(
        self, info: Info, post_id: relay.GlobalID, after: After = None
    ) -> AsyncGenerator[CommentType, None]:
        async for comment in streams.comments_of(info, typed_pk(post_id, "Post"), after):
            yield CommentType.from_model(comment)
