"""The catalog in GraphQL: who may see what, paged reads and the staff writes behind each field."""
