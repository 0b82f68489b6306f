"""Post and comment types: a post with its tags, linked products, likes and threaded
comments, each list a connection read through per-request DataLoaders."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Self

import strawberry
from strawberry import relay

from models.community.moderation import ContentStatus as Status
from models.community.moderation import HoldReason
from models.community.moderation import ModerationReason as Reason
from models.community.posts import Comment, Post
from resolvers.auth import viewer
from resolvers.community import posts as access
from resolvers.community.posts_loaders import CommentPageKey
from resolvers.context import Info
from resolvers.pagination import Page, page_from_slice, window
from schema.catalog.types import ProductType
from schema.community.moderation_types import CommunityMember, ContentStatus, ModerationReason
from schema.connections import CountedConnection
from schema.nodes import LoadedNode
from services.catalog import visibility

COMMENTS_DEFAULT = 3


@strawberry.type(description="The ages of children a post is about, in months.")
class ChildAgeRange:
    min_months: int | None
    max_months: int | None


@strawberry.type(
    description="Why a contribution is held or was rejected: seen by its author and "
    "moderators only."
)
class ModerationNotice:
    held_for: list[str] = strawberry.field(
        description="Screening's or reports' reasons: profanity, too_many_links, "
        "too_many_images, reported, resubmitted."
    )
    reason: ModerationReason | None = strawberry.field(  # type: ignore[valid-type]
        description="The moderator's reason of a rejection or hiding."
    )
    fixable: bool = strawberry.field(
        description="Editing the contribution sends it back to a moderator."
    )


def _notice(row: Post | Comment) -> ModerationNotice:
    from models.community.moderation import FIXABLE_REASONS

    reason = Reason(row.moderation_reason) if row.moderation_reason else None
    shown = reason if row.status in (Status.REJECTED, Status.HIDDEN) else None
    return ModerationNotice(
        held_for=[r for r in row.hold_reasons.split(",") if r in set(HoldReason)],
        reason=shown,
        fixable=row.status == Status.REJECTED and reason in FIXABLE_REASONS,
    )


async def _author(info: Info, row: Post | Comment) -> CommunityMember:
    name = await info.context.loaders.community_posts.display_names.load(row.author_id)
    return CommunityMember(display_name=name)


def _is_mine(info: Info, row: Post | Comment) -> bool:
    user = viewer(info)
    return user is not None and user.id == row.author_id


async def _comment_page(
    info: Info, on: str, key: int, first: int | None, after: str | None
) -> Page[Comment]:
    win = window(COMMENTS_DEFAULT if first is None else first, after)
    loader = info.context.loaders.community_posts.comment_pages
    rows = await loader.load(CommentPageKey(on, key, win.offset, win.limit))
    for row in rows:
        info.context.loaders.community_posts.comment_by_id.prime(row.pk, row)
    counts = info.context.loaders.community_posts.comment_counts

    async def total() -> int:
        return await counts.load((on, key))

    return page_from_slice(rows, win, total)


@strawberry.type(name="Comment", description="A comment on a post, or a reply to a comment.")
class CommentType(LoadedNode):
    loader_group: ClassVar[str] = "community_posts"
    loader: ClassVar[str] = "comment_by_id"
    id: relay.NodeID[int]
    body: str
    depth: int = strawberry.field(description="0 for a comment on the post, 1 for a reply...")
    status: ContentStatus  # type: ignore[valid-type]
    created_at: datetime
    edited_at: datetime | None
    row: strawberry.Private[Comment]

    @classmethod
    async def visible(cls, info: Info, row: Comment) -> bool:
        # A comment shows no more than its post does (a hidden post hides its thread).
        if not access.can_see(info, row):
            return False
        post = await info.context.loaders.community_posts.post_by_id.load(row.post_id)
        return post is not None and access.can_see(info, post)

    @classmethod
    def from_model(cls, row: Comment) -> Self:
        return cls(
            id=row.id,
            body=row.body,
            depth=row.depth,
            status=Status(row.status),
            created_at=row.created_at,
            edited_at=row.edited_at,
            row=row,
        )

    @strawberry.field(description="The post commented on.")
    def post_id(self) -> relay.GlobalID:
        return relay.GlobalID("Post", str(self.row.post_id))

    @strawberry.field(description="The comment this replies to; null on the post itself.")
    def parent_id(self) -> relay.GlobalID | None:
        if self.row.parent_id is None:
            return None
        return relay.GlobalID("Comment", str(self.row.parent_id))

    @strawberry.field(description="Who wrote it (a display name only).")
    async def author(self, info: Info) -> CommunityMember:
        return await _author(info, self.row)

    @strawberry.field(description="Whether the signed-in member wrote it (may edit or delete).")
    def is_mine(self, info: Info) -> bool:
        return _is_mine(info, self.row)

    @strawberry.field(description="Author and moderators: why it is held or was rejected.")
    def moderation(self, info: Info) -> ModerationNotice | None:
        return _notice(self.row) if access.sees_moderation(info, self.row) else None

    @strawberry.field(description="Published replies, oldest first (3 unless `first`).")
    async def replies(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> CommentConnection:
        page = await _comment_page(info, "parent", self.row.id, first, after)
        return CommentConnection.from_page(page, CommentType.from_model)


@strawberry.type(description="Comments, oldest first.")
class CommentConnection(CountedConnection[CommentType]):
    pass


@strawberry.type(name="Post", description="A community post: a parent's question, tip or story.")
class PostType(LoadedNode):
    loader_group: ClassVar[str] = "community_posts"
    loader: ClassVar[str] = "post_by_id"
    id: relay.NodeID[int]
    title: str
    body: str
    status: ContentStatus  # type: ignore[valid-type]
    like_count: int
    comment_count: int = strawberry.field(description="Published comments and replies.")
    created_at: datetime
    last_activity_at: datetime = strawberry.field(description="The latest published comment.")
    edited_at: datetime | None
    row: strawberry.Private[Post]

    @classmethod
    def visible(cls, info: Info, row: Post) -> bool:
        return access.can_see(info, row)

    @classmethod
    def from_model(cls, row: Post) -> Self:
        return cls(
            id=row.id,
            title=row.title,
            body=row.body,
            status=Status(row.status),
            like_count=row.like_count,
            comment_count=row.comment_count,
            created_at=row.created_at,
            last_activity_at=row.last_activity_at,
            edited_at=row.edited_at,
            row=row,
        )

    @strawberry.field(description="The child age range the post is about, if given.")
    def child_age(self) -> ChildAgeRange | None:
        low, high = self.row.child_age_min_months, self.row.child_age_max_months
        if low is None and high is None:
            return None
        return ChildAgeRange(min_months=low, max_months=high)

    @strawberry.field(
        description="Topic tags (lower-case, dashes); a plain list: a post has at most 5."
    )
    async def tags(self, info: Info) -> list[str]:
        rows = await info.context.loaders.community_posts.tags_by_post_id.load(self.row.id)
        return sorted(row.tag for row in rows)

    @strawberry.field(
        description="Products the post talks about that are published now (drafts and archived "
        "ones are left out, for everyone). A plain list: a post links at most 5."
    )
    async def linked_products(self, info: Info) -> list[ProductType]:
        links = await info.context.loaders.community_posts.products_by_post_id.load(self.row.id)
        links = sorted(links, key=lambda link: link.position)
        rows = await info.context.loaders.catalog.product_by_id.load_many(
            [link.product_id for link in links]
        )
        return [
            ProductType.from_model(r)
            for r in rows
            if r is not None and visibility.is_visible(r.status, staff=False)
        ]

    @strawberry.field(description="Who wrote it (a display name only).")
    async def author(self, info: Info) -> CommunityMember:
        return await _author(info, self.row)

    @strawberry.field(description="Whether the signed-in member wrote it (may edit or delete).")
    def is_mine(self, info: Info) -> bool:
        return _is_mine(info, self.row)

    @strawberry.field(description="Whether the signed-in member liked it (false for guests).")
    async def viewer_has_liked(self, info: Info) -> bool:
        user = viewer(info)
        if user is None:
            return False
        return await info.context.loaders.community_posts.liked_by(user.id).load(self.row.id)

    @strawberry.field(description="Author and moderators: why it is held or was rejected.")
    def moderation(self, info: Info) -> ModerationNotice | None:
        return _notice(self.row) if access.sees_moderation(info, self.row) else None

    @strawberry.field(
        description="Published comments on the post itself, oldest first (3 unless `first`); "
        "each has its `replies`."
    )
    async def comments(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> CommentConnection:
        page = await _comment_page(info, "post", self.row.id, first, after)
        return CommentConnection.from_page(page, CommentType.from_model)


@strawberry.type(description="Community posts.")
class PostConnection(CountedConnection[PostType]):
    pass
