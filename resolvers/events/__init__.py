"""The events domain's GraphQL-facing operations: who may follow which live stream."""
