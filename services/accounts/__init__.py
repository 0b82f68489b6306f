"""Accounts: users, credentials, tokens, profiles, addresses, children and API keys."""
