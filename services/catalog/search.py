"""Ranked, typo-tolerant product search on PostgreSQL (tsvector + pg_trgm) and SQLite (FTS5)."""

from __future__ import annotations

import asyncio
import bisect
import difflib
import functools
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from tortoise import connections

from services.catalog.visibility import PUBLIC_STATUSES

MAX_CANDIDATES = 2000
_TOKEN = re.compile(r"[\w]+", re.UNICODE)
_VOCABULARY_TTL = 300.0
CLOSE_TERMS_CACHE = 4096  # misspelled words whose typo neighbours are remembered


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
    alternatives = await _alternatives(tokens)
    if _dialect() == "postgres":
        return await _search_postgres(tokens, alternatives, limit)
    return await _search_sqlite(alternatives, limit)


async def _alternatives(tokens: list[str]) -> list[tuple[str, ...]]:
    """Per token: the token itself (matched as a prefix), then its typo neighbours.

    Both databases widen the same way, from the same kind of term list, so a query finds
    the same products on either. A token that is an indexed term or the start of one
    ("dino") is never widened: what the shopper types outranks what they might have meant.
    """
    vocabulary = await _load_vocabulary()
    found = []
    for token in tokens:
        close: tuple[str, ...] = ()
        if not vocabulary.starts_a_term(token):
            close = await asyncio.to_thread(vocabulary.close_terms, token)
        found.append((token, *close))
    return found


async def _search_postgres(
    tokens: list[str], alternatives: list[tuple[str, ...]], limit: int
) -> list[SearchHit]:
    conn = connections.get("default")
    tsquery = " & ".join(
        "(" + " | ".join([f"{alts[0]}:*", *(f"'{term}'" for term in alts[1:])]) + ")"
        for alts in alternatives
    )
    phrase = " ".join(tokens)
    rows = await conn.execute_query_dict(
        f"""
        SELECT p.id, ts_rank_cd({_PG_DOCUMENT}, to_tsquery('simple', $1)) * 4
                     + word_similarity($2, lower(p.name)) * 2
                     + word_similarity($2, lower(p.search_document)) AS rank
        FROM product p
        WHERE {_PUBLISHED} AND {_PG_DOCUMENT} @@ to_tsquery('simple', $1)
        ORDER BY rank DESC, p.id
        LIMIT $3
        """,
        [tsquery, phrase, limit],
    )
    if not rows:
        # Nothing matched word by word: trigram word similarity of the whole phrase still
        # catches typos the term list cannot ("legotechnic").
        rows = await conn.execute_query_dict(
            f"""
            SELECT p.id, word_similarity($1, lower(p.name)) * 2
                         + word_similarity($1, lower(p.search_document)) AS rank
            FROM product p
            WHERE {_PUBLISHED}
              AND ($1 <% lower(p.name) OR $1 <% lower(p.search_document))
            ORDER BY rank DESC, p.id
            LIMIT $2
            """,
            [phrase, limit],
        )
    return [SearchHit(product_id=row["id"], rank=float(row["rank"])) for row in rows]


async def _search_sqlite(alternatives: list[tuple[str, ...]], limit: int) -> list[SearchHit]:
    # FTS5 has no fuzzy matching; the typo neighbours are matched as whole terms and bm25
    # ranks the result.
    conn = connections.get("default")
    match = " AND ".join(
        "(" + " OR ".join([f'"{alts[0]}"*', *(f'"{term}"' for term in alts[1:])]) + ")"
        for alts in alternatives
    )
    rows = await conn.execute_query_dict(
        f"""
        SELECT p.id AS id, -bm25(product_fts, 10.0, 2.0) AS rank
        FROM product_fts JOIN product p ON p.id = product_fts.rowid
        WHERE product_fts MATCH ? AND {_PUBLISHED}
        ORDER BY rank DESC, p.id
        LIMIT ?
        """,
        [match, limit],
    )
    return [SearchHit(product_id=row["id"], rank=float(row["rank"])) for row in rows]


# Search only ever finds published products (services.catalog.visibility).
_PUBLISHED = "p.status IN ({})".format(
    ", ".join(f"'{status.value}'" for status in sorted(PUBLIC_STATUSES))
)
_PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(p.name, '') || ' ' || coalesce(p.search_document, ''))"
)


class Vocabulary:
    """The indexed terms, with a prefix test and memoised typo neighbours per word."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.sorted = sorted(set(terms))
        self.by_length: dict[int, list[str]] = {}
        for term in self.sorted:
            self.by_length.setdefault(len(term), []).append(term)
        # Shoppers repeat the same misspellings; difflib over the vocabulary runs once each.
        self.close_terms = functools.lru_cache(maxsize=CLOSE_TERMS_CACHE)(self._close_terms)

    def starts_a_term(self, token: str) -> bool:
        """Whether `token` is an indexed term or the beginning of one."""
        at = bisect.bisect_left(self.sorted, token)
        return at < len(self.sorted) and self.sorted[at].startswith(token)

    def _close_terms(self, token: str) -> tuple[str, ...]:
        if len(token) < 3:
            return ()
        # Only terms of similar length can be within the cutoff, which keeps this fast.
        candidates = [
            term
            for length in range(len(token) - 2, len(token) + 3)
            for term in self.by_length.get(length, ())
        ]
        return tuple(difflib.get_close_matches(token, candidates, n=3, cutoff=0.75))


_vocabulary = Vocabulary(())
_vocabulary_loaded_at: float | None = None  # None: never loaded (monotonic time starts anywhere)


def invalidate_vocabulary() -> None:
    """Forget the cached term list after catalog writes."""
    global _vocabulary_loaded_at
    _vocabulary_loaded_at = None


async def _load_vocabulary() -> Vocabulary:
    global _vocabulary, _vocabulary_loaded_at
    loaded_at = _vocabulary_loaded_at
    if loaded_at is not None and time.monotonic() - loaded_at < _VOCABULARY_TTL:
        return _vocabulary
    conn = connections.get("default")
    if _dialect() == "postgres":
        rows = await conn.execute_query_dict(
            "SELECT word AS term FROM ts_stat($$SELECT "
            + _PG_DOCUMENT
            + f" FROM product p WHERE {_PUBLISHED}$$)"
        )
    else:
        await conn.execute_script(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.product_fts_terms "
            "USING fts5vocab(main, product_fts, 'instance')"
        )
        rows = await conn.execute_query_dict(
            "SELECT DISTINCT v.term AS term FROM temp.product_fts_terms v "
            f"JOIN product p ON p.id = v.doc WHERE {_PUBLISHED}"
        )
    # Terms of published products only, on both databases, so widening is the same and no
    # unreleased product's words shape a result. Only plain word terms: they are what
    # tokens look like, and they need no escaping.
    terms = (str(row["term"]) for row in rows)
    _vocabulary = Vocabulary(term for term in terms if _TOKEN.fullmatch(term))
    _vocabulary_loaded_at = time.monotonic()
    return _vocabulary
