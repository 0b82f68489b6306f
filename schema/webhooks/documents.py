"""Payload documents: an endpoint may shape each delivery's `data` with a GraphQL document
on the `event` root, as Saleor's subscription payloads do:

    subscription { event { id type occurredAt order { number status } } }

The document runs once per event and endpoint, as a query on a small schema whose root is
`event` (the event itself plus the entity it is about, read with the endpoint's API key, so
the key's scopes decide what it may see).
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any, cast

import strawberry
from graphql import OperationDefinitionNode, OperationType, parse, print_ast, validate
from graphql.error import GraphQLError

from models.accounts import ApiKey
from resolvers.context import Context, Info
from schema.catalog.types import ProductType, VariantType
from schema.events import DomainEventType
from schema.orders.types import OrderType
from schema.scalars import SCALAR_OVERRIDES
from services.errors import DomainError
from services.events import webhooks
from services.events.errors import EventErrorCode
from services.events.records import EventRecord


@strawberry.type(
    name="WebhookEvent",
    description="The event a payload document describes, with the entity it is about.",
)
class WebhookEventType(DomainEventType):
    record: strawberry.Private[EventRecord]

    async def _entity(self, info: Info, node: Any, aggregate: str) -> Any:
        if self.record.aggregate_type != aggregate:
            return None
        found = await node.resolve_nodes(info=info, node_ids=[self.record.aggregate_id])
        return found[0] if found else None

    @strawberry.field(description="The order, for order events the key may read.")
    async def order(self, info: Info) -> OrderType | None:
        return await self._entity(info, OrderType, "order")

    @strawberry.field(description="The product, for product events.")
    async def product(self, info: Info) -> ProductType | None:
        return await self._entity(info, ProductType, "product")

    @strawberry.field(description="The variant, for variant events.")
    async def variant(self, info: Info) -> VariantType | None:
        return await self._entity(info, VariantType, "variant")


@strawberry.type
class PayloadRoot:
    @strawberry.field(description="The event being delivered.")
    def event(self, info: Info) -> WebhookEventType:
        record = cast(EventRecord, info.root_value)
        base = DomainEventType.from_record(record)
        return WebhookEventType(**vars(base), record=record)


@cache
def payload_schema() -> strawberry.Schema:
    return strawberry.Schema(query=PayloadRoot, scalar_overrides=SCALAR_OVERRIDES)


def as_query(document: str) -> str:
    """The document with its one operation run as a query; DomainError if it is not valid."""
    try:
        tree = parse(document)
    except GraphQLError as error:
        raise _invalid(error.message) from None
    operations = [d for d in tree.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation == OperationType.MUTATION:
        raise _invalid("Give exactly one subscription (or query) operation.")
    as_read = dataclasses.replace(operations[0], operation=OperationType.QUERY)
    tree = dataclasses.replace(
        tree, definitions=tuple(as_read if d is operations[0] else d for d in tree.definitions)
    )
    errors = validate(payload_schema()._schema, tree)
    if errors:
        raise _invalid(errors[0].message)
    return print_ast(tree)


def _invalid(message: str) -> DomainError:
    return DomainError(EventErrorCode.INVALID_DOCUMENT, message[:300], field="subscription_query")


async def render(document: str, record: EventRecord, api_key_id: int) -> dict[str, Any]:
    """The `data` of one delivery: the document's result for `record`, read as the key."""
    key = await ApiKey.get_or_none(id=api_key_id)
    try:
        query = as_query(document)
    except DomainError as error:
        return {"errors": [{"message": error.message}]}
    result = await payload_schema().execute(
        query, root_value=record, context_value=Context(request=None, api_key=key)
    )
    data: dict[str, Any] = dict(result.data or {})
    if result.errors:
        data["errors"] = [{"message": error.message} for error in result.errors]
    return data


def install() -> None:
    """Let the fan-out shape payloads with documents (server and worker start-up)."""
    webhooks.set_renderer(render)
