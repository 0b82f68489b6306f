"""Webhook endpoints and their delivery log, for the API key that owns them and for staff
with MANAGE_API_KEYS: who may manage which endpoint, pages of endpoints and deliveries."""

from __future__ import annotations

from datetime import datetime

from graphql import GraphQLError

from models.accounts import ApiKey, Permission
from models.events import WebhookDelivery, WebhookEndpoint
from models.events import WebhookDeliveryStatus as Status
from resolvers.auth import has_permission, require_permission
from resolvers.context import Info
from resolvers.pagination import Page, window
from services.errors import DomainError
from services.events import webhooks as service
from services.events.errors import EventErrorCode as Code


def is_manager(info: Info) -> bool:
    return has_permission(info, Permission.MANAGE_API_KEYS)


def caller_key(info: Info) -> ApiKey | None:
    key = info.context.api_key
    return key if key is not None and key.revoked_at is None else None


def require_caller(info: Info) -> None:
    """A partner's API key or staff with MANAGE_API_KEYS; a GraphQL error otherwise."""
    if caller_key(info) is None and not is_manager(info):
        if info.context.user is None:
            raise GraphQLError(
                "Send your API key as `X-Api-Key` (or sign in as staff with MANAGE_API_KEYS).",
                extensions={"code": "UNAUTHENTICATED"},
            )
        require_permission(info, Permission.MANAGE_API_KEYS)


def may_see(info: Info, endpoint: WebhookEndpoint) -> bool:
    key = caller_key(info)
    return is_manager(info) or (key is not None and key.id == endpoint.api_key_id)  # type: ignore[attr-defined]


async def owned_endpoint(info: Info, endpoint_id: int, *, field: str = "id") -> WebhookEndpoint:
    """The endpoint if the caller may manage it; NOT_FOUND otherwise (never "not yours")."""
    require_caller(info)
    endpoint = await WebhookEndpoint.get_or_none(id=endpoint_id)
    if endpoint is None or not may_see(info, endpoint):
        raise DomainError(Code.NOT_FOUND, "No such webhook endpoint.", field=field)
    return endpoint


async def owned_delivery(info: Info, delivery_id: int) -> WebhookDelivery:
    require_caller(info)
    delivery = await WebhookDelivery.get_or_none(id=delivery_id).select_related("endpoint")
    if delivery is None or not may_see(info, delivery.endpoint):
        raise DomainError(Code.NOT_FOUND, "No such webhook delivery.", field="id")
    return delivery


async def key_for_new_endpoint(info: Info, api_key_id: int | None) -> ApiKey:
    """The caller's own key, or for staff the key named by `apiKeyId`."""
    require_caller(info)
    own = caller_key(info)
    if api_key_id is None:
        if own is None:
            raise DomainError(Code.REQUIRED, "Name the API key to own it.", field="api_key_id")
        return own
    key = await ApiKey.get_or_none(id=api_key_id, revoked_at__isnull=True)
    allowed = is_manager(info) or (own is not None and own.id == api_key_id)
    if key is None or not allowed:
        raise DomainError(Code.NOT_FOUND, "No such API key.", field="api_key_id")
    return key


async def create_endpoint(
    info: Info, *, api_key_id: int | None, url: str, event_types: list[str], document: str | None
) -> tuple[WebhookEndpoint, str]:
    key = await key_for_new_endpoint(info, api_key_id)
    return await service.create_endpoint(
        api_key=key, url=url, event_types=event_types, subscription_query=document
    )


async def endpoints(info: Info, *, first: int | None, after: str | None) -> Page[WebhookEndpoint]:
    require_caller(info)
    win = window(first, after)
    query = WebhookEndpoint.all()
    if not is_manager(info):
        key = caller_key(info)
        query = query.filter(api_key_id=key.id if key is not None else -1)
    rows = await query.order_by("-id").offset(win.offset).limit(win.limit + 1)
    return Page(
        items=rows[: win.limit],
        offset=win.offset,
        total=query.count,
        has_next=len(rows) > win.limit,
    )


async def deliveries(
    info: Info,
    *,
    endpoint_id: int | None,
    status: Status | None,
    first: int | None,
    after: str | None,
) -> Page[WebhookDelivery]:
    require_caller(info)
    win = window(first, after)
    query = WebhookDelivery.all()
    if endpoint_id is not None:
        query = query.filter(endpoint_id=endpoint_id)
    if not is_manager(info):
        key = caller_key(info)
        query = query.filter(endpoint__api_key_id=key.id if key is not None else -1)
    if status is not None:
        query = query.filter(status=status)
    rows = await query.order_by("-id").offset(win.offset).limit(win.limit + 1)
    return Page(
        items=rows[: win.limit],
        offset=win.offset,
        total=query.count,
        has_next=len(rows) > win.limit,
    )


async def replay(info: Info, *, endpoint_id: int, start: datetime, end: datetime) -> int:
    endpoint = await owned_endpoint(info, endpoint_id, field="endpoint_id")
    return await service.replay(endpoint=endpoint, start=start, end=end)
