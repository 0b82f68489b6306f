"""Ranked, typo-tolerant product search on PostgreSQL (tsvector + pg_trgm) and SQLite (FTS5)."""

from __future__ import annotations

import difflib
import re
import time
from dataclasses import dataclass

from tortoise import connections

MAX_CANDIDATES = 2000
_TOKEN = re.compile(r"[\w]+", re.UNICODE)
_VOCABULARY_TTL = 300.0


@dataclass(frozen=True)
class SearchHit:
    product_id: int
    rank: float


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens; punctuation never reaches a query parser."""
    return [token for token in _TOKEN.findall(text.lower()) if token]


def build_document(*, brand: str | None, category_path: list[str], tags: list[str]) -> str:
    """The text searched beside a product's name."""
    parts = [brand or "", " ".join(category_path), " ".join(tags)]
    return " ".join(part for part in parts if part)


def _dialect() -> str:
    return str(connections.get("default").capabilities.dialect)


async def search_products(text: str, *, limit: int = MAX_CANDIDATES) -> list[SearchHit]:
    """Active products matching `text`, best first."""
    tokens = tokenize(text)
    if not tokens:
        return []
    if _dialect() == "postgres":
        return await _search_postgres(tokens, limit)
    return await _search_sqlite(tokens, limit)


async def _search_postgres(tokens: list[str], limit: int) -> list[SearchHit]:
    # Prefix full-text match ranks first; trigram word similarity catches typos such as
    # "tecnic" for "Technic", which full-text search alone would never match.
    conn = connections.get("default")
    tsquery = " & ".join(f"{token}:*" for token in tokens)
    phrase = " ".join(tokens)
    rows = await conn.execute_query_dict(
        """
        SELECT p.id,
               ts_rank_cd(to_tsvector('simple', coalesce(p.name, '') || ' '
                          || coalesce(p.search_document, '')), to_tsquery('simple', $1)) * 4
               + word_similarity($2, lower(p.name)) * 2
               + word_similarity($2, lower(p.search_document)) AS rank
        FROM product p
        WHERE p.status = 'active'
          AND (to_tsvector('simple', coalesce(p.name, '') || ' ' || coalesce(p.search_document, ''))
                 @@ to_tsquery('simple', $1)
               OR $2 <% lower(p.name)
               OR $2 <% lower(p.search_document))
        ORDER BY rank DESC, p.id
        LIMIT $3
        """,
        [tsquery, phrase, limit],
    )
    return [SearchHit(product_id=row["id"], rank=float(row["rank"])) for row in rows]


async def _search_sqlite(tokens: list[str], limit: int) -> list[SearchHit]:
    # FTS5 has no fuzzy matching, so each token not in the index vocabulary is widened to
    # its closest indexed terms before the query runs; bm25 still ranks the result.
    conn = connections.get("default")
    vocabulary = await _sqlite_vocabulary()
    clauses = []
    for token in tokens:
        alternatives = [f'"{token}"*']
        if token not in vocabulary:
            alternatives += [f'"{term}"' for term in _close_terms(token, vocabulary)]
        clauses.append("(" + " OR ".join(alternatives) + ")")
    match = " AND ".join(clauses)
    rows = await conn.execute_query_dict(
        """
        SELECT p.id AS id, -bm25(product_fts, 10.0, 2.0) AS rank
        FROM product_fts JOIN product p ON p.id = product_fts.rowid
        WHERE product_fts MATCH ? AND p.status = 'active'
        ORDER BY rank DESC, p.id
        LIMIT ?
        """,
        [match, limit],
    )
    return [SearchHit(product_id=row["id"], rank=float(row["rank"])) for row in rows]


def _close_terms(token: str, vocabulary: frozenset[str]) -> list[str]:
    if len(token) < 3:
        return []
    # Comparing only against terms of similar length keeps this fast on large vocabularies.
    candidates = [term for term in vocabulary if abs(len(term) - len(token)) <= 2]
    return difflib.get_close_matches(token, candidates, n=3, cutoff=0.75)


_vocabulary: frozenset[str] = frozenset()
_vocabulary_loaded_at = 0.0


def invalidate_vocabulary() -> None:
    """Forget the cached term list after catalog writes."""
    global _vocabulary_loaded_at
    _vocabulary_loaded_at = 0.0


async def _sqlite_vocabulary() -> frozenset[str]:
    global _vocabulary, _vocabulary_loaded_at
    if time.monotonic() - _vocabulary_loaded_at < _VOCABULARY_TTL:
        return _vocabulary
    conn = connections.get("default")
    await conn.execute_script(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.product_fts_vocab "
        "USING fts5vocab(main, product_fts, 'row')"
    )
    rows = await conn.execute_query_dict("SELECT term FROM temp.product_fts_vocab")
    _vocabulary = frozenset(row["term"] for row in rows)
    _vocabulary_loaded_at = time.monotonic()
    return _vocabulary
