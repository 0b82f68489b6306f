"""Catalog domain operations: listing, search, suggestions, comparison and writes."""
