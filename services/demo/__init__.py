"""The deterministic demo toy store behind `shopgraph seed`."""

from services.demo.store import seed_demo_store, store_is_empty

__all__ = ["seed_demo_store", "store_is_empty"]
