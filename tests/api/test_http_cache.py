"""HTTP caching of anonymous catalog reads: headers, ETag and 304, the response cache, gzip."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest
from graphql import GraphQLNamedType, GraphQLObjectType, get_named_type
from strawberry.relay import GlobalID

from api.http_cache import CATALOG_NODE_TYPES, PUBLIC_ROOT_FIELDS, VARY
from models.accounts import Permission
from models.catalog import Product
from schema import build_schema
from services.catalog import versioning
from tests.factories import auth_headers, create_product, create_user

pytestmark = pytest.mark.usefixtures("app")

PRODUCT = "query Product($id: ID!) { product(id: $id) { id name } }"
PRODUCT_UPDATE = """
mutation Update($id: ID!, $input: ProductUpdateInput!) {
  productUpdate(id: $id, input: $input) { product { name } errors { code } }
}
"""
WITH_USER_DATA = "query Mixed($id: ID!) { me { email } product(id: $id) { name } }"
NODE = "query Node($id: ID!) { node(id: $id) { id ... on Product { name } } }"
LIST = """
query List($first: Int!) {
  products(first: $first, sort: NAME) { edges { node { id name slug description } } }
}
"""
USER_DATA_TYPES = {"User", "Order", "Cart", "ApiKey", "Address", "ChildProfile", "Payment"}


@pytest.fixture(autouse=True)
def still_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers re-read the catalog version row once a second: a stopped clock keeps that
    periodic read out of the statements counted here (writes in this process still publish
    the new version at once)."""
    now = time.monotonic()
    monkeypatch.setattr(versioning, "clock", lambda: now)


def _gid(product: Product) -> str:
    return str(GlobalID("Product", str(product.id)))


async def _get(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], **headers: str
) -> httpx.Response:
    params = {"query": query, "variables": json.dumps(variables)}
    return await client.get("/graphql", params=params, headers=headers)


async def _post(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], **headers: str
) -> httpx.Response:
    body = {"query": query, "variables": variables}
    return await client.post("/graphql", json=body, headers=headers)


def _varies_right(response: httpx.Response) -> bool:
    """Vary names every request header the answer depends on (CORS may add Origin)."""
    named = {name.strip() for name in response.headers["vary"].split(",")}
    return set(VARY.split(", ")) <= named


def _private(response: httpx.Response) -> bool:
    return response.headers.get("cache-control") == "private, no-store"


async def test_an_anonymous_get_is_public_with_an_etag_and_a_matching_one_is_304(
    client: httpx.AsyncClient, count_queries: Any
) -> None:
    product = await create_product()
    variables = {"id": _gid(product)}

    first = await _get(client, PRODUCT, variables)

    assert first.status_code == 200
    assert first.json()["data"]["product"]["name"] == product.name
    assert first.headers["cache-control"] == "public, max-age=10"
    assert _varies_right(first)
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    with count_queries() as counter:
        revalidated = await _get(client, PRODUCT, variables, **{"If-None-Match": etag})
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert revalidated.headers["etag"] == etag
    assert revalidated.headers["cache-control"] == "public, max-age=10"
    assert counter.statements == []  # answered without executing
    # Another request (other variables, operation or media type) has another tag.
    other = await _get(client, PRODUCT, {"id": _gid(await create_product())})
    assert other.headers["etag"] != etag
    as_graphql = await _get(client, PRODUCT, variables, Accept="application/graphql-response+json")
    assert as_graphql.headers["etag"] != etag
    stale = await _get(client, PRODUCT, variables, **{"If-None-Match": 'W/"0000"'})
    assert stale.status_code == 200


async def test_a_repeated_anonymous_post_is_served_from_the_cache_without_sql(
    client: httpx.AsyncClient, count_queries: Any
) -> None:
    product = await create_product()
    variables = {"id": _gid(product)}
    first = await _post(client, PRODUCT, variables)
    assert _private(first)  # POST answers are never for HTTP caches
    assert "etag" not in first.headers

    with count_queries() as counter:
        again = await _post(client, PRODUCT, variables)

    assert counter.statements == []
    assert again.json()["data"] == first.json()["data"]
    assert again.json()["extensions"]["cost"]["requestedQueryCost"] == 1
    # The cache really answers: a change that bypasses the catalog services (no version
    # raised) is not seen by anonymous repeats.
    await Product.filter(id=product.id).update(name="Renamed behind the catalog's back")
    assert (await _post(client, PRODUCT, variables)).json()["data"]["product"]["name"] == (
        product.name
    )


async def test_a_staff_product_update_is_visible_to_the_very_next_anonymous_read(
    client: httpx.AsyncClient,
) -> None:
    product = await create_product()
    variables = {"id": _gid(product)}
    old_get = await _get(client, PRODUCT, variables)
    await _post(client, PRODUCT, variables)
    assert (await _post(client, PRODUCT, variables)).json()["data"]["product"]["name"] == (
        product.name
    )  # cached
    staff = auth_headers(await create_user(permissions=[Permission.MANAGE_PRODUCTS]))

    update = await _post(
        client, PRODUCT_UPDATE, {"id": _gid(product), "input": {"name": "Comet"}}, **staff
    )
    assert update.json()["data"]["productUpdate"] == {"product": {"name": "Comet"}, "errors": []}
    assert _private(update)

    revalidated = await _get(
        client, PRODUCT, variables, **{"If-None-Match": old_get.headers["etag"]}
    )
    assert revalidated.status_code == 200
    assert revalidated.json()["data"]["product"]["name"] == "Comet"
    assert revalidated.headers["etag"] != old_get.headers["etag"]
    posted = await _post(client, PRODUCT, variables)
    assert posted.json()["data"]["product"]["name"] == "Comet"


async def test_a_signed_in_caller_never_gets_nor_fills_the_cache(
    client: httpx.AsyncClient, count_queries: Any
) -> None:
    user_headers = auth_headers(await create_user())
    product = await create_product()
    variables = {"id": _gid(product)}

    # A signed-in read first: private, and it leaves nothing for anonymous callers.
    signed_in = await _get(client, PRODUCT, variables, **user_headers)
    assert _private(signed_in)
    assert "etag" not in signed_in.headers
    assert _varies_right(signed_in)
    with count_queries() as counter:
        await _post(client, PRODUCT, variables)
    assert any("product" in statement for statement in counter.statements)

    # Once anonymous callers have it cached, a signed-in caller still reads the database.
    await Product.filter(id=product.id).update(name="Seen by the signed-in only")
    assert (await _post(client, PRODUCT, variables)).json()["data"]["product"]["name"] == (
        product.name
    )
    for headers in (user_headers, {"X-Api-Key": "sk_unknown"}, {"X-Cart-Token": "t" * 20}):
        again = await _post(client, PRODUCT, variables, **headers)
        assert again.json()["data"]["product"]["name"] == "Seen by the signed-in only"
        assert _private(again)
    with_cookie = await _get(client, PRODUCT, variables, Cookie="session=abc")
    assert _private(with_cookie)
    assert with_cookie.json()["data"]["product"]["name"] == "Seen by the signed-in only"


async def test_an_operation_touching_user_data_is_never_cached(
    client: httpx.AsyncClient, count_queries: Any
) -> None:
    product = await create_product()
    user = await create_user()
    for query, variables in (
        (WITH_USER_DATA, {"id": _gid(product)}),
        (NODE, {"id": str(GlobalID("User", str(user.id)))}),
        ("query Me { ...Viewer } fragment Viewer on Query { me { email } }", {}),
    ):
        first = await _get(client, query, variables)
        assert _private(first), query
        assert "etag" not in first.headers
        assert _private(await _post(client, query, variables)), query
    # The catalog half of a mixed operation is read again every time.
    with count_queries() as counter:
        await _post(client, WITH_USER_DATA, {"id": _gid(product)})
    assert any("product" in statement for statement in counter.statements)
    # A catalog object through node(id:) is public.
    public_node = await _get(client, NODE, {"id": _gid(product)})
    assert public_node.headers["cache-control"] == "public, max-age=10"
    assert public_node.json()["data"]["node"]["name"] == product.name


async def test_mutations_and_answers_with_errors_are_private(client: httpx.AsyncClient) -> None:
    failing = await _get(client, PRODUCT, {"id": "not-an-id"})
    assert failing.json()["errors"]
    assert _private(failing)
    assert "etag" not in failing.headers
    mutation = await _post(client, PRODUCT_UPDATE, {"id": "x", "input": {"name": "y"}})
    assert _private(mutation)
    refused = await client.get("/graphql", params={"query": "mutation { __typename }"})
    assert refused.status_code == 405
    assert _private(refused)


def test_no_user_data_is_reachable_from_the_public_root_fields() -> None:
    """The allow-list is safe only while every type under it is catalog data."""
    schema = build_schema()._schema
    query_type = schema.query_type
    assert query_type is not None
    seen: set[str] = set()
    pending: list[GraphQLNamedType] = [
        get_named_type(query_type.fields[name].type)
        for name in PUBLIC_ROOT_FIELDS
        if name != "__typename"
    ]
    while pending:
        kind = pending.pop()
        if kind.name in seen:
            continue
        seen.add(kind.name)
        if isinstance(kind, GraphQLObjectType):
            pending.extend(get_named_type(field.type) for field in kind.fields.values())
    assert seen.isdisjoint(USER_DATA_TYPES), seen & USER_DATA_TYPES
    nodes = {name for name in seen if _implements_node(schema.get_type(name))}
    assert nodes <= CATALOG_NODE_TYPES
    assert {"Product", "Variant", "Category", "Brand", "Tag"} <= seen


def _implements_node(kind: Any) -> bool:
    interfaces = getattr(kind, "interfaces", ())
    return any(interface.name == "Node" for interface in interfaces)


async def test_a_large_answer_is_gzipped_and_a_small_one_is_not(
    client: httpx.AsyncClient,
) -> None:
    for _ in range(3):
        await create_product()
    large = await client.post(
        "/graphql",
        json={"query": LIST, "variables": {"first": 30}},
        headers={"Accept-Encoding": "gzip"},
    )
    assert large.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in large.headers["vary"]
    assert int(large.headers["content-length"]) < len(large.content)
    assert large.json()["data"]["products"]["edges"]
    raw = await client.post(
        "/graphql",
        json={"query": LIST, "variables": {"first": 30}},
        headers={"Accept-Encoding": "identity"},
    )
    assert "content-encoding" not in raw.headers
    assert len(raw.content) > 1024
    assert raw.content == large.content  # the same body, uncompressed
    small = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Accept-Encoding": "gzip"}
    )
    assert "content-encoding" not in small.headers
    assert small.json()["data"] == {"__typename": "Query"}
