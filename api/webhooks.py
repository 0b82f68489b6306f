"""Webhook delivery set up from the settings, in the server and in `shopgraph worker`."""

from __future__ import annotations

from datetime import timedelta

from api.settings import Settings
from schema.webhooks import documents
from services.events import delivery, signing


def configure_webhooks(settings: Settings) -> None:
    """Signing key, delivery limits and payload documents for this process."""
    signing.configure(secret_key=settings.secret_key)
    timeout = settings.webhook_timeout_seconds
    delivery.configure(
        allow_private=settings.webhook_allow_private,
        total_timeout=timeout,
        connect_timeout=min(5.0, timeout),
        # A claim outlasts any attempt, so no delivery is sent twice at once.
        lease_seconds=timeout * 2 + 5,
        disable_after=timedelta(hours=settings.webhook_disable_after_hours),
        retention=timedelta(hours=settings.event_retention_hours),
    )
    documents.install()
