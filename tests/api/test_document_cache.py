"""Documents are validated once and kept; the limits still hold on every cache hit."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from graphql import parse

from schema import documents
from schema.documents import CheckedDocument, DocumentCache
from tests.conftest import GraphQLClient

# Nested connections: 2 + n * (1 + 2 + n * 2); n = 2 costs 16, n = 100 costs 20,302.
NESTED = """query Nested($n: Int) { categories(first: $n) { edges { node {
    products(first: $n) { edges { node { brand { name } } } } } } } }"""


def unique(query: str) -> str:
    """The same operation as a new document (a comment changes the text, not the meaning)."""
    return f"{query}\n# {uuid.uuid4()}"


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every full validation the server runs, by the first line of the document."""
    runs: list[str] = []
    real: Callable[..., Any] = documents.validate_document

    def counting(schema: Any, document: Any, rules: Any) -> Any:
        runs.append(document.loc.source.body)
        return real(schema, document, rules)

    monkeypatch.setattr(documents, "validate_document", counting)
    return runs


async def test_a_document_is_validated_once_and_a_changed_one_again(
    gql: GraphQLClient, validations: list[str]
) -> None:
    # given a document the server has seen once
    query = unique("{ products(first: 1) { edges { node { name } } } }")
    first = await gql(query)
    assert "errors" not in first
    # when it comes again, and then a changed version that asks for a field that does not exist
    second = await gql(query)
    changed = await gql(query.replace("name", "nameX"))
    # then the repeat is answered without validating it again; the change is validated and refused
    assert second["data"] == first["data"]
    assert validations == [query, query.replace("name", "nameX")]
    assert changed["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_an_invalid_document_is_never_cached_as_valid(
    gql: GraphQLClient, validations: list[str]
) -> None:
    query = unique("{ products(first: 1) { edges { node { noSuchField } } } }")
    answers = [await gql(query), await gql(query)]
    for answer in answers:
        assert answer["data"] is None
        assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert validations == [query, query]


async def test_cost_is_computed_per_request_on_a_cache_hit(gql: GraphQLClient) -> None:
    query = unique(NESTED)
    cheap = await gql(query, {"n": 2})
    assert "errors" not in cheap
    assert cheap["extensions"]["cost"]["requestedQueryCost"] == 16
    dear = await gql(query, {"n": 100})
    assert dear["data"] is None
    assert dear["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert dear["errors"][0]["extensions"]["cost"] == 20_302
    again = await gql(query, {"n": 2})
    assert again["extensions"]["cost"]["requestedQueryCost"] == 16


async def test_static_limits_refuse_on_every_request(
    gql: GraphQLClient, validations: list[str]
) -> None:
    deep = unique(
        "{ categories { edges { node " + "{ children " * 12 + "{ name }" + " }" * 12 + " } } }"
    )
    aliases = unique("{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }")
    for query in (deep, aliases, deep, aliases):
        answer = await gql(query)
        assert answer["data"] is None
        assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert validations == [deep, aliases, deep, aliases]


async def test_the_operation_name_rule_holds_on_a_cache_hit(gql: GraphQLClient) -> None:
    query = unique("query A { __typename } query B { __typename }")
    named = await gql.http.post("/graphql", json={"query": query, "operationName": "B"})
    assert named.json()["data"] == {"__typename": "Query"}
    unnamed = await gql.http.post("/graphql", json={"query": query})
    assert unnamed.status_code == 400
    assert "operationName" in unnamed.json()["errors"][0]["message"]


def test_the_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    cache = DocumentCache(maxsize=3)
    entry = CheckedDocument(parse("{ __typename }"), 1)
    for key in ("a", "b", "c"):
        cache.put(key, entry)
    assert cache.get("a") is entry  # now the most recently used
    cache.put("d", entry)
    assert len(cache) == 3
    assert "b" not in cache
    assert all(key in cache for key in ("a", "c", "d"))
