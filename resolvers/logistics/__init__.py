"""Logistics operations for GraphQL: shipments, tracking and carriers."""
