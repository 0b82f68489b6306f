"""Per-request DataLoaders for shipments: one SQL query per relation per request tick."""

from __future__ import annotations

from collections.abc import Sequence

from models.logistics import Carrier, DeliveryEstimate, Shipment, ShipmentLine, TrackingEvent
from resolvers.loaders import ByForeignKeyLoader, ByIdLoader
from resolvers.orders.loaders import forget


class LogisticsLoaders:
    """The logistics domain's loaders, created fresh for every request."""

    def __init__(self) -> None:
        self.shipment_by_id = ByIdLoader(Shipment)
        self.carrier_by_id = ByIdLoader(Carrier)
        self.shipments_by_order_id = ByForeignKeyLoader(Shipment, "order_id")
        self.lines_by_shipment_id = ByForeignKeyLoader(ShipmentLine, "shipment_id")
        self.events_by_shipment_id = ByForeignKeyLoader(TrackingEvent, "shipment_id")
        self.estimates_by_shipment_id = ByForeignKeyLoader(DeliveryEstimate, "shipment_id")

    def prime(self, shipments: Sequence[Shipment]) -> None:
        for row in shipments:
            self.shipment_by_id.prime(row.pk, row)

    def forget_shipment(self, shipment: Shipment) -> None:
        """After a change, read the shipment and its order's shipments again."""
        forget(self.shipment_by_id, shipment.id)
        forget(self.shipments_by_order_id, shipment.order_id)
        forget(self.lines_by_shipment_id, shipment.id)
        forget(self.events_by_shipment_id, shipment.id)
