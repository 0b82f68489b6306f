"""The catalog part of the GraphQL contract: shoppers' reads and staff writes."""

from schema.catalog.admin import CatalogMutation
from schema.catalog.queries import CatalogQuery

__all__ = ["CatalogMutation", "CatalogQuery"]
