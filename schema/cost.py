"""Static cost of an operation, computed on the validated document before anything runs.

The formula follows Shopify's calculated query cost and GitHub's node count:

- a field returning a scalar or an enum costs 0;
- a field returning an object, an interface or a union costs 1, plus what is selected under it;
- a connection (a `...Connection` field with a `first` argument) costs 2, plus `n` times the
  cost of what is selected under its `edges`, where `n` is `first` (the field's default when
  absent, at most 100): the first page of a nested connection is counted for every parent;
  `pageInfo` and `totalCount` are in the 2;
- a list that is not a connection counts once: its length is bounded by the data (the
  variants of a product, the lines of an order), not by the client;
- every root mutation field costs 10 on top of the selection it returns;
- a few fields cost more (`FIELD_COSTS`): `nodes(ids)` and `compareProducts(ids)` cost
  their default once per ID, `searchSuggestions` once per `first`; a full-text `search` on
  `products` and every `feed` page add 10 (ranking and recommending are the dear parts).

Fragments and inline fragments count as if written out; on an interface or a union the most
expensive possible type counts. Variables and default argument values are resolved first, so
`first: $n` costs what `$n` asks for. `@skip` and `@include` are ignored (counted).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLAbstractType,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    get_named_type,
    is_composite_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType as Operation

from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from services.ratelimit import Decision, RateLimiter, retry_after_header

logger = logging.getLogger("shopgraph.cost")

#: Above every real page of this API (the dearest, 100 orders with every relation, costs
#: about 2,100), far below the 300,000-node alias attack (30 aliases of a nested first: 100).
DEFAULT_MAX_COST = 5_000
CONNECTION_BASE = 2
MUTATION_BASE = 10

Arguments = Mapping[str, Any]


def _count(argument: str) -> Callable[[Arguments], int]:
    def multiplier(args: Arguments) -> int:
        value = args.get(argument)
        return len(value) if isinstance(value, list) else 0

    return multiplier


def _first(args: Arguments) -> int:
    return _page_size(args.get("first"))


def _when(argument: str, extra: int) -> Callable[[Arguments], int]:
    return lambda args: extra if args.get(argument) else 0


@dataclass(frozen=True)
class FieldCost:
    """How one field departs from the default formula."""

    multiplier: Callable[[Arguments], int] | None = None
    extra: Callable[[Arguments], int] | None = None


#: Fields whose cost is not the default, by `Type.field`.
FIELD_COSTS: dict[str, FieldCost] = {
    "Query.nodes": FieldCost(multiplier=_count("ids")),
    "Query.compareProducts": FieldCost(multiplier=_count("ids")),
    "Query.searchSuggestions": FieldCost(multiplier=_first),
    "Query.products": FieldCost(extra=_when("search", 10)),
    "Query.feed": FieldCost(extra=lambda args: 10),
}


def _page_size(value: Any) -> int:
    size = DEFAULT_PAGE_SIZE if value is None else value
    return max(0, min(int(size), MAX_PAGE_SIZE))


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        # (selections, runtime type) -> cost: shared fragments are walked once per type.
        self.memo: dict[tuple[int, str], int] = {}

    def selection_cost(self, selections: Sequence[SelectionNode], parent: GraphQLNamedType) -> int:
        if isinstance(parent, GraphQLObjectType):
            return self._on_object(selections, parent)
        if isinstance(parent, (GraphQLInterfaceType, GraphQLUnionType)):
            possible = self.schema.get_possible_types(parent)
            return max((self._on_object(selections, kind) for kind in possible), default=0)
        return 0

    def _on_object(self, selections: Sequence[SelectionNode], kind: GraphQLObjectType) -> int:
        key = (id(selections), kind.name)
        if key not in self.memo:
            self.memo[key] = sum(self._node_cost(node, kind) for node in selections)
        return self.memo[key]

    def _node_cost(self, node: SelectionNode, kind: GraphQLObjectType) -> int:
        if isinstance(node, FieldNode):
            return self.field_cost(node, kind)
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else None
            if condition is None or self._applies(condition, kind):
                return self._on_object(node.selection_set.selections, kind)
            return 0
        if isinstance(node, FragmentSpreadNode):
            fragment = self.fragments.get(node.name.value)
            if fragment and self._applies(fragment.type_condition.name.value, kind):
                return self._on_object(fragment.selection_set.selections, kind)
        return 0

    def _applies(self, condition: str, kind: GraphQLObjectType) -> bool:
        if condition == kind.name:
            return True
        target = self.schema.get_type(condition)
        return isinstance(target, GraphQLAbstractType) and self.schema.is_sub_type(target, kind)

    def field_cost(self, node: FieldNode, parent: GraphQLObjectType) -> int:
        definition = self._definition(node.name.value, parent)
        if definition is None:
            return 0
        named = get_named_type(definition.type)
        if not is_composite_type(named) or node.selection_set is None:
            return 0
        try:
            args = get_argument_values(definition, node, self.variables)
        except GraphQLError:
            # The field itself will fail with this error; nothing under it runs.
            return 1
        override = FIELD_COSTS.get(f"{parent.name}.{node.name.value}", FieldCost())
        extra = override.extra(args) if override.extra else 0
        selections = node.selection_set.selections
        if named.name.endswith("Connection") and "first" in definition.args:
            n = override.multiplier(args) if override.multiplier else _page_size(args.get("first"))
            return CONNECTION_BASE + extra + n * self._connection_items(selections, named)
        n = override.multiplier(args) if override.multiplier else 1
        return extra + n * (1 + self.selection_cost(selections, named))

    def _connection_items(self, selections: Sequence[SelectionNode], connection: Any) -> int:
        """The cost of one item of a connection: what is selected under `edges`."""
        total = 0
        for field, edge_type in self._fields_of(selections, connection):
            if field.name.value == "edges" and field.selection_set is not None:
                # The edge wraps its node: only the node and below count.
                total += self.selection_cost(field.selection_set.selections, edge_type)
        return total

    def _fields_of(
        self, selections: Sequence[SelectionNode], kind: Any
    ) -> list[tuple[FieldNode, Any]]:
        found: list[tuple[FieldNode, Any]] = []
        for node in selections:
            if isinstance(node, FieldNode):
                definition = self._definition(node.name.value, kind)
                if definition is not None:
                    found.append((node, get_named_type(definition.type)))
            elif isinstance(node, InlineFragmentNode):
                found += self._fields_of(node.selection_set.selections, kind)
            elif isinstance(node, FragmentSpreadNode) and node.name.value in self.fragments:
                fragment = self.fragments[node.name.value]
                found += self._fields_of(fragment.selection_set.selections, kind)
        return found

    def _definition(self, name: str, parent: Any) -> GraphQLField | None:
        if name == "__typename":
            return None
        if parent is self.schema.query_type and name == "__schema":
            return SchemaMetaFieldDef
        if parent is self.schema.query_type and name == "__type":
            return TypeMetaFieldDef
        fields: dict[str, GraphQLField] = getattr(parent, "fields", {})
        return fields.get(name)


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: dict[str, Any] | None,
) -> int | None:
    """The cost of the operation to run; None when its variables do not coerce (it will not run)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    if operation_name is not None:
        operations = [op for op in operations if op.name and op.name.value == operation_name]
    if len(operations) != 1:
        return None
    operation = operations[0]
    static = not operation.variable_definitions
    memo = _static_costs(document) if static else {}
    key = (id(schema), operation_name)
    if key in memo:
        return memo[key]
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(coerced, list):
        return None
    root = schema.get_root_type(operation.operation)
    if root is None:
        return None
    walker = _Walker(schema, fragments, coerced)
    cost = walker.selection_cost(operation.selection_set.selections, root)
    if operation.operation == OperationType.MUTATION:
        cost += MUTATION_BASE * len(walker._fields_of(operation.selection_set.selections, root))
    if static:
        memo[key] = cost
    return cost


# Costs of operations without variables, by document: a cached document (schema/documents.py)
# is the same object on every request, so its cost is computed once. Keyed by identity (a
# document's own hash walks the whole tree); the weak reference frees the entry with it and
# proves an id was not reused by another document.
_STATIC: dict[int, tuple[weakref.ref[DocumentNode], dict[tuple[int, str | None], int]]] = {}


def _static_costs(document: DocumentNode) -> dict[tuple[int, str | None], int]:
    found = _STATIC.get(id(document))
    if found is not None and found[0]() is document:
        return found[1]
    key = id(document)
    ref = weakref.ref(document, lambda _: _STATIC.pop(key, None))
    memo: dict[tuple[int, str | None], int] = {}
    _STATIC[key] = (ref, memo)
    return memo


def client_key(context: Any) -> str:
    """Whose bucket pays: the API key, else the signed-in user, else the client address."""
    api_key = getattr(context, "api_key", None)
    if api_key is not None:
        return f"key:{api_key.id}"
    user = getattr(context, "user", None)
    if user is not None:
        return f"user:{user.id}"
    request = getattr(context, "request", None)
    client = getattr(request, "client", None)
    return f"ip:{client.host if client else 'unknown'}"


class QueryCost(SchemaExtension):
    """Refuse operations over the cost limit, charge the caller's bucket, report the cost.

    Runs after validation and before execution, so a refused operation runs no resolver.
    """

    def __init__(self, *, max_cost: int, limiter: RateLimiter | None = None) -> None:
        self.max_cost = max_cost
        self.limiter = limiter
        self.cost: int | None = None
        self.decision: Decision | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        cost = operation_cost(
            context.schema._schema,
            context.graphql_document,  # type: ignore[arg-type]  # set once validated
            context.operation_name,
            context.variables,
        )
        self.cost = cost
        refusal: GraphQLError | None = None
        if cost is not None and cost > self.max_cost:
            logger.info("refused: operation cost %s over the limit of %s", cost, self.max_cost)
            refusal = self._too_costly(cost)
        elif cost is not None and self.limiter is not None:
            client = client_key(context.context)
            self.decision = await self.limiter.acquire(client, cost)
            if self.decision is not None and not self.decision.allowed:
                logger.info("throttled: %s, cost %s", client, cost)
                refusal = self._throttled()
        if refusal is not None:
            # strawberry runs a subscription whatever `result` says; an error raised here
            # ends it before it starts (sent as its only result).
            if context.operation_type is Operation.SUBSCRIPTION:
                raise refusal
            context.result = ExecutionResult(data=None, errors=[refusal])
        yield

    def _too_costly(self, cost: int) -> GraphQLError:
        return GraphQLError(
            f"This operation costs {cost}, above the limit of {self.max_cost} per operation. "
            "Ask for smaller pages (`first`), fewer nested connections or fewer aliases.",
            extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "maxCost": self.max_cost},
        )

    def _throttled(self) -> GraphQLError:
        assert self.decision is not None
        return throttled_error(
            self.decision, getattr(self.execution_context.context, "response", None)
        )

    def get_results(self) -> dict[str, Any]:
        if self.cost is None:
            return {}
        return {"cost": cost_report(self.cost, self.max_cost, self.decision)}


def throttled_error(decision: Decision, response: Any) -> GraphQLError:
    """The THROTTLED error for a refused decision; sets 429 and `Retry-After` on `response`."""
    retry_after = retry_after_header(decision)
    if response is not None and hasattr(response, "status_code"):
        response.status_code = 429
        response.headers["Retry-After"] = retry_after
    return GraphQLError(
        f"Throttled: this operation costs {decision.cost} and {int(decision.available)} of "
        f"{decision.capacity} points are available (restoring {decision.restore_rate:g} per "
        f"second). Retry after {retry_after} s.",
        extensions={
            "code": "THROTTLED",
            "cost": decision.cost,
            "retryAfter": float(retry_after),
        },
    )


def cost_report(cost: int, max_cost: int, decision: Decision | None) -> dict[str, Any]:
    """The `extensions.cost` entry of a response: the cost and the caller's bucket."""
    report: dict[str, Any] = {"requestedQueryCost": cost, "maxCost": max_cost}
    if decision is not None:
        report["throttleStatus"] = {
            "maximumAvailable": decision.capacity,
            "currentlyAvailable": int(decision.available),
            "restoreRate": decision.restore_rate,
        }
    return report
