"""Arguments are checked once per operation, before any resolver runs, on cached documents too.

The checks run in the executor (schema/validation/execution.py), not in a hook around every
field: these tests pin that the refusals stay where the field-by-field check put them.
"""

from __future__ import annotations

import uuid
from typing import Any

from strawberry import relay

from schema import build_schema
from tests.factories import create_category, create_product

INLINE = '{ searchSuggestions(prefix: "%s") { text } }'
BY_VARIABLE = "query($p: String!) { searchSuggestions(prefix: $p) { text } }"
COUPON = "mutation($c: String!) { checkoutApplyCoupon(code: $c) { errors { field code message } } }"
# A refused nested field inside a fragment on an interface; its siblings still answer.
NESTED = """query($ids: [ID!]!, $after: String) { tags(first: 1) { totalCount }
  nodes(ids: $ids) { id ... on Category { products(first: 1, after: $after) { totalCount } } } }"""

TOO_LONG_PREFIX = {"code": "BAD_USER_INPUT", "field": "prefix", "reason": "TOO_LONG"}


def unique(query: str) -> str:
    """The same operation as a document no other test sent (a comment changes only the text)."""
    return f"{query}\n# {uuid.uuid4()}"


async def test_an_inline_too_long_string_is_refused_also_when_the_document_is_cached(
    gql: Any,
) -> None:
    query = unique(INLINE % ("p" * 101))

    answers = [await gql(query), await gql(query)]

    for body in answers:
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"] == TOO_LONG_PREFIX
        assert error["path"] == ["searchSuggestions"]


async def test_a_too_long_variable_is_refused_on_a_document_already_cached_as_valid(
    gql: Any,
) -> None:
    query = unique(BY_VARIABLE)
    # given the document was validated, cached and ran with a fine value
    fine = await gql(query, {"p": "lego"})
    assert "errors" not in fine, fine

    # when the same document comes with a value over the limit, then with a fine one again
    refused = await gql(query, {"p": "p" * 101})
    again = await gql(query, {"p": "lego"})

    # then only the over-long value is refused: the check is per request, not per document
    [error] = refused["errors"]
    assert error["extensions"] == TOO_LONG_PREFIX
    assert "errors" not in again, again


async def test_a_mutation_payload_carries_the_refusal_on_every_run_of_a_cached_document(
    gql: Any,
) -> None:
    query = unique(COUPON)

    answers = [await gql(query, {"c": "C" * 41}), await gql(query, {"c": "D" * 41})]

    for body in answers:
        assert body["data"]["checkoutApplyCoupon"]["errors"] == [
            {"field": "code", "code": "TOO_LONG", "message": "Use at most 40 characters."}
        ]


async def test_a_refused_nested_field_in_a_fragment_fails_alone(gql: Any) -> None:
    category = await create_category()
    await create_product(category=category)
    ids = [str(relay.GlobalID("Category", str(category.id)))]
    query = unique(NESTED)

    fine = await gql(query, {"ids": ids, "after": None})
    refused = await gql(query, {"ids": ids, "after": "a" * 201})

    assert fine["data"]["nodes"] == [{"id": ids[0], "products": {"totalCount": 1}}]
    [error] = refused["errors"]
    assert error["path"] == ["nodes", 0, "products"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "after", "reason": "TOO_LONG"}
    # the connection is non-null, so its node is nulled; the sibling root field still answers
    assert refused["data"]["nodes"] == [None]
    assert isinstance(refused["data"]["tags"]["totalCount"], int)


def test_no_schema_extension_wraps_every_field_resolution() -> None:
    # A `resolve` hook would send every field, plain attributes too, through a wrapper.
    schema = build_schema()

    wrapping = [type(ext).__name__ for ext in schema.get_extensions() if ext._implements_resolve()]

    assert wrapping == []
