"""Per-request DataLoaders of the webhook log."""

from __future__ import annotations

from models.events import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from resolvers.loaders import ByForeignKeyLoader, ByIdLoader


class WebhookLoaders:
    """Endpoints and deliveries by id, and each delivery's attempts, for one request."""

    def __init__(self) -> None:
        self.endpoint_by_id = ByIdLoader(WebhookEndpoint)
        self.delivery_by_id = ByIdLoader(WebhookDelivery)
        self.attempts_by_delivery_id = ByForeignKeyLoader(WebhookAttempt, "delivery_id")
