"""Tests of the embedded recommender (no database)."""
