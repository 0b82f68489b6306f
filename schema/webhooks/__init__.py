"""Webhooks of partner apps (events domain): endpoints, the delivery log, payload documents."""

from schema.webhooks.mutations import WebhookMutation
from schema.webhooks.types import WebhookQuery

__all__ = ["WebhookMutation", "WebhookQuery"]
