"""The accounts part of the GraphQL contract."""

from schema.accounts.mutations import AccountMutation
from schema.accounts.queries import AccountQuery

__all__ = ["AccountMutation", "AccountQuery"]
