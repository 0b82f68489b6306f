"""What one argument value may be, and the problems of a field's arguments.

Strings: no NUL bytes or bidirectional controls, and no longer than their column (or a
generic cap). Ints bound to small columns and Decimals bound to money columns stay inside
what the column holds. A failure becomes typed payload `errors` when the mutation's payload
has them, and a BAD_USER_INPUT GraphQLError otherwise (answers.py). Limits come from the
tortoise model behind an input type where the mapping is plain, else from the tables below.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    GraphQLType,
)
from strawberry import relay
from strawberry.utils.str_converters import to_snake_case
from tortoise import fields as orm
from tortoise.models import Model

from models.accounts import Address, ApiKey, ChildProfile, User
from models.analytics import BehaviourEvent
from models.catalog import Category, Product, Variant
from models.orders import Coupon
from schema.nodes import IdTypeMismatch
from services.accounts.guests import MAX_ANONYMOUS_ID_LENGTH
from services.errors import InputErrorCode

DEFAULT_MAX_LENGTH = 10_000
MAX_ID_LENGTH = 200
MONEY_DIGITS, MONEY_PLACES = 12, 2
# C0 controls other than tab/newline/carriage return never belong in text; bidi overrides
# and isolates make text display differently from what it is ("Trojan Source").
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Limits:
    """What one argument or input field accepts (strings, ints and decimals alike)."""

    max_length: int = DEFAULT_MAX_LENGTH
    plain_text: bool = True
    min_int: int | None = None
    max_int: int | None = None
    max_digits: int = MONEY_DIGITS
    decimal_places: int = MONEY_PLACES


_SECRET = Limits(max_length=1024, plain_text=False)

# Input types whose fields are columns of one model (same names, camelCase).
MODEL_INPUTS: dict[str, type[Model]] = {
    "RegisterInput": User,
    "LoginInput": User,
    "UpdateProfileInput": User,
    "AddressInput": Address,
    "AddressUpdateInput": Address,
    "ShippingAddressInput": Address,
    "ChildProfileInput": ChildProfile,
    "ChildProfileUpdateInput": ChildProfile,
    "ApiKeyCreateInput": ApiKey,
    "ProductCreateInput": Product,
    "ProductUpdateInput": Product,
    "VariantCreateInput": Variant,
    "VariantUpdateInput": Variant,
    "CategoryCreateInput": Category,
    "CategoryUpdateInput": Category,
    "CouponCreateInput": Coupon,
    "TrackEventInput": BehaviourEvent,
}

# By `Owner.name` (an input type's field, or `Parent.field.argument`), then by bare name.
EXACT: dict[str, Limits] = {
    "Mutation.checkoutSetPaymentMethod.method": Limits(max_length=40),
    "Mutation.checkoutSetDelivery.window": Limits(max_length=20),
    # Stored inside an order event's 500-character message, after a short prefix.
    "Mutation.orderCancel.reason": Limits(max_length=400),
    "Mutation.orderMarkShipped.note": Limits(max_length=400),
    "Mutation.orderRefund.reason": Limits(max_length=300),
    # Community: a topic is a post tag, a blocked word a community_blocked_word row, a queue
    # reason one of the codes stored between commas.
    "Query.communityPosts.topic": Limits(max_length=40),
    "Query.moderationQueue.reason": Limits(max_length=32),
    "Mutation.addBlockedWord.word": Limits(max_length=64),
    "Mutation.removeBlockedWord.word": Limits(max_length=64),
    "PostInput.title": Limits(max_length=200),
    "VariantOptionInput.name": Limits(max_length=100),
    "VariantOptionInput.value": Limits(max_length=200),
    # A point may be worth fractions of a cent; a share is 0-1 with 3 decimals.
    "PointValueInput.value": Limits(max_digits=8, decimal_places=4),
    "MembershipProgramInput.maxShare": Limits(max_digits=4, decimal_places=3),
}
NAMED: dict[str, Limits] = {
    "email": Limits(max_length=254),
    "token": Limits(max_length=64),
    "cartToken": Limits(max_length=64),
    "anonymousId": Limits(max_length=MAX_ANONYMOUS_ID_LENGTH),
    "code": Limits(max_length=40),
    "idempotencyKey": Limits(max_length=100),
    "paymentToken": Limits(max_length=200),
    "refreshToken": Limits(max_length=200),
    "password": _SECRET,
    "currentPassword": _SECRET,
    "newPassword": _SECRET,
    "search": Limits(max_length=200),
    "prefix": Limits(max_length=100),
    "after": Limits(max_length=200),
    "slug": Limits(max_length=200),
    "number": Limits(max_length=32),
    "categorySlugs": Limits(max_length=120),
    "tags": Limits(max_length=120),
    "brands": Limits(max_length=120),
    "ageMonths": Limits(min_int=0, max_int=32767),
    # A carrier code (models.logistics.Carrier.code) wherever a carrier is named.
    "carrier": Limits(max_length=32),
}


def _from_model(model: type[Model], name: str) -> Limits | None:
    column = model._meta.fields_map.get(to_snake_case(name))
    if column is None:
        return None
    if isinstance(column, orm.DecimalField):
        return Limits(max_digits=column.max_digits, decimal_places=column.decimal_places)
    bounds = column.constraints
    if "max_length" in bounds:
        return Limits(max_length=int(bounds["max_length"]))
    if isinstance(column, orm.SmallIntField):
        return Limits(min_int=int(bounds["ge"]), max_int=int(bounds["le"]))
    return None


_LIMITS: dict[tuple[str, str], Limits] = {}


def limits_for(owner: str, name: str) -> Limits:
    """The limits of argument or input field `name` of `owner` (cached)."""
    key = (owner, name)
    found = _LIMITS.get(key)
    if found is None:
        model = MODEL_INPUTS.get(owner)
        found = (
            EXACT.get(f"{owner}.{name}")
            or (_from_model(model, name) if model is not None else None)
            or NAMED.get(name)
            or Limits()
        )
        _LIMITS[key] = found
    return found


@dataclass(frozen=True)
class Problem:
    field: str
    code: InputErrorCode
    message: str


def check_text(value: str, limits: Limits) -> tuple[InputErrorCode, str] | None:
    if len(value) > limits.max_length:
        return InputErrorCode.TOO_LONG, f"Use at most {limits.max_length} characters."
    if limits.plain_text and _FORBIDDEN.search(value):
        return (
            InputErrorCode.INVALID_CHARACTERS,
            "Remove control characters (such as NUL or right-to-left overrides).",
        )
    return None


def check_decimal(value: Decimal, limits: Limits) -> tuple[InputErrorCode, str] | None:
    whole = limits.max_digits - limits.decimal_places
    if value.is_finite() and not value.is_zero() and value.adjusted() >= whole:
        return InputErrorCode.OUT_OF_RANGE, f"Use at most {whole} digits before the point."
    if value != value.quantize(Decimal(1).scaleb(-limits.decimal_places)):
        return (
            InputErrorCode.TOO_PRECISE,
            f"Use at most {limits.decimal_places} decimal places.",
        )
    return None


def check_int(value: int, limits: Limits) -> tuple[InputErrorCode, str] | None:
    low, high = limits.min_int, limits.max_int
    if (low is not None and value < low) or (high is not None and value > high):
        return InputErrorCode.OUT_OF_RANGE, f"Give a whole number from {low} to {high}."
    return None


def _walk(
    value: Any, type_: GraphQLType, limits: Limits, path: str, problems: list[Problem]
) -> None:
    if value is None:
        return
    if isinstance(type_, GraphQLNonNull):
        _walk(value, type_.of_type, limits, path, problems)
    elif isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            _walk(item, type_.of_type, limits, f"{path}.{index}", problems)
    elif isinstance(type_, GraphQLInputObjectType) and isinstance(value, Mapping):
        for name, field in type_.fields.items():
            if name in value:
                child = f"{path}.{name}" if path else name
                _walk(value[name], field.type, limits_for(type_.name, name), child, problems)
    elif isinstance(type_, GraphQLScalarType):
        verdict = _check_leaf(value, type_.name, limits)
        if verdict is not None:
            problems.append(Problem(path, *verdict))


def _check_leaf(value: Any, scalar: str, limits: Limits) -> tuple[InputErrorCode, str] | None:
    if isinstance(value, str):
        if scalar == "ID" and limits.max_length > MAX_ID_LENGTH:
            limits = replace(limits, max_length=MAX_ID_LENGTH)
        return check_text(value, limits)
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and scalar == "Int":
        return check_int(value, limits)
    if isinstance(value, Decimal):
        return check_decimal(value, limits)
    if scalar == "JSON":
        return _check_json(value, limits)
    return None


def _check_json(value: Any, limits: Limits) -> tuple[InputErrorCode, str] | None:
    if isinstance(value, str):
        return check_text(value, limits)
    if not isinstance(value, dict | list):
        return None
    children = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in children:
        verdict = (check_text(key, limits) if isinstance(key, str) else None) or _check_json(
            item, limits
        )
        if verdict is not None:
            return verdict
    return None


def argument_problems(field: GraphQLField, owner: str, kwargs: Mapping[str, Any]) -> list[Problem]:
    """Every problem of the arguments given to `field`; `input.` is left out of paths."""
    problems: list[Problem] = []
    for name, argument in field.args.items():
        if name in kwargs:
            path = "" if name == "input" else name
            _walk(kwargs[name], argument.type, limits_for(owner, name), path, problems)
    return problems


def _find_id(value: Any, wanted: relay.GlobalID, path: str) -> str | None:
    if isinstance(value, str):
        try:
            return path if relay.GlobalID.from_id(value) == wanted else None
        except ValueError:
            return None
    if isinstance(value, relay.GlobalID):
        return path if value == wanted else None
    items: Any = value.items() if isinstance(value, Mapping) else None
    if isinstance(value, list):
        items = enumerate(value)
    for key, item in items or ():
        child = f"{path}.{key}" if path else str(key)
        found = _find_id(item, wanted, child)
        if found is not None:
            return found
    return None


def id_problem(error: IdTypeMismatch, kwargs: Mapping[str, Any]) -> Problem:
    """The wrong-type ID as a problem, its field found among the arguments."""
    arguments = {("" if name == "input" else name): value for name, value in kwargs.items()}
    path = _find_id(arguments, error.gid, "")
    return Problem(path.lstrip(".") if path else "id", InputErrorCode.INVALID_ID, str(error))
