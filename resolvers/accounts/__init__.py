"""Accounts in GraphQL: who may see whose data, and the operations behind each field."""
