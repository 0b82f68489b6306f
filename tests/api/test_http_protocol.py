"""GraphQL over HTTP: bodies that are not a GraphQL request, media types, methods, limits."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings

TAGS = "{ tags(first: 1) { totalCount } }"
GRAPHQL_RESPONSE = "application/graphql-response+json"
DEEP = b"[" * 100 + b"]" * 100
BY_VARIABLE = "query($n: Int) { tags(first: $n) { totalCount } }"
LOGOUT = 'mutation { logout(refreshToken: "x") { ok } }'


def assert_request_error(response: httpx.Response, status: int = 400) -> str:
    """The GraphQL-over-HTTP error shape: JSON, one error, a code; returns the message."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"}, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    message: str = error["message"]
    return message


async def post_raw(client: httpx.AsyncClient, body: bytes, **headers: str) -> httpx.Response:
    return await client.post(
        "/graphql", content=body, headers={"content-type": "application/json", **headers}
    )


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b'"x"', "got a string"),
        (b"null", "got null"),
        (b"5", "got a number"),
        (b"true", "got a boolean"),
        (b'[{"query": "{ __typename }"}]', "got an array"),
        (b'{"query": "\xff\xfe"}', "not valid UTF-8"),
        (b"[" * 5000 + b"]" * 5000, "deeper than 64"),
        (
            b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 100 + b"]" * 100 + b"}}",
            "deeper than 64",
        ),
        (b'{"query": ', "not valid JSON"),
        (b'{"query": "{ __typename }", "variables": {"x": NaN}}', "not valid JSON"),
        (b"{}", "No GraphQL query"),
        (b'{"query": 5}', "`query` must be a string"),
        (b'{"query": {"a": 1}}', "`query` must be a string"),
        (b'{"query": "{ __typename }", "variables": [1]}', "`variables` must be an object"),
        (b'{"query": "{ __typename }", "variables": "x"}', "`variables` must be an object"),
        (b'{"query": "{ __typename }", "extensions": 3}', "`extensions` must be an object"),
        (b'{"query": "{ __typename }", "operationName": 7}', "`operationName` must be a string"),
    ],
)
async def test_a_body_that_is_not_a_graphql_request_is_a_400_json_error(
    client: httpx.AsyncClient, body: bytes, says: str
) -> None:
    message = assert_request_error(await post_raw(client, body))
    assert says in message


async def test_a_post_without_json_content_type_is_a_400_json_error(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", content=b"{ __typename }")
    assert "Unsupported content type" in assert_request_error(response)


async def test_several_operations_without_operation_name_are_a_request_error(
    client: httpx.AsyncClient,
) -> None:
    document = 'query A { tags(first: 1) { totalCount } } query B { node(id: "x") { id } }'
    response = await client.post("/graphql", json={"query": document})
    assert "operationName" in assert_request_error(response)
    chosen = await client.post("/graphql", json={"query": document, "operationName": "A"})
    assert chosen.status_code == 200
    assert "errors" not in chosen.json()
    assert set(chosen.json()["data"]) == {"tags"}


async def test_a_single_anonymous_operation_needs_no_operation_name(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": TAGS})
    assert response.status_code == 200
    assert "errors" not in response.json()


async def test_a_mutation_over_get_is_405_with_allow_post(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": LOGOUT})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_bad_variables_in_a_get_are_a_400_json_error(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": TAGS, "variables": "[1]"})
    assert "got an array" in assert_request_error(response)


async def test_get_without_query_for_a_non_browser_is_a_400_json_error(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/graphql", headers={"accept": "application/json"})
    assert "No GraphQL query" in assert_request_error(response)


# --- media types -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/json"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
        (f"application/json, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
    ],
)
async def test_response_media_type_follows_accept(
    client: httpx.AsyncClient, accept: str | None, media_type: str
) -> None:
    headers = {"accept": accept} if accept else {}
    response = await client.post("/graphql", json={"query": TAGS}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "errors" not in response.json()


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ tags(first: 1) { totalCount }", None, "GRAPHQL_PARSE_FAILED"),
        ("{ tags(first: 1) { colour } }", None, "GRAPHQL_VALIDATION_FAILED"),
        (BY_VARIABLE, {"n": "many"}, "BAD_USER_INPUT"),
    ],
)
async def test_request_errors_are_400_without_data_under_graphql_response_json(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None, code: str
) -> None:
    payload = {"query": query, "variables": variables}
    response = await client.post("/graphql", json=payload, headers={"accept": GRAPHQL_RESPONSE})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == code

    legacy = await client.post("/graphql", json=payload, headers={"accept": "application/json"})
    assert legacy.status_code == 200
    assert legacy.json()["data"] is None
    assert legacy.json()["errors"][0]["extensions"]["code"] == code


async def test_field_errors_stay_200_under_graphql_response_json(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ products(first: 1000) { totalCount } }"},
        headers={"accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["errors"][0]["path"] == ["products"]
    assert "data" in body


async def test_refusals_use_the_negotiated_media_type(client: httpx.AsyncClient) -> None:
    response = await post_raw(client, b"5", accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in response.json()


# --- error messages ----------------------------------------------------------------------


async def test_error_messages_never_echo_a_huge_input(client: httpx.AsyncClient) -> None:
    huge = "x" * 10_000
    as_variable = await client.post(
        "/graphql",
        json={
            "query": "query($n: Int) { tags(first: $n) { totalCount } }",
            "variables": {"n": huge},
        },
    )
    as_literal = await client.post(
        "/graphql", json={"query": '{ tags(first: "' + huge + '") { totalCount } }'}
    )
    for response in (as_variable, as_literal):
        message = response.json()["errors"][0]["message"]
        assert len(message) <= 500, message
        assert "x" * 41 not in message
        assert "characters]" in message


# --- body size ---------------------------------------------------------------------------


@pytest.fixture
async def small_body_client(database: Settings) -> Any:
    app = create_app(replace(database, max_body_bytes=2_000), manage_database=False)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        yield http


async def test_a_body_over_the_limit_is_413_by_its_content_length(
    small_body_client: httpx.AsyncClient,
) -> None:
    padding = " " * 3_000
    response = await small_body_client.post(
        "/graphql",
        content=json.dumps({"query": TAGS + padding}).encode(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "maxBytes": 2_000}


async def test_a_streamed_body_over_the_limit_is_413_without_reading_it_all(
    small_body_client: httpx.AsyncClient,
) -> None:
    sent = 0

    async def chunks() -> Any:
        nonlocal sent
        for _ in range(1_000):
            sent += 1
            yield b" " * 1_000

    response = await small_body_client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    # The app stopped at the third kilobyte; the transport may buffer a little more.
    assert sent < 1_000


async def test_a_body_under_the_limit_is_served(small_body_client: httpx.AsyncClient) -> None:
    response = await small_body_client.post("/graphql", json={"query": TAGS})
    assert response.status_code == 200
    assert "errors" not in response.json()


async def test_introspection_meta_fields_take_variables(client: httpx.AsyncClient) -> None:
    # The GraphQL-over-HTTP audit's variables check asks `__type(name: $name)`.
    response = await client.post(
        "/graphql",
        json={
            "query": "query Type($name: String!) { __type(name: $name) { name } }",
            "variables": {"name": "Product"},
        },
    )
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body
    assert body["data"] == {"__type": {"name": "Product"}}
