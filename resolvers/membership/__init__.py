"""Membership for the API: per-request loaders, the caller's own reads, staff writes."""
