"""Community posts: a post with topic tags, linked products and an optional child age range;
threaded comments; likes. Counters (`like_count`, `comment_count`) are kept by atomic
updates in services/community/posts/."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.community.moderation import ContentStatus

if TYPE_CHECKING:
    from models.accounts import User
    from models.catalog import Product


class Post(Model):
    id = fields.IntField(primary_key=True)
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="community_posts", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    body = fields.TextField()
    status = fields.CharEnumField(ContentStatus, max_length=16)
    # Why screening held it (",profanity,") or the moderator's reason for a rejection.
    hold_reasons = fields.CharField(max_length=120, default="")
    moderation_reason = fields.CharField(max_length=32, default="")
    child_age_min_months = fields.SmallIntField(null=True)
    child_age_max_months = fields.SmallIntField(null=True)
    like_count = fields.IntField(default=0)
    comment_count = fields.IntField(default=0)
    # Raised by every published comment: the "most active" order.
    last_activity_at = fields.DatetimeField()
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField(auto_now=True)
    edited_at = fields.DatetimeField(null=True)

    author_id: int

    class Meta:
        table = "community_post"
        indexes = [
            Index(fields=("status", "created_at")),
            Index(fields=("status", "last_activity_at")),
            Index(fields=("author_id", "created_at")),
        ]


class PostTag(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "shopgraph.Post", related_name="tags", on_delete=fields.CASCADE
    )
    tag = fields.CharField(max_length=40)

    post_id: int

    class Meta:
        table = "community_post_tag"
        unique_together = (("post_id", "tag"),)
        indexes = [Index(fields=("tag", "post_id"))]


class PostProduct(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "shopgraph.Post", related_name="product_links", on_delete=fields.CASCADE
    )
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "shopgraph.Product", related_name="community_post_links", on_delete=fields.CASCADE
    )
    position = fields.SmallIntField(default=0)

    post_id: int
    product_id: int

    class Meta:
        table = "community_post_product"
        unique_together = (("post_id", "product_id"),)


class Comment(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "shopgraph.Post", related_name="comments", on_delete=fields.CASCADE
    )
    parent: fields.ForeignKeyNullableRelation[Comment] = fields.ForeignKeyField(
        "shopgraph.Comment", related_name="replies", null=True, on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="community_comments", on_delete=fields.CASCADE
    )
    body = fields.TextField()
    depth = fields.SmallIntField(default=0)
    status = fields.CharEnumField(ContentStatus, max_length=16)
    hold_reasons = fields.CharField(max_length=120, default="")
    moderation_reason = fields.CharField(max_length=32, default="")
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField(auto_now=True)
    edited_at = fields.DatetimeField(null=True)

    post_id: int
    parent_id: int | None
    author_id: int

    class Meta:
        table = "community_comment"
        indexes = [
            Index(fields=("post_id", "parent_id", "created_at")),
            Index(fields=("author_id", "created_at")),
        ]


class PostLike(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "shopgraph.Post", related_name="likes", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="community_likes", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    post_id: int
    user_id: int

    class Meta:
        table = "community_post_like"
        unique_together = (("post_id", "user_id"),)
