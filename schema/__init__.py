"""The GraphQL contract: types, inputs, enums, payloads and the root operations."""

from __future__ import annotations

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

from schema.errors import MaskUnexpectedErrors
from schema.root import Mutation, Query


def build_schema(
    *, max_depth: int = 12, max_tokens: int = 2000, max_aliases: int = 30
) -> strawberry.Schema:
    """The schema with the limits that bound what one operation may cost."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        extensions=[
            lambda: QueryDepthLimiter(max_depth=max_depth),
            lambda: MaxTokensLimiter(max_token_count=max_tokens),
            lambda: MaxAliasesLimiter(max_alias_count=max_aliases),
            MaskUnexpectedErrors,
        ],
    )


def schema_sdl() -> str:
    """The schema in SDL, as checked in at `schema.graphql`."""
    return str(build_schema()) + "\n"
