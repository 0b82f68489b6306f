"""The edge of shopgraph: ASGI app, settings, auth, GraphQL view and CLI."""
