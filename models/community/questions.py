"""Product questions and answers, with votes on answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from models.community.moderation import ContentStatus

if TYPE_CHECKING:
    from models.accounts import User
    from models.catalog import Product


class Question(Model):
    id = fields.IntField(primary_key=True)
    product: fields.ForeignKeyRelation[Product] = fields.ForeignKeyField(
        "shopgraph.Product", related_name="questions", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="questions", on_delete=fields.CASCADE
    )
    body = fields.TextField()
    status = fields.CharEnumField(ContentStatus, max_length=16, default=ContentStatus.PUBLISHED)
    removal_reason = fields.CharField(max_length=32, default="")
    # No FK: an answer row points at its question already; this one names the chosen one.
    accepted_answer_id = fields.IntField(null=True)
    answer_count = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    product_id: int
    author_id: int

    class Meta:
        table = "question"
        indexes = [Index(fields=("product_id", "status", "created_at"))]


class Answer(Model):
    id = fields.IntField(primary_key=True)
    question: fields.ForeignKeyRelation[Question] = fields.ForeignKeyField(
        "shopgraph.Question", related_name="answers", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="answers", on_delete=fields.CASCADE
    )
    body = fields.TextField()
    status = fields.CharEnumField(ContentStatus, max_length=16, default=ContentStatus.PUBLISHED)
    removal_reason = fields.CharField(max_length=32, default="")
    by_staff = fields.BooleanField(default=False)
    verified_buyer = fields.BooleanField(default=False)
    helpful_count = fields.IntField(default=0)
    unhelpful_count = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    question_id: int
    author_id: int

    class Meta:
        table = "answer"
        indexes = [Index(fields=("question_id", "status", "created_at"))]


class AnswerVote(Model):
    id = fields.IntField(primary_key=True)
    answer: fields.ForeignKeyRelation[Answer] = fields.ForeignKeyField(
        "shopgraph.Answer", related_name="votes", on_delete=fields.CASCADE
    )
    user_id = fields.IntField()
    helpful = fields.BooleanField()
    created_at = fields.DatetimeField(auto_now_add=True)

    answer_id: int

    class Meta:
        table = "answer_vote"
        unique_together = (("answer", "user_id"),)
