"""GraphQL-facing operations of the community domain."""
