"""Logistics types and operations: shipments, tracking and carriers."""

from schema.logistics.mutations import LogisticsMutation
from schema.logistics.queries import LogisticsQuery

__all__ = ["LogisticsMutation", "LogisticsQuery"]
