"""After-sales: cases, their conversation and workflow (queries and mutations)."""

from schema.aftersales.mutations import AftersalesMutation
from schema.aftersales.queries import AftersalesQuery

__all__ = ["AftersalesMutation", "AftersalesQuery"]
