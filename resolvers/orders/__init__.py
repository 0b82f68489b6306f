"""Orders as the GraphQL layer needs them: who may see and change which cart and order."""
