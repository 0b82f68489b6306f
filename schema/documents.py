"""Documents checked once: parsed, validated with our limits, and kept by their SHA-256.

Validation walks the whole document with every rule, graphql-core's and ours (depth,
aliases, introspection in production); it used to run on every request and cost more than
executing `{ __typename }`. A document that passed is kept in a bounded LRU owned by one
built schema, so the limits and production flags it was checked with are part of the key by
construction. A hit skips parsing and validation; what depends on the request still runs on
every request: the operation-name rule, variable coercion, the cost of operations with
variables (schema/cost.py memoizes the cost of operations without), and the checks of
argument values (schema/validation/). Invalid documents are never kept.

The same extension speaks Apollo's automatic persisted queries (`extensions.persistedQuery`)
and, in trusted documents mode, runs only operations registered from a client's manifest.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from schema.errors import AmbiguousOperation
from services import documents
from services.documents import TrustedDocuments

logger = logging.getLogger("shopgraph.documents")

#: Distinct documents kept per process: every page of a storefront and an admin, many times.
MAX_CACHED_DOCUMENTS = 1_000
#: Longer texts are validated every time, so the cache holds at most ~100 MB of text.
MAX_CACHED_LENGTH = 100_000


@dataclass(frozen=True, slots=True)
class CheckedDocument:
    """A document that passed validation, and how many operations it holds."""

    document: DocumentNode
    operations: int


class DocumentCache:
    """A bounded LRU of validated documents by the SHA-256 of their text."""

    def __init__(self, maxsize: int = MAX_CACHED_DOCUMENTS) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[str, CheckedDocument] = OrderedDict()

    def get(self, key: str) -> CheckedDocument | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: CheckedDocument) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: str) -> bool:
        return key in self._entries


@dataclass(frozen=True)
class DocumentPolicy:
    """What one built schema checks documents with; shared by every request it serves."""

    cache: DocumentCache
    rules: tuple[type[ASTValidationRule], ...]
    max_tokens: int
    #: Trusted documents mode: only these operations run, and nothing new is registered.
    trusted: TrustedDocuments | None = None


def _bad_request(message: str, reason: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_REQUEST", "reason": reason})


PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
OPERATION_NOT_TRUSTED = "OPERATION_NOT_TRUSTED"


def _not_trusted() -> GraphQLError:
    return GraphQLError(
        "This server runs registered operations only, and this one is not registered. "
        "Register the client's operations with `shopgraph documents register MANIFEST`.",
        extensions={"code": OPERATION_NOT_TRUSTED},
    )


def persisted_hash(extensions: Any) -> str | None:
    """The `sha256Hash` of `extensions.persistedQuery`, None when the request has none."""
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    if persisted is None:
        return None
    if not isinstance(persisted, dict) or persisted.get("version") != 1:
        raise _bad_request("Unsupported persisted query version", "PERSISTED_QUERY_VERSION")
    sha256_hash = persisted.get("sha256Hash")
    if not isinstance(sha256_hash, str) or not sha256_hash:
        raise _bad_request(
            "persistedQuery.sha256Hash must be a string", "PERSISTED_QUERY_HASH_MISSING"
        )
    return sha256_hash


class CheckedDocuments(SchemaExtension):
    """Resolve persisted and trusted documents, then parse and validate once per document."""

    def __init__(self, policy: DocumentPolicy) -> None:
        self.policy = policy
        self.key: str | None = None
        self.entry: CheckedDocument | None = None

    async def on_operation(self) -> AsyncIterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.policy.max_tokens
        query = await self._query(context.query, context.operation_extensions)
        context.query = query
        if query is not None and len(query) <= MAX_CACHED_LENGTH:
            self.key = documents.document_hash(query)
            self.entry = self.policy.cache.get(self.key)
        yield

    async def _query(self, query: str | None, extensions: Any) -> str | None:
        """The text to run: the request's, or the one its persisted-query hash names."""
        sha256_hash = persisted_hash(extensions)
        trusted = self.policy.trusted
        if trusted is not None:
            known = trusted.get(sha256_hash or documents.document_hash(query or ""))
            if known is None or (query is not None and known != query):
                raise _not_trusted()
            return known
        if sha256_hash is None:
            return query
        if query is None:
            stored = await documents.recall(sha256_hash)
            if stored is None:
                raise GraphQLError(
                    "PersistedQueryNotFound", extensions={"code": PERSISTED_QUERY_NOT_FOUND}
                )
            return stored
        if documents.document_hash(query) != sha256_hash.lower():
            raise _bad_request("provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH")
        await documents.remember(sha256_hash.lower(), query)
        return query

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if self.entry is not None:
            context.graphql_document = self.entry.document
        yield
        document = context.graphql_document
        if document is None or getattr(context, "_provided_operation_name", None) is not None:
            return
        operations = self.entry.operations if self.entry is not None else _operation_count(document)
        # Refuse to guess which of several to run (strawberry would run the first).
        if operations > 1:
            raise AmbiguousOperation

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if self.entry is not None:
            context.pre_execution_errors = []
            yield
            return
        document = context.graphql_document
        assert document is not None
        errors = validate_document(
            context.schema._schema, document, (*context.validation_rules, *self.policy.rules)
        )
        context.pre_execution_errors = errors
        yield
        if not errors and self.key is not None:
            self.policy.cache.put(self.key, CheckedDocument(document, _operation_count(document)))


def _operation_count(document: DocumentNode) -> int:
    return sum(1 for d in document.definitions if isinstance(d, OperationDefinitionNode))


__all__ = [
    "OPERATION_NOT_TRUSTED",
    "PERSISTED_QUERY_NOT_FOUND",
    "CheckedDocument",
    "CheckedDocuments",
    "DocumentCache",
    "DocumentPolicy",
]
