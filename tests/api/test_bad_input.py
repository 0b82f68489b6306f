"""Bad input gets a typed error, never a 500: probes of the validation shared by every field.

The fuzz test walks the schema: every root query and mutation field gets a minimal valid
call, then each argument and input field of a matching type gets each bad value of its type,
as a guest, a customer and a staff user.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
)
from graphql.pyutils import Undefined
from strawberry import relay

from models.accounts import Permission
from models.catalog import Variant
from models.membership import MembershipProgram
from schema import build_schema
from services.errors import InputErrorCode
from services.membership import rules
from tests.factories import auth_headers, create_user, create_variant


def _gid(type_name: str, node_id: object) -> str:
    return str(relay.GlobalID(type_name, str(node_id)))


# --- the probes the issue names, one by one -------------------------------------------------

NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } tags(first: 1) { totalCount } }"
SUGGEST = "query($p: String!) { searchSuggestions(prefix: $p) { text } }"
PRICE = "query($d: Decimal) { products(first: 1, filter: { price: { gte: $d } }) { totalCount } }"
AGE = "query($a: Int) { products(first: 1, filter: { ageMonths: $a }) { totalCount } }"
LOGIN = """mutation($e: String!) { login(input: { email: $e, password: "whatever-123" }) {
  accessToken errors { field code message } } }"""
COUPON = "mutation($c: String!) { checkoutApplyCoupon(code: $c) { errors { field code message } } }"
PRODUCT_CREATE = """mutation($input: ProductCreateInput!) { productCreate(input: $input) {
  product { id name } errors { field code message } } }"""
VARIANT_UPDATE = """mutation($id: ID!, $price: Decimal) {
  variantUpdate(id: $id, input: { price: $price }) {
    variant { price { amount } } errors { field code message } } }"""
CANCEL = """mutation($id: ID!, $reason: String!) { orderCancel(orderId: $id, reason: $reason) {
  errors { field code message } } }"""


async def test_out_of_range_ids_are_no_such_row_and_do_not_fail_their_batch(gql: Any) -> None:
    variant = await create_variant()
    ids = [
        _gid("Variant", 2**31),
        _gid("Variant", 2**63 + 1),
        _gid("Variant", -3),
        _gid("Variant", 0),
        _gid("Variant", "12abc"),
        _gid("Variant", variant.id),
    ]

    body = await gql(NODES, {"ids": ids})

    assert "errors" not in body, body
    assert body["data"]["nodes"] == [None] * 5 + [{"id": ids[-1]}]
    assert isinstance(body["data"]["tags"]["totalCount"], int)


@pytest.mark.parametrize(
    ("value", "reason", "message"),
    [
        ("dino\x00saur", "INVALID_CHARACTERS", "Remove control characters"),
        ("dino\u202esaur", "INVALID_CHARACTERS", "Remove control characters"),
        ("d" * 10_000, "TOO_LONG", "at most 100 characters"),
    ],
)
async def test_bad_strings_in_queries_are_bad_user_input(
    gql: Any, value: str, reason: str, message: str
) -> None:
    body = await gql(SUGGEST, {"p": value})

    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "prefix", "reason": reason}
    assert message in error["message"]
    assert value not in error["message"]


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "1e30", "sNaN"])
async def test_non_finite_or_huge_decimals_are_refused(gql: Any, value: str) -> None:
    body = await gql(PRICE, {"d": value})

    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Decimal" in error["message"]


async def test_small_integer_columns_get_a_range_error(gql: Any) -> None:
    body = await gql(AGE, {"a": 40_000})

    [error] = body["errors"]
    assert error["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "filter.ageMonths",
        "reason": "OUT_OF_RANGE",
    }
    assert "0 to 32767" in error["message"]
    assert (await gql(AGE, {"a": 36}))["data"]["products"]["totalCount"] >= 0


async def test_over_long_column_values_are_payload_errors(gql: Any) -> None:
    login = await gql(LOGIN, {"e": "a" * 290 + "@example.com"})
    coupon = await gql(COUPON, {"c": "C" * 41})

    assert login["data"]["login"] == {
        "accessToken": None,
        "errors": [
            {"field": "email", "code": "TOO_LONG", "message": "Use at most 254 characters."}
        ],
    }
    assert coupon["data"]["checkoutApplyCoupon"]["errors"] == [
        {"field": "code", "code": "TOO_LONG", "message": "Use at most 40 characters."}
    ]


async def test_free_text_has_a_limit(gql: Any, app: Any) -> None:
    staff = auth_headers(await create_user(permissions=list(Permission)))

    body = await gql(CANCEL, {"id": _gid("Order", 1), "reason": "r" * 401}, **staff)

    assert body["data"]["orderCancel"]["errors"] == [
        {"field": "reason", "code": "TOO_LONG", "message": "Use at most 400 characters."}
    ]


async def test_characters_and_wrong_type_ids_are_payload_errors_naming_the_field(
    gql: Any, app: Any
) -> None:
    staff = auth_headers(await create_user(permissions=list(Permission)))

    bidi = await gql(PRODUCT_CREATE, {"input": {"name": "Abc\u202edef"}}, **staff)
    nul = await gql(PRODUCT_CREATE, {"input": {"name": "ok", "batteryType": "A\x00A"}}, **staff)
    wrong = await gql(
        PRODUCT_CREATE, {"input": {"name": "ok", "brandId": _gid("Category", 1)}}, **staff
    )

    assert bidi["data"]["productCreate"]["errors"] == [
        {
            "field": "name",
            "code": "INVALID_CHARACTERS",
            "message": "Remove control characters (such as NUL or right-to-left overrides).",
        }
    ]
    assert nul["data"]["productCreate"]["errors"][0]["field"] == "batteryType"
    assert wrong["data"]["productCreate"] == {
        "product": None,
        "errors": [
            {
                "field": "brandId",
                "code": "INVALID_ID",
                "message": "Expected a Brand ID, got a Category ID.",
            }
        ],
    }


@pytest.mark.parametrize(
    ("price", "field_error"),
    [
        ("12345678901", ("OUT_OF_RANGE", "Use at most 10 digits before the point.")),
        ("1.999", ("TOO_PRECISE", "Use at most 2 decimal places.")),
        ("-0", None),
        ("-0.00", None),
        ("4.500", None),
    ],
)
async def test_decimals_are_bound_by_their_column_and_minus_zero_is_zero(
    gql: Any, app: Any, price: str, field_error: tuple[str, str] | None
) -> None:
    staff = auth_headers(await create_user(permissions=list(Permission)))
    variant = await create_variant()

    body = await gql(VARIANT_UPDATE, {"id": _gid("Variant", variant.id), "price": price}, **staff)

    payload = body["data"]["variantUpdate"]
    stored = await Variant.get(id=variant.id)
    if field_error is None:
        assert payload["errors"] == []
        assert payload["variant"]["price"]["amount"] == str(stored.price)
        assert not str(stored.price).startswith("-")
    else:
        code, message = field_error
        assert payload == {
            "variant": None,
            "errors": [{"field": "price", "code": code, "message": message}],
        }
        assert str(stored.price) == "19.99"


def test_every_payload_error_code_enum_carries_the_input_codes() -> None:
    schema = build_schema()._schema
    assert schema.mutation_type is not None
    for name, field in schema.mutation_type.fields.items():
        payload = get_named_type(field.type)
        assert isinstance(payload, GraphQLObjectType), name
        if "errors" not in payload.fields:
            assert not field.args, f"{name} takes input but has no errors in its payload"
            continue
        error_type = get_named_type(payload.fields["errors"].type)
        assert isinstance(error_type, GraphQLObjectType)
        codes = get_named_type(error_type.fields["code"].type)
        assert isinstance(codes, GraphQLEnumType)
        assert {code.value for code in InputErrorCode} <= set(codes.values), codes.name


# --- the fuzz walk --------------------------------------------------------------------------

BAD: dict[str, list[Any]] = {
    "String": ["a\x00b", "a\u202eb\u2066", "s" * 10_000],
    "ID": [_gid("Product", 2**63), _gid("Variant", -1), _gid("Order", "x9")],
    "Int": [2**31 - 1, -(2**31), 40_000],
    "Decimal": ["NaN", "-Infinity", "1e30", "99999999999"],
    "JSON": [{"k": "a\x00b"}, {"k\u202e": 1}],
    "DateTime": ["0001-01-01T00:00:00", "9999-12-31T23:59:59+00:00"],
    "Date": ["0001-01-01", "9999-12-31"],
}
EMAIL = "e" * 300 + "@example.com"


def _base(type_: GraphQLInputType, ids: dict[str, str]) -> Any:
    """A harmless valid value of `type_` (for the arguments not being probed)."""
    if isinstance(type_, GraphQLNonNull):
        return _base(type_.of_type, ids)
    if isinstance(type_, GraphQLList):
        return [_base(type_.of_type, ids)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: _base(field.type, ids)
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    assert isinstance(type_, GraphQLScalarType)
    return {
        "String": "x",
        "ID": ids["Variant"],
        "Int": 1,
        "Decimal": "1",
        "Boolean": False,
        "DateTime": "2030-01-01T00:00:00+00:00",
        "Date": "2030-01-01",
        "JSON": {},
    }[type_.name]


def _probes(type_: GraphQLInputType, value: Any, ids: dict[str, str], name: str) -> Iterator[Any]:
    """`value` with one leaf at a time replaced by each bad value of the leaf's type."""
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLList):
        for bad in _probes(inner.of_type, _base(inner.of_type, ids), ids, name):
            yield [bad]
    elif isinstance(inner, GraphQLInputObjectType):
        current = value if isinstance(value, dict) else _base(inner, ids)
        for field_name, field in inner.fields.items():
            start = current.get(field_name, _base(field.type, ids))
            for bad in _probes(field.type, start, ids, field_name):
                yield {**current, field_name: bad}
    elif isinstance(inner, GraphQLScalarType):
        yield from BAD.get(inner.name, [])
        if inner.name == "String" and "email" in name.lower():
            yield EMAIL


def _selection(field: GraphQLField) -> str:
    named = get_named_type(field.type)
    if isinstance(named, GraphQLObjectType):
        return " { __typename" + (" errors { code }" if "errors" in named.fields else "") + " }"
    if isinstance(named, GraphQLScalarType | GraphQLEnumType):
        return ""
    return " { __typename }"


def _operations(schema: GraphQLSchema, ids: dict[str, str]) -> Iterator[tuple[str, str, dict]]:
    for root in (schema.query_type, schema.mutation_type):
        assert root is not None
        kind = "query" if root is schema.query_type else "mutation"
        for name, field in root.fields.items():
            if not field.args:
                continue
            declared = ", ".join(f"${arg}: {a.type}" for arg, a in field.args.items())
            passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
            text = f"{kind}({declared}) {{ {name}({passed}){_selection(field)} }}"
            base = {
                arg: _base(a.type, ids)
                for arg, a in field.args.items()
                if isinstance(a.type, GraphQLNonNull)
            }
            for arg, argument in field.args.items():
                for bad in _probes(argument.type, base.get(arg), ids, arg):
                    yield name, text, {**base, arg: bad}


async def test_fuzz_every_root_field_with_bad_values(client: Any, app: Any) -> None:
    """No bad value, as any caller, reaches the database unchecked or becomes a 500."""
    variant = await create_variant()
    ids = {"Variant": _gid("Variant", variant.id)}
    customer = await create_user()
    staff = await create_user(permissions=list(Permission))
    callers = {"guest": {}, "customer": auth_headers(customer), "staff": auth_headers(staff)}
    operations = list(_operations(build_schema()._schema, ids))
    assert len({name for name, _, _ in operations}) > 50

    # Some odd values are valid (staff may set the points minimum to 40,000): the program's
    # terms are put back afterwards, so later tests see the defaults.
    await rules.program()  # made with its defaults if no test made it yet
    terms = await MembershipProgram.filter(id=1).values()
    failures: list[str] = []
    try:
        for caller, headers in callers.items():
            for name, text, variables in operations:
                response = await client.post(
                    "/graphql", json={"query": text, "variables": variables}, headers=headers
                )
                body = response.text
                if response.status_code >= 500 or "INTERNAL_SERVER_ERROR" in body:
                    sent = json.dumps(variables)[:200]
                    failures.append(f"{caller} {name} {sent}: {response.status_code} {body[:300]}")
                if "s" * 10_000 in body or EMAIL in body:
                    failures.append(f"{caller} {name}: the error echoes the long input")
    finally:
        await MembershipProgram.filter(id=1).update(
            **{k: v for k, v in terms[0].items() if k not in ("id", "updated_at")}
        )
    assert failures == [], "\n".join(failures[:20]) + f"\n({len(failures)} failures)"
