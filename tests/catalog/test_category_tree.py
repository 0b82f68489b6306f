"""The category tree is read once per catalog version, and a staff write shows on the next read."""

from __future__ import annotations

from typing import Any

import pytest

from models.accounts import Permission
from tests.factories import auth_headers, create_user, unique

pytestmark = pytest.mark.usefixtures("database")

CREATE = """
mutation Create($input: CategoryCreateInput!) {
  categoryCreate(input: $input) { category { id slug } errors { code } }
}
"""
UPDATE = """
mutation Update($id: ID!, $input: CategoryUpdateInput!) {
  categoryUpdate(id: $id, input: $input) { category { id } errors { code } }
}
"""
READ = """
query Read($slug: String!, $parent: String!) {
  category(slug: $slug) { name parent { name } ancestors { name } }
  above: category(slug: $parent) { name children { name } }
}
"""


async def _create(gql: Any, staff: dict[str, str], name: str, parent: str | None = None) -> Any:
    fields: dict[str, Any] = {"name": name} | ({"parentId": parent} if parent else {})
    body = await gql(CREATE, {"input": fields}, **staff)
    assert body["data"]["categoryCreate"]["errors"] == [], body
    return body["data"]["categoryCreate"]["category"]


async def _read(gql: Any, slug: str, parent: str, **headers: str) -> Any:
    body = await gql(READ, {"slug": slug, "parent": parent}, **headers)
    assert "errors" not in body, body
    return body["data"]


async def test_rename_and_move_show_on_the_very_next_read(gql: Any) -> None:
    staff = auth_headers(await create_user(permissions=[Permission.MANAGE_PRODUCTS]))
    top = await _create(gql, staff, f"Top {unique('c')}")
    other = await _create(gql, staff, f"Other {unique('c')}")
    # An empty category: no product's search document changes, only the tree does.
    leaf = await _create(gql, staff, f"Leaf {unique('c')}", top["id"])
    for headers in ({}, staff):  # anonymous (response-cacheable) and staff reads
        seen = await _read(gql, leaf["slug"], top["slug"], **headers)
        assert seen["category"]["ancestors"] == [{"name": seen["above"]["name"]}]
        assert seen["above"]["children"] == [{"name": seen["category"]["name"]}]

    renamed = f"Renamed {unique('c')}"
    body = await gql(UPDATE, {"id": top["id"], "input": {"name": renamed}}, **staff)
    assert body["data"]["categoryUpdate"]["errors"] == []
    for headers in ({}, staff):
        seen = await _read(gql, leaf["slug"], top["slug"], **headers)
        assert seen["category"]["parent"] == {"name": renamed}
        assert seen["category"]["ancestors"] == [{"name": renamed}]
        assert seen["above"]["name"] == renamed

    body = await gql(UPDATE, {"id": leaf["id"], "input": {"parentId": other["id"]}}, **staff)
    assert body["data"]["categoryUpdate"]["errors"] == []
    for headers in ({}, staff):
        moved = await _read(gql, leaf["slug"], other["slug"], **headers)
        assert moved["category"]["ancestors"] == [{"name": moved["above"]["name"]}]
        assert moved["above"]["children"] == [{"name": moved["category"]["name"]}]
        left = await _read(gql, top["slug"], top["slug"], **headers)
        assert left["above"]["children"] == []


async def test_a_new_category_is_found_on_the_next_read(gql: Any) -> None:
    staff = auth_headers(await create_user(permissions=[Permission.MANAGE_PRODUCTS]))
    top = await _create(gql, staff, f"Top {unique('c')}")
    assert (await _read(gql, top["slug"], top["slug"]))["above"]["children"] == []
    child = await _create(gql, staff, f"Child {unique('c')}", top["id"])
    seen = await _read(gql, child["slug"], top["slug"])
    assert seen["above"]["children"] == [{"name": seen["category"]["name"]}]


async def test_warm_reads_send_no_category_query(gql: Any, count_queries: Any) -> None:
    staff = auth_headers(await create_user(permissions=[Permission.MANAGE_PRODUCTS]))
    top = await _create(gql, staff, f"Top {unique('c')}")
    leaf = await _create(gql, staff, f"Leaf {unique('c')}", top["id"])
    await _read(gql, leaf["slug"], top["slug"], **staff)
    # Staff reads are never served from the response cache: this one executes.
    with count_queries() as counter:
        seen = await _read(gql, leaf["slug"], top["slug"], **staff)
    assert seen["category"]["ancestors"] == [{"name": seen["above"]["name"]}]
    category_reads = [s for s in counter.statements if 'FROM "category"' in s]
    assert category_reads == [], category_reads
