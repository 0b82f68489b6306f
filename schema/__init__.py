"""The GraphQL contract: types, inputs, enums, payloads and the root operations."""

from __future__ import annotations

import strawberry
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    QueryDepthLimiter,
)

from schema.cost import DEFAULT_MAX_COST, QueryCost
from schema.documents import CheckedDocuments, DocumentCache, DocumentPolicy
from schema.errors import MaskUnexpectedErrors, ShopSchema
from schema.root import Mutation, Query, Subscription
from schema.scalars import SCALAR_OVERRIDES
from schema.validation import CheckedExecution, answer_id_mismatches
from services.documents import TrustedDocuments
from services.ratelimit import RateLimiter


def build_schema(
    *,
    max_depth: int = 12,
    max_tokens: int = 2000,
    max_aliases: int = 30,
    max_cost: int = DEFAULT_MAX_COST,
    rate_limiter: RateLimiter | None = None,
    introspection: bool = True,
    suggestions: bool = True,
    trusted_documents: TrustedDocuments | None = None,
) -> strawberry.Schema:
    """The schema with the limits that bound what one operation may cost.

    `max_cost` refuses dearer operations before they run; `rate_limiter` charges each
    caller's bucket with the cost of every operation. Without `introspection` and
    `suggestions` (production), the schema is not revealed to callers who guess at it. With
    `trusted_documents`, only the operations registered there run.

    Documents are validated once with every rule (schema/documents.py); the rules of
    strawberry's limiters are built here once, for the cache this schema owns.
    """
    rules = (
        *([] if introspection else DisableIntrospection().validation_rules),
        *QueryDepthLimiter(max_depth=max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=max_aliases).validation_rules,
    )
    policy = DocumentPolicy(
        cache=DocumentCache(),
        rules=tuple(rules),
        max_tokens=max_tokens,
        trusted=trusted_documents,
    )
    schema = ShopSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        # No extension here hooks field resolution: that would send every field, plain
        # ones too, through a wrapper. Arguments are checked once per operation instead.
        extensions=[
            lambda: CheckedDocuments(policy),
            lambda: QueryCost(max_cost=max_cost, limiter=rate_limiter),
            lambda: MaskUnexpectedErrors(suggestions=suggestions),
        ],
        execution_context_class=CheckedExecution,
        scalar_overrides=SCALAR_OVERRIDES,
    )
    answer_id_mismatches(schema._schema)
    return schema


def schema_sdl() -> str:
    """The schema in SDL, as checked in at `schema.graphql`."""
    return str(build_schema()) + "\n"
