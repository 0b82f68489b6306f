"""Argument checks once per operation, not once per field.

A check hooked into every field resolution (a SchemaExtension `resolve`) sends every field,
plain attributes included, through a middleware chain: on a list page, about a thousand
wrapped calls per request. Instead the executor looks at the operation once, before any
resolver runs: which fields take arguments is found once per document (a cached document
is the same object on every request), the checks of arguments written inline are kept with
it, and only the arguments that use variables are read and checked per request. Resolvers
are wrapped only on a request with refused arguments, to answer exactly the refused fields
as the field-by-field check did: typed payload errors on a root mutation whose payload has
`errors`, else a BAD_USER_INPUT error at that field.

The root fields keep one wrapper, built once with the schema, that answers a global ID of
another type (IdTypeMismatch) the resolvers report.
"""

from __future__ import annotations

import weakref
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from inspect import isawaitable
from typing import Any

from graphql import (
    ArgumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    MiddlewareManager,
    ObjectValueNode,
    OperationDefinitionNode,
    SelectionNode,
    ValueNode,
    VariableNode,
    get_named_type,
    is_abstract_type,
)
from graphql.execution.values import VariableValues, get_argument_values
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.nodes import IdTypeMismatch
from schema.validation.answers import answer
from schema.validation.limits import Problem, argument_problems, id_problem

#: Refused fields of one request: (field node, runtime parent type name) -> its problems.
Refusals = dict[tuple[FieldNode, str], list[Problem]]


@dataclass(frozen=True, slots=True)
class Site:
    """A field with arguments, on one object type it can run on."""

    node: FieldNode
    definition: GraphQLField
    parent: str


@dataclass
class Plan:
    """What one operation needs checked: literal arguments already, variable ones per request."""

    static: Refusals = field(default_factory=dict)
    dynamic: list[Site] = field(default_factory=list)


def _uses_variables(value: ValueNode) -> bool:
    if isinstance(value, VariableNode):
        return True
    if isinstance(value, ListValueNode):
        return any(_uses_variables(item) for item in value.values)
    if isinstance(value, ObjectValueNode):
        return any(_uses_variables(item.value) for item in value.fields)
    return False


class _Finder:
    def __init__(self, schema: GraphQLSchema, fragments: Mapping[str, FragmentDefinitionNode]):
        self.schema = schema
        self.fragments = fragments
        self.sites: list[Site] = []
        self.seen: set[tuple[int, str]] = set()

    def selections(self, selections: Sequence[SelectionNode], parent: GraphQLNamedType) -> None:
        key = (id(selections), parent.name)
        if key in self.seen:
            return
        self.seen.add(key)
        kinds: Sequence[GraphQLObjectType] = ()
        if isinstance(parent, GraphQLObjectType):
            kinds = (parent,)
        elif is_abstract_type(parent):
            kinds = self.schema.get_possible_types(parent)
        for node in selections:
            if isinstance(node, FieldNode):
                for kind in kinds:
                    self._field(node, kind)
            elif isinstance(node, InlineFragmentNode):
                self.selections(node.selection_set.selections, self._narrowed(node, parent))
            elif isinstance(node, FragmentSpreadNode) and node.name.value in self.fragments:
                fragment = self.fragments[node.name.value]
                self.selections(fragment.selection_set.selections, self._narrowed(fragment, parent))

    def _narrowed(
        self, node: InlineFragmentNode | FragmentDefinitionNode, parent: GraphQLNamedType
    ) -> GraphQLNamedType:
        condition = node.type_condition
        found = self.schema.get_type(condition.name.value) if condition is not None else None
        return found or parent

    def _field(self, node: FieldNode, kind: GraphQLObjectType) -> None:
        # Introspection's meta fields (`__type(name:)`) are not among the type's fields and
        # touch no stored data: nothing to check.
        definition = kind.fields.get(node.name.value)
        if definition is None:
            return
        if definition.args:
            self.sites.append(Site(node, definition, kind.name))
        if node.selection_set is not None:
            self.selections(node.selection_set.selections, get_named_type(definition.type))


def _problems(site: Site, variables: VariableValues | None) -> list[Problem]:
    try:
        args = get_argument_values(site.definition, site.node, variables)
    except GraphQLError:
        return []  # the field itself fails with this error; its resolver never runs
    if not args:
        return []
    return argument_problems(site.definition, f"{site.parent}.{site.node.name.value}", args)


def plan(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
) -> Plan:
    """The checks of `operation`, found and partly done once per operation node."""
    found = _PLANS.get(id(operation))
    if found is not None and found[0]() is operation and found[1] is schema:
        return found[2]
    finder = _Finder(schema, fragments)
    root = schema.get_root_type(operation.operation)
    if root is not None:
        finder.selections(operation.selection_set.selections, root)
    result = Plan()
    for site in finder.sites:
        arguments: tuple[ArgumentNode, ...] = tuple(site.node.arguments or ())
        if any(_uses_variables(argument.value) for argument in arguments):
            result.dynamic.append(site)
        elif problems := _problems(site, None):
            result.static[(site.node, site.parent)] = problems
    key = id(operation)
    ref = weakref.ref(operation, lambda _: _PLANS.pop(key, None))
    _PLANS[key] = (ref, schema, result)
    return result


# By identity of the operation node (its own hash walks the whole tree); the weak reference
# frees the entry with its document and proves an id was not reused by another node.
_PLANS: dict[int, tuple[weakref.ref[OperationDefinitionNode], GraphQLSchema, Plan]] = {}


def refusals(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: VariableValues,
) -> Refusals:
    """Every refused field of this operation with these variables."""
    checks = plan(schema, operation, fragments)
    if not checks.dynamic:
        return checks.static
    found = dict(checks.static)
    for site in checks.dynamic:
        if problems := _problems(site, variables):
            found[(site.node, site.parent)] = problems
    return found


class _Refusing(MiddlewareManager):
    """Answers the refused fields of one request instead of running their resolvers."""

    def __init__(self, refused: Refusals, inner: MiddlewareManager | None) -> None:
        super().__init__()
        self.refused = refused
        self.inner = inner

    def get_field_resolver(self, field_resolver: Callable[..., Any]) -> Callable[..., Any]:
        resolve = self.inner.get_field_resolver(field_resolver) if self.inner else field_resolver
        refused = self.refused

        def checked(source: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
            problems = refused.get((info.field_nodes[0], info.parent_type.name))
            if problems:
                return answer(info, problems)
            return resolve(source, info, **kwargs)

        return checked


class CheckedExecution(StrawberryGraphQLCoreExecutionContext):
    """strawberry's executor, with the arguments of the whole operation checked up front."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        manager = self.middleware_manager
        # strawberry hands over a manager even when no extension wraps resolvers; an empty
        # one still costs a call per field.
        if manager is not None and not manager.middlewares:
            manager = None
        refused = refusals(
            self.schema, self.operation, self.fragment_definitions, self.variable_values
        )
        self.middleware_manager = _Refusing(refused, manager) if refused else manager


def answer_id_mismatches(schema: GraphQLSchema) -> None:
    """Wrap the root resolvers so that an ID of another type is answered as bad input."""
    for root in (schema.query_type, schema.mutation_type):
        for definition in (root.fields if root is not None else {}).values():
            if definition.resolve is not None:
                definition.resolve = _answering(definition.resolve)


def _answering(resolve: Callable[..., Any]) -> Callable[..., Any]:
    def resolver(source: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
        try:
            result = resolve(source, info, **kwargs)
        except IdTypeMismatch as error:
            return answer(info, [id_problem(error, kwargs)])
        if isawaitable(result):
            return _awaited(result, info, kwargs)
        return result

    return resolver


async def _awaited(
    result: Awaitable[Any], info: GraphQLResolveInfo, kwargs: Mapping[str, Any]
) -> Any:
    try:
        return await result
    except IdTypeMismatch as error:
        return answer(info, [id_problem(error, kwargs)])
