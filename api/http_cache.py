"""HTTP caching of anonymous catalog reads: `Cache-Control`, `ETag`, 304 and a response cache.

Only a query from an anonymous caller (no `Authorization`, `X-Api-Key`, `X-Cart-Token` or
`Cookie`) whose root fields are all public catalog fields is cacheable; everything else is
answered `Cache-Control: private, no-store`. The cache key and the ETag are one digest of
the catalog version (services.catalog.versioning: raised by every catalog write, after
commit, in every worker), the document, the variables, the operation name and the media
type, so a catalog write changes both for the very next read.

What is stored is the `data` of an answer without errors, with the operation's cost: a hit
charges the caller's bucket that cost (as running it would) and reports the caller's own
bucket, so the limits hold for cached answers as for executed ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionNode,
    ValueNode,
    parse,
    value_from_ast_untyped,
)
from starlette.datastructures import Headers
from strawberry.relay import GlobalID
from strawberry.types import ExecutionResult

from schema.cost import client_key, cost_report, throttled_error
from services import cache
from services.catalog import versioning
from services.ratelimit import RateLimiter

#: Root fields that read only published catalog data, the same for every anonymous caller.
#: tests/api/test_http_cache.py checks that no type reachable from them holds user data.
PUBLIC_ROOT_FIELDS = frozenset(
    {
        "products",
        "product",
        "categories",
        "category",
        "brands",
        "tags",
        "searchSuggestions",
        "compareProducts",
        "__typename",
    }
)
#: `node` and `nodes` are public only when every ID they are given is of one of these types.
NODE_ID_ARGUMENTS = {"node": "id", "nodes": "ids"}
#: Reviews and Q&A shown on product pages are public too: every change anonymous callers
#: could see raises the catalog version (services/catalog/ratings.py), like catalog writes.
#: A review's earlier versions (ReviewVersion) are its author's and moderators': anonymous
#: callers always get an empty editHistory, and node(id:) answers null for them.
CATALOG_NODE_TYPES = frozenset(
    {
        "Product",
        "Variant",
        "ProductImage",
        "Certification",
        "Category",
        "Brand",
        "Tag",
        "Review",
        "Question",
        "Answer",
        "ReviewVersion",
    }
)
#: The API reads no cookie, but one may identify the caller to whatever stands in front of it.
IDENTIFYING_HEADERS = ("authorization", "x-api-key", "x-cart-token", "cookie")
VARY = "Accept, Accept-Encoding, Authorization, Cookie, X-Api-Key, X-Cart-Token"
PRIVATE = "private, no-store"
KEY_PREFIX = "graphql:response:"
# Longer documents are not worth parsing a second time to find out whether they are public.
MAX_DOCUMENT_LENGTH = 20_000


@dataclass(frozen=True)
class Entry:
    """A cached answer: the encoded `data` and the cost the operation is charged."""

    cost: int
    data: bytes


@dataclass
class Lookup:
    """One cacheable request: its digest (cache key and ETag) and what the cache held."""

    digest: str
    public: bool
    if_none_match: str
    entry: Entry | None = None

    @property
    def etag(self) -> str:
        return f'W/"{self.digest[:32]}"'

    def not_modified(self) -> bool:
        """Whether the caller's `If-None-Match` names this answer (weak comparison)."""
        if not self.public or not self.if_none_match:
            return False
        tags = {tag.strip().removeprefix("W/") for tag in self.if_none_match.split(",")}
        return "*" in tags or self.etag.removeprefix("W/") in tags


def is_anonymous(headers: Headers) -> bool:
    return not any(headers.get(name) for name in IDENTIFYING_HEADERS)


def public_headers(lookup: Lookup, max_age: int) -> dict[str, str]:
    return {"Cache-Control": f"public, max-age={max_age}", "ETag": lookup.etag, "Vary": VARY}


PRIVATE_HEADERS = {"Cache-Control": PRIVATE, "Vary": VARY}


class HttpCache:
    """Decides what is cacheable, looks answers up, serves hits and stores misses."""

    def __init__(
        self, *, max_age: int, ttl: int, max_cost: int, limiter: RateLimiter | None
    ) -> None:
        self.max_age = max_age
        self.ttl = ttl
        self.max_cost = max_cost
        self.limiter = limiter

    async def lookup(
        self,
        *,
        headers: Headers,
        method: str,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        media_type: str,
    ) -> Lookup | None:
        """The lookup for a cacheable request; None for every other (it runs uncached)."""
        public = method == "GET" and self.max_age > 0
        if not (public or self.ttl > 0) or query is None or not is_anonymous(headers):
            return None
        node_ids = public_node_ids(query, operation_name)
        if node_ids is None or not _catalog_ids(node_ids, variables or {}):
            return None
        version = await versioning.current()
        digest = hashlib.sha256(
            json.dumps(
                [version, query, variables or {}, operation_name, media_type],
                sort_keys=True,
                separators=(",", ":"),
                ensure_ascii=False,
            ).encode()
        ).hexdigest()
        lookup = Lookup(digest, public, headers.get("if-none-match", ""))
        if self.ttl > 0:
            stored = await cache.get(KEY_PREFIX + digest)
            if isinstance(stored, Entry) and stored.cost <= self.max_cost:
                lookup.entry = stored
        return lookup

    async def serve(self, lookup: Lookup, context: Any) -> ExecutionResult:
        """A hit, charged to the caller's bucket; the THROTTLED error when it is empty."""
        assert lookup.entry is not None
        cost = lookup.entry.cost
        decision = None
        if self.limiter is not None:
            decision = await self.limiter.acquire(client_key(context), cost)
        report = {"cost": cost_report(cost, self.max_cost, decision)}
        if decision is not None and not decision.allowed:
            lookup.entry = None
            error = throttled_error(decision, getattr(context, "response", None))
            return ExecutionResult(data=None, errors=[error], extensions=report)
        return ExecutionResult(data=None, errors=None, extensions=report)

    async def store(self, lookup: Lookup, entry: Entry) -> None:
        await cache.set(KEY_PREFIX + lookup.digest, entry, ttl=self.ttl)


def storable_cost(response_data: Mapping[str, Any]) -> int | None:
    """The cost of an answer that may be stored: executed, without errors, cost reported."""
    if response_data.get("errors") or response_data.get("data") is None:
        return None
    cost = (response_data.get("extensions") or {}).get("cost", {}).get("requestedQueryCost")
    return cost if isinstance(cost, int) else None


def encode_body(data: bytes, extensions: bytes | None) -> bytes:
    """`{"data": ..., "extensions": ...}` around encoded parts, in strawberry's order."""
    if extensions is None:
        return b'{"data":' + data + b"}"
    return b'{"data":' + data + b',"extensions":' + extensions + b"}"


@lru_cache(maxsize=1024)
def public_node_ids(query: str, operation_name: str | None) -> tuple[ValueNode, ...] | None:
    """The `node`/`nodes` ID arguments of a public catalog query; None when it is not one.

    Conservative: anything it cannot be sure of (a syntax error, several candidate
    operations, a fragment it cannot follow, a root field off the allow-list) is not public.
    """
    if len(query) > MAX_DOCUMENT_LENGTH:
        return None
    try:
        document = parse(query, no_location=True)
    except GraphQLError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is not None:
        operations = [op for op in operations if op.name and op.name.value == operation_name]
    if len(operations) != 1 or operations[0].operation != OperationType.QUERY:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    ids: list[ValueNode] = []
    if not _public_selections(operations[0].selection_set.selections, fragments, ids, set()):
        return None
    return tuple(ids)


def _public_selections(
    selections: Sequence[SelectionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    ids: list[ValueNode],
    seen: set[str],
) -> bool:
    for node in selections:
        if isinstance(node, FieldNode):
            name = node.name.value
            if name in NODE_ID_ARGUMENTS:
                arguments = node.arguments or ()
                argument = next(
                    (a for a in arguments if a.name.value == NODE_ID_ARGUMENTS[name]), None
                )
                if argument is None:
                    return False
                ids.append(argument.value)
            elif name not in PUBLIC_ROOT_FIELDS:
                return False
        elif isinstance(node, InlineFragmentNode):
            condition = node.type_condition
            if condition is not None and condition.name.value != "Query":
                return False
            if not _public_selections(node.selection_set.selections, fragments, ids, seen):
                return False
        elif isinstance(node, FragmentSpreadNode):
            fragment = fragments.get(node.name.value)
            if fragment is None or fragment.type_condition.name.value != "Query":
                return False
            if node.name.value in seen:
                continue
            seen.add(node.name.value)
            if not _public_selections(fragment.selection_set.selections, fragments, ids, seen):
                return False
        else:
            return False
    return True


def _catalog_ids(values: Sequence[ValueNode], variables: dict[str, Any]) -> bool:
    """Whether every ID given to `node`/`nodes` is a catalog object's."""
    for value in values:
        given = value_from_ast_untyped(value, variables)
        for gid in given if isinstance(given, list) else [given]:
            if not isinstance(gid, str):
                return False
            try:
                type_name = GlobalID.from_id(gid).type_name
            except Exception:  # not a global ID: the field answers the error, uncached
                return False
            if type_name not in CATALOG_NODE_TYPES:
                return False
    return True
