"""Search ranks real matches first and forgives typos, on SQLite and PostgreSQL alike."""

from typing import Any

import pytest

SEARCH = """
query Search($q: String!, $first: Int) {
  products(search: $q, first: $first) {
    totalCount
    edges { node { name brand { name } category { name } } }
  }
}
"""
SUGGEST = """
query Suggest($prefix: String!) {
  searchSuggestions(prefix: $prefix, first: 8) { text kind slug score }
}
"""

pytestmark = pytest.mark.usefixtures("demo_store")


async def _names(gql: Any, q: str, first: int = 10) -> list[str]:
    body = await gql(SEARCH, {"q": q, "first": first})
    assert "errors" not in body, body
    return [edge["node"]["name"] for edge in body["data"]["products"]["edges"]]


async def test_exact_words_find_technic_sets_first(gql: Any) -> None:
    names = await _names(gql, "lego technic")
    assert names, "no results for 'lego technic'"
    assert all("technic" in name.lower() for name in names[:3])


async def test_typo_still_finds_technic(gql: Any) -> None:
    names = await _names(gql, "lego tecnic")
    assert names, "a one-letter typo lost every result"
    assert "technic" in names[0].lower()


async def test_search_ranks_name_matches_above_unrelated(gql: Any) -> None:
    names = await _names(gql, "puzzle", first=20)
    assert names
    assert "puzzle" in names[0].lower()


async def test_nonsense_finds_nothing(gql: Any) -> None:
    assert await _names(gql, "qzxvwk") == []


async def test_punctuation_is_harmless(gql: Any) -> None:
    # Quotes, query-syntax and comment markers are only separators: the words still search.
    names = await _names(gql, '"lego" + (technic* -- ; ^:', first=5)
    assert names, "punctuation lost every result"
    assert all("lego technic" in name.lower() for name in names)
    assert names == await _names(gql, "lego technic", first=5)


async def test_suggestions_complete_a_prefix_best_first(gql: Any) -> None:
    body = await gql(SUGGEST, {"prefix": "tech"})
    assert "errors" not in body, body
    suggestions = body["data"]["searchSuggestions"]
    assert suggestions
    assert all("tech" in s["text"].lower() for s in suggestions)
    scores = [s["score"] for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert "CATEGORY" in {s["kind"] for s in suggestions}


async def test_suggestions_limit_is_enforced(gql: Any) -> None:
    body = await gql('{ searchSuggestions(prefix: "a", first: 50) { text } }')
    assert "between 1 and 20" in body["errors"][0]["message"]
