"""Partner API keys: shown once, stored hashed, scoped, listed for staff, revocable."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from strawberry.relay import to_base64

from models.accounts import ApiKey, ApiScope, Permission
from resolvers.auth import has_scope
from resolvers.context import Context
from services.accounts.tokens import hash_token
from tests.factories import auth_headers, create_user, unique

CREATE = """
mutation Create($input: ApiKeyCreateInput!) {
  apiKeyCreate(input: $input) {
    key apiKey { id name prefix scopes active } errors { field code }
  }
}
"""
REVOKE = """
mutation Revoke($id: ID!) { apiKeyRevoke(id: $id) { apiKey { active revokedAt } errors { code } } }
"""
VIEWER_KEY = "query { viewerApiKey { name scopes prefix } }"
KEYS = """
query Keys($first: Int, $revoked: Boolean) {
  apiKeys(first: $first, includeRevoked: $revoked) {
    totalCount edges { node { id name prefix active } }
  }
}
"""
ME = "query { me { email } }"
STAFF_SET = """
mutation Set($id: ID!, $permissions: [Permission!]!) {
  staffSetPermissions(userId: $id, permissions: $permissions) {
    user { isStaff permissions } errors { field code }
  }
}
"""

pytestmark = pytest.mark.usefixtures("app")


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    """The body without `extensions` (per-request figures such as the query cost)."""
    return {key: value for key, value in body.items() if key != "extensions"}


@pytest.fixture
async def key_admin() -> dict[str, str]:
    return auth_headers(await create_user(permissions=[Permission.MANAGE_API_KEYS]))


async def _create(gql: Any, headers: dict[str, str], **input: Any) -> dict[str, Any]:
    values = {"name": unique("Partner"), "scopes": ["READ_ORDERS", "READ_CATALOG"], **input}
    body = await gql(CREATE, {"input": values}, **headers)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["apiKeyCreate"]
    return result


async def test_key_is_shown_once_and_stored_only_as_a_hash(
    gql: Any, key_admin: dict[str, str]
) -> None:
    created = await _create(gql, key_admin, scopes=["READ_ORDERS", "READ_ORDERS"])

    plain = created["key"]
    assert plain.startswith(f"sgk_{created['apiKey']['prefix']}_")
    assert created["apiKey"]["scopes"] == ["READ_ORDERS"]
    row = await ApiKey.get(prefix=created["apiKey"]["prefix"])
    assert row.key_hash == hash_token(plain)
    stored = [str(value) for value in (await ApiKey.filter(id=row.id).values())[0].values()]
    assert not any(plain in value for value in stored)
    # The listing never shows it again.
    listing = await gql(KEYS, {"first": 100}, **key_admin)
    assert plain not in str(listing)
    assert created["apiKey"]["id"] in {
        edge["node"]["id"] for edge in listing["data"]["apiKeys"]["edges"]
    }


async def test_partner_sees_its_own_key_and_nothing_of_users(
    gql: Any, key_admin: dict[str, str]
) -> None:
    created = await _create(gql, key_admin, name="Acme Logistics", scopes=["READ_SHIPMENTS"])

    mine = await gql(VIEWER_KEY, **{"X-Api-Key": created["key"]})
    me = await gql(ME, **{"X-Api-Key": created["key"]})

    assert _answer(mine) == {
        "data": {
            "viewerApiKey": {
                "name": "Acme Logistics",
                "scopes": ["READ_SHIPMENTS"],
                "prefix": created["apiKey"]["prefix"],
            }
        }
    }
    assert _answer(me) == {"data": {"me": None}}


async def test_revoked_or_unknown_key_authenticates_as_nothing(
    gql: Any, key_admin: dict[str, str]
) -> None:
    created = await _create(gql, key_admin)
    assert (await gql(VIEWER_KEY, **{"X-Api-Key": created["key"]}))["data"]["viewerApiKey"]

    revoked = await gql(REVOKE, {"id": created["apiKey"]["id"]}, **key_admin)

    assert revoked["data"]["apiKeyRevoke"]["apiKey"]["active"] is False
    assert _answer(await gql(VIEWER_KEY, **{"X-Api-Key": created["key"]})) == {
        "data": {"viewerApiKey": None}
    }
    forged = created["key"][:-2] + "xx"
    assert (await gql(VIEWER_KEY, **{"X-Api-Key": forged}))["data"]["viewerApiKey"] is None
    live = await gql(KEYS, {"first": 100}, **key_admin)
    every = await gql(KEYS, {"first": 100, "revoked": True}, **key_admin)
    assert created["apiKey"]["id"] not in str(live)
    assert created["apiKey"]["id"] in str(every)


async def test_key_management_needs_the_permission(gql: Any) -> None:
    customer = auth_headers(await create_user())
    other_staff = auth_headers(await create_user(permissions=[Permission.MANAGE_ORDERS]))

    for headers in ({}, customer, other_staff):
        create = await gql(CREATE, {"input": {"name": "x", "scopes": ["READ_ORDERS"]}}, **headers)
        listing = await gql(KEYS, {"first": 5}, **headers)
        assert create["data"] is None
        assert listing["data"] is None
        codes = {
            create["errors"][0]["extensions"]["code"],
            listing["errors"][0]["extensions"]["code"],
        }
        assert codes == ({"UNAUTHENTICATED"} if not headers else {"FORBIDDEN"})


async def test_key_needs_a_name_and_a_scope(gql: Any, key_admin: dict[str, str]) -> None:
    nameless = await _create(gql, key_admin, name="  ")
    scopeless = await _create(gql, key_admin, scopes=[])

    assert nameless["key"] is None and nameless["errors"] == [{"field": "name", "code": "REQUIRED"}]
    assert scopeless["errors"] == [{"field": "scopes", "code": "REQUIRED"}]


async def test_staff_manager_sets_permissions(gql: Any) -> None:
    manager = await create_user(permissions=[Permission.MANAGE_STAFF])
    customer = await create_user()

    granted = await gql(
        STAFF_SET,
        {"id": to_base64("User", customer.id), "permissions": ["MANAGE_ORDERS"]},
        **auth_headers(manager),
    )
    lockout = await gql(
        STAFF_SET,
        {"id": to_base64("User", manager.id), "permissions": []},
        **auth_headers(manager),
    )
    not_allowed = await gql(
        STAFF_SET,
        {"id": to_base64("User", manager.id), "permissions": ["MANAGE_STAFF"]},
        **auth_headers(customer),
    )

    assert granted["data"]["staffSetPermissions"] == {
        "user": {"isStaff": True, "permissions": ["MANAGE_ORDERS"]},
        "errors": [],
    }
    assert lockout["data"]["staffSetPermissions"]["errors"] == [
        {"field": "permissions", "code": "SELF_LOCKOUT"}
    ]
    # The customer is staff now, but without MANAGE_STAFF.
    assert not_allowed["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_scopes_decide_what_a_key_may_do(gql: Any, key_admin: dict[str, str]) -> None:
    created = await _create(gql, key_admin, scopes=["READ_SHIPMENTS"])
    key = await ApiKey.get(prefix=created["apiKey"]["prefix"])

    def info(api_key: ApiKey | None) -> Any:
        return SimpleNamespace(context=Context(request=None, api_key=api_key))

    assert has_scope(info(key), ApiScope.READ_SHIPMENTS)
    assert not has_scope(info(key), ApiScope.WRITE_SHIPMENTS)
    assert not has_scope(info(key), ApiScope.READ_ORDERS)
    assert not has_scope(info(None), ApiScope.READ_SHIPMENTS)


KEY_PAGE = """
query Keys($first: Int) {
  apiKeys(first: $first) {
    totalCount
    edges { node { id name prefix scopes createdAt lastUsedAt revokedAt active } }
  }
}
"""


async def test_listing_keys_costs_the_same_queries_for_3_or_30_keys(
    gql: Any, key_admin: dict[str, str], count_queries: Any
) -> None:
    from services.accounts import api_keys

    for _ in range(30):
        await api_keys.create_api_key(
            name=unique("Bulk"), scopes=[ApiScope.READ_CATALOG], created_by_id=None
        )
    costs = {}
    for first in (3, 30):
        with count_queries() as counter:
            body = await gql(KEY_PAGE, {"first": first}, **key_admin)
        assert len(body["data"]["apiKeys"]["edges"]) == first, body
        costs[first] = len(counter.statements)

    assert costs[3] == costs[30], costs
    # The caller, the count and one page of keys.
    assert costs[30] <= 3, costs
