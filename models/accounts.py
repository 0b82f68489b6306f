"""Account models: users, addresses, child profiles, refresh tokens and partner API keys."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class Permission(StrEnum):
    MANAGE_PRODUCTS = "MANAGE_PRODUCTS"
    MANAGE_ORDERS = "MANAGE_ORDERS"
    MANAGE_TICKETS = "MANAGE_TICKETS"
    MANAGE_COMMUNITY = "MANAGE_COMMUNITY"
    MANAGE_MEMBERSHIP = "MANAGE_MEMBERSHIP"
    VIEW_ANALYTICS = "VIEW_ANALYTICS"
    MANAGE_STAFF = "MANAGE_STAFF"
    MANAGE_API_KEYS = "MANAGE_API_KEYS"


class ApiScope(StrEnum):
    READ_ORDERS = "READ_ORDERS"
    READ_SHIPMENTS = "READ_SHIPMENTS"
    WRITE_SHIPMENTS = "WRITE_SHIPMENTS"
    READ_TICKETS = "READ_TICKETS"
    WRITE_TICKETS = "WRITE_TICKETS"
    READ_CATALOG = "READ_CATALOG"
    READ_COMMUNITY = "READ_COMMUNITY"


class User(Model):
    id = fields.IntField(primary_key=True)
    # Stored lower-cased: uniqueness is case-insensitive on every database.
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=200, null=True)
    display_name = fields.CharField(max_length=120, default="")
    phone = fields.CharField(max_length=40, null=True)
    is_active = fields.BooleanField(default=True)
    is_staff = fields.BooleanField(default=False)
    permissions: fields.Field[list[str]] = fields.JSONField(default=list)
    marketing_consent = fields.BooleanField(default=False)
    personalization_consent = fields.BooleanField(default=True)
    external_ref = fields.CharField(max_length=64, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    last_login_at = fields.DatetimeField(null=True)

    addresses: fields.ReverseRelation[Address]
    children: fields.ReverseRelation[ChildProfile]

    class Meta:
        table = "account"

    def has_permission(self, permission: Permission) -> bool:
        return self.is_active and self.is_staff and permission.value in (self.permissions or [])


class Address(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="addresses", on_delete=fields.CASCADE
    )
    full_name = fields.CharField(max_length=200)
    line1 = fields.CharField(max_length=200)
    line2 = fields.CharField(max_length=200, default="")
    city = fields.CharField(max_length=120)
    postal_code = fields.CharField(max_length=20)
    region = fields.CharField(max_length=120, default="")
    country = fields.CharField(max_length=2)
    phone = fields.CharField(max_length=40, default="")
    is_default = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int

    class Meta:
        table = "address"
        ordering = ["-is_default", "id"]


class ChildProfile(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="children", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=80)
    birth_month = fields.DateField(description="First day of the birth month.")
    interests: fields.Field[list[str]] = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int

    class Meta:
        table = "child_profile"
        ordering = ["birth_month", "id"]


class RefreshToken(Model):
    """A rotating refresh token, of which only the hash is stored.

    Tokens of one login share a `family`: presenting an already-rotated token revokes the
    whole family, because only a thief would still hold it.
    """

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="refresh_tokens", on_delete=fields.CASCADE
    )
    token_hash = fields.CharField(max_length=64, unique=True)
    family = fields.CharField(max_length=32, db_index=True)
    expires_at = fields.DatetimeField()
    rotated_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int

    class Meta:
        table = "refresh_token"


class ApiKey(Model):
    """A partner app's key, shown once at creation and stored as a hash."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=120)
    prefix = fields.CharField(max_length=16, unique=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    scopes: fields.Field[list[str]] = fields.JSONField(default=list)
    created_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="api_keys", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_key"
        indexes = [Index(fields=("revoked_at",))]
