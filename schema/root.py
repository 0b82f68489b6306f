"""The root Query, assembled from each domain's query type."""

from __future__ import annotations

import strawberry
from strawberry import relay

from schema.catalog import CatalogQuery


@strawberry.type(description="Everything a client can read.")
class Query(CatalogQuery):
    node: relay.Node = relay.node(
        description="Any object by its global ID; null when it does not exist or is hidden."
    )
    nodes: list[relay.Node | None] = relay.node(
        description="Objects by global ID, in the order asked; null for each one not found."
    )
