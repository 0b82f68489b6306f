"""Answers to refused arguments: typed payload errors, or a BAD_USER_INPUT error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, fields
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLType,
)
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.utils.str_converters import to_camel_case

from schema.validation.limits import Problem


def _empty(type_: GraphQLType) -> Any:
    """The value a payload field takes when the operation did nothing."""
    if not isinstance(type_, GraphQLNonNull):
        return None
    inner = type_.of_type
    if isinstance(inner, GraphQLList):
        return []
    name = getattr(inner, "name", "")
    return {"Int": 0, "Boolean": False, "String": "", "Float": 0.0}.get(name)


def error_payload(return_type: GraphQLType, problems: list[Problem]) -> Any | None:
    """An instance of the payload type carrying `problems`, or None when it has no `errors`."""
    payload_type = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    if not isinstance(payload_type, GraphQLObjectType) or "errors" not in payload_type.fields:
        return None
    payload = payload_type.extensions.get("strawberry-definition")
    error_type: Any = payload_type.fields["errors"].type
    while isinstance(error_type, GraphQLNonNull | GraphQLList):
        error_type = error_type.of_type
    error_def = error_type.extensions.get("strawberry-definition")
    code_type: Any = error_type.fields["code"].type
    code_type = code_type.of_type if isinstance(code_type, GraphQLNonNull) else code_type
    code_def = code_type.extensions.get("strawberry-definition")
    if not (
        isinstance(payload, StrawberryObjectDefinition)
        and isinstance(error_def, StrawberryObjectDefinition)
        and isinstance(code_def, StrawberryEnumDefinition)
    ):
        return None
    codes: Callable[[str], Any] = code_def.wrapped_cls
    errors = [
        error_def.origin(field=p.field or None, message=p.message, code=codes(p.code.value))
        for p in problems
    ]
    names = {field.python_name: field.graphql_name for field in payload.fields}
    values: dict[str, Any] = {}
    for item in fields(payload.origin):
        if item.name == "errors" or not item.init or item.default is not MISSING:
            continue
        if item.default_factory is not MISSING:
            continue
        output = payload_type.fields.get(names.get(item.name) or to_camel_case(item.name))
        values[item.name] = _empty(output.type) if output is not None else None
    return payload.origin(**values, errors=errors)


def bad_input(problems: list[Problem]) -> GraphQLError:
    first = problems[0]
    return GraphQLError(
        f"{first.field or 'Input'}: {first.message}" if first.field else first.message,
        extensions={"code": "BAD_USER_INPUT", "field": first.field, "reason": first.code.value},
    )


def answer(info: GraphQLResolveInfo, problems: list[Problem]) -> Any:
    """The refused field's answer: its payload carrying `problems`, else raise bad input."""
    is_root = info.parent_type is info.schema.mutation_type
    payload = error_payload(info.return_type, problems) if is_root else None
    if payload is None:
        raise bad_input(problems)
    return payload


__all__ = ["answer", "bad_input", "error_payload"]
