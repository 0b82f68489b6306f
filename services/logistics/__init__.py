"""Logistics: shipments of orders, carriers, the tracking timeline and delivery promises."""
