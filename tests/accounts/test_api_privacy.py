"""Personal data: who can read a User, its phone, addresses and child profiles, and who cannot."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.relay import to_base64

from models.accounts import Permission, User
from tests.factories import auth_headers, create_address, create_child_profile, create_user

NODE = """
query Node($id: ID!) {
  node(id: $id) {
    __typename id
    ... on User { email phone addresses { line1 } children { name } }
    ... on Address { line1 city }
    ... on ChildProfile { name birthMonth }
  }
}
"""
USER = """
query User($id: ID!) {
  user(id: $id) { email phone addresses { line1 } defaultAddress { line1 } children { name } }
}
"""
NODES = "query Nodes($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"
ME = """
query { me { email phone addresses { id line1 isDefault } children { id name interests } } }
"""
UPDATE_ADDRESS = """
mutation Edit($id: ID!) {
  addressUpdate(id: $id, input: {city: "Hacked"}) { address { city } errors { field code } }
}
"""
DELETE_CHILD = """
mutation Delete($id: ID!) {
  childProfileDelete(id: $id) { deletedId errors { field code } }
}
"""

pytestmark = pytest.mark.usefixtures("app")


def _answer(body: dict[str, Any]) -> dict[str, Any]:
    """The body without `extensions` (per-request figures such as the query cost)."""
    return {key: value for key, value in body.items() if key != "extensions"}


class Family:
    """A customer with a phone, an address and a child, plus the global IDs of each."""

    def __init__(self, user: User, address_id: int, child_id: int) -> None:
        self.user = user
        self.user_gid = to_base64("User", user.id)
        self.address_gid = to_base64("Address", address_id)
        self.child_gid = to_base64("ChildProfile", child_id)


@pytest.fixture
async def family() -> Family:
    user = await create_user()
    user.phone = "+49 30 1234567"
    await user.save(update_fields=["phone"])
    address = await create_address(user, line1="Secret Lane 7")
    child = await create_child_profile(user, name="Ada")
    return Family(user, address.id, child.id)


async def _node(gql: Any, gid: str, headers: dict[str, str]) -> Any:
    body = await gql(NODE, {"id": gid}, **headers)
    assert "errors" not in body, body
    return body["data"]["node"]


async def test_owner_sees_everything(gql: Any, family: Family) -> None:
    owner = auth_headers(family.user)

    me = (await gql(ME, **owner))["data"]["me"]
    user = await _node(gql, family.user_gid, owner)
    address = await _node(gql, family.address_gid, owner)
    child = await _node(gql, family.child_gid, owner)

    assert me["phone"] == "+49 30 1234567"
    assert [a["line1"] for a in me["addresses"]] == ["Secret Lane 7"]
    assert [c["name"] for c in me["children"]] == ["Ada"]
    assert user["phone"] == "+49 30 1234567" and user["children"] == [{"name": "Ada"}]
    assert address == {
        "__typename": "Address",
        "id": family.address_gid,
        "line1": "Secret Lane 7",
        "city": "Berlin",
    }
    assert child == {
        "__typename": "ChildProfile",
        "id": family.child_gid,
        "name": "Ada",
        "birthMonth": "2021-05",
    }


async def test_another_customer_gets_null_everywhere(gql: Any, family: Family) -> None:
    stranger = auth_headers(await create_user())

    for gid in (family.user_gid, family.address_gid, family.child_gid):
        assert await _node(gql, gid, stranger) is None
    assert _answer(await gql(USER, {"id": family.user_gid}, **stranger)) == {"data": {"user": None}}
    nodes = await gql(
        NODES, {"ids": [family.user_gid, family.address_gid, family.child_gid]}, **stranger
    )
    assert _answer(nodes) == {"data": {"nodes": [None, None, None]}}


async def test_guests_get_null_everywhere(gql: Any, family: Family) -> None:
    for gid in (family.user_gid, family.address_gid, family.child_gid):
        assert (await gql(NODE, {"id": gid}))["data"]["node"] is None
    assert (await gql(USER, {"id": family.user_gid}))["data"]["user"] is None


async def test_another_customer_cannot_change_or_delete_owned_rows(
    gql: Any, family: Family
) -> None:
    stranger = auth_headers(await create_user())

    edit = await gql(UPDATE_ADDRESS, {"id": family.address_gid}, **stranger)
    delete = await gql(DELETE_CHILD, {"id": family.child_gid}, **stranger)

    assert edit["data"]["addressUpdate"] == {
        "address": None,
        "errors": [{"field": "id", "code": "NOT_FOUND"}],
    }
    assert delete["data"]["childProfileDelete"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    owner_view = (await gql(ME, **auth_headers(family.user)))["data"]["me"]
    assert owner_view["addresses"][0]["line1"] == "Secret Lane 7"
    assert [c["name"] for c in owner_view["children"]] == ["Ada"]


async def test_order_staff_see_phone_and_addresses_but_not_children(
    gql: Any, family: Family
) -> None:
    support = auth_headers(await create_user(permissions=[Permission.MANAGE_ORDERS]))

    user = (await gql(USER, {"id": family.user_gid}, **support))["data"]["user"]
    address = await _node(gql, family.address_gid, support)
    child = await _node(gql, family.child_gid, support)

    assert user == {
        "email": family.user.email,
        "phone": "+49 30 1234567",
        "addresses": [{"line1": "Secret Lane 7"}],
        "defaultAddress": {"line1": "Secret Lane 7"},
        "children": None,
    }
    assert address is not None and address["line1"] == "Secret Lane 7"
    assert child is None


async def test_staff_manager_sees_the_account_but_not_personal_data(
    gql: Any, family: Family
) -> None:
    manager = auth_headers(await create_user(permissions=[Permission.MANAGE_STAFF]))

    user = (await gql(USER, {"id": family.user_gid}, **manager))["data"]["user"]

    assert user == {
        "email": family.user.email,
        "phone": None,
        "addresses": None,
        "defaultAddress": None,
        "children": None,
    }
    assert await _node(gql, family.address_gid, manager) is None


async def test_staff_without_the_permission_see_nothing(gql: Any, family: Family) -> None:
    merchandiser = auth_headers(await create_user(permissions=[Permission.MANAGE_PRODUCTS]))

    assert (await gql(USER, {"id": family.user_gid}, **merchandiser))["data"]["user"] is None
    for gid in (family.user_gid, family.address_gid, family.child_gid):
        assert await _node(gql, gid, merchandiser) is None


async def test_ids_of_other_types_are_not_accepted_as_user_ids(gql: Any, family: Family) -> None:
    owner = auth_headers(family.user)
    wrong = to_base64("Address", family.user.id)

    assert (await gql(USER, {"id": wrong}, **owner))["data"]["user"] is None
