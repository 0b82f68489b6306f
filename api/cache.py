"""Cache set-up: Redis when REDIS_URL is set, process memory otherwise."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlparse

from aiocache import Cache
from aiocache.serializers import PickleSerializer

from api.settings import Settings
from services import cache as cache_service

logger = logging.getLogger("shopgraph.cache")


def build_cache(settings: Settings) -> Any:
    """An aiocache backend for the configured URL."""
    if not settings.redis_url:
        return Cache(Cache.MEMORY, serializer=PickleSerializer(), namespace="shopgraph")
    url = urlparse(settings.redis_url)
    db = int(url.path.strip("/") or 0)
    return Cache(
        Cache.REDIS,
        endpoint=url.hostname or "127.0.0.1",
        port=url.port or 6379,
        db=db,
        password=url.password,
        serializer=PickleSerializer(),
        namespace="shopgraph",
        timeout=1,
    )


def configure_cache(settings: Settings) -> None:
    cache_service.configure(build_cache(settings))
    logger.info("cache backend: %s", "redis" if settings.redis_url else "memory")
