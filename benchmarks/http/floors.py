"""Hand-written floors: a bare Starlette app reading the same rows with the driver, orjson out.

Each route answers the POST body its GraphQL twin gets (benchmarks/http/pages.py) with the
same JSON, as an endpoint written by hand for that one page would: a few batched queries,
no ORM, no GraphQL. What each reads:

- /typename: nothing; a constant JSON body.
- /list: the count, the page of 20 products, then one query each for their brands, their
  categories, those categories' ancestors, tags, variants and images (8 queries).
- /product: the product by slug, its brand, category, ancestors, variants, images and
  certifications (7 queries).
- /search: the ranked ids of every match (the same search SQL as shopgraph, typo
  neighbours from a term list read at start-up), then the list page's relations for the
  first 20 (8 queries).
- /feed: the best-seller list TRENDING serves when no model is trained (150 candidates
  with an in-stock flag, one query), diversified in Python (at most two of a category in
  a row), then the page's images (2 queries).

    uvicorn --factory benchmarks.http.floors:create_app   (DATABASE_URL as for shopgraph)
"""

from __future__ import annotations

import contextlib
import os
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from benchmarks.http.rows import Rows, Vocabulary, marks, tokenize

PUBLISHED = "p.status = 'active'"
LISTED = f"{PUBLISHED} AND p.price_min IS NOT NULL"
CANDIDATES = 150
MAX_RUN = 2
PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(p.name, '') || ' ' || coalesce(p.search_document, ''))"
)


def _json(data: Any) -> Response:
    return Response(orjson.dumps({"data": data}, default=str), media_type="application/json")


async def _variables(request: Request) -> dict[str, Any]:
    body = orjson.loads(await request.body())
    variables = body.get("variables") if isinstance(body, dict) else None
    return variables if isinstance(variables, dict) else {}


class Floors:
    def __init__(self, rows: Rows) -> None:
        self.rows = rows
        self.vocabulary = Vocabulary(())

    async def load_vocabulary(self) -> None:
        if self.rows.postgres:
            documents = f"SELECT {PG_DOCUMENT} FROM product p WHERE {PUBLISHED}"
            sql = f"SELECT word AS term FROM ts_stat($${documents}$$)"
        else:
            await self.rows.script(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.product_fts_terms "
                "USING fts5vocab(main, product_fts, 'instance')"
            )
            sql = (
                "SELECT DISTINCT v.term AS term FROM temp.product_fts_terms v "
                f"JOIN product p ON p.id = v.doc WHERE {PUBLISHED}"
            )
        self.vocabulary = Vocabulary(str(row["term"]) for row in await self.rows.all(sql))

    async def typename(self, request: Request) -> Response:
        await request.body()
        return _json({"__typename": "Query"})

    async def list_page(self, request: Request) -> Response:
        await _variables(request)
        total = await self.rows.all(f"SELECT COUNT(*) AS n FROM product p WHERE {LISTED}")
        products = await self.rows.all(
            "SELECT p.id, p.name, p.brand_id, p.category_id FROM product p "
            f"WHERE {LISTED} ORDER BY p.created_at DESC, p.id DESC LIMIT 21"
        )
        return _json({"products": await self._connection(products, int(total[0]["n"]))})

    async def search_page(self, request: Request) -> Response:
        text = str((await _variables(request)).get("q") or "")
        ids = await self._search(tokenize(text))
        page = ids[:20]
        found = await self.rows.all(
            "SELECT p.id, p.name, p.brand_id, p.category_id FROM product p "
            f"WHERE p.id IN ({marks(page)})",
            page,
        )
        by_id = {row["id"]: row for row in found}
        products = [by_id[pid] for pid in page if pid in by_id]
        return _json({"products": await self._connection(products, len(ids))})

    async def product_page(self, request: Request) -> Response:
        slug = str((await _variables(request)).get("slug") or "")
        found = await self.rows.all(
            "SELECT p.id, p.name, p.slug, p.description, p.brand_id, p.category_id, "
            f"p.price_min, p.price_max, p.currency FROM product p WHERE p.slug = ? AND {PUBLISHED}",
            [slug],
        )
        if not found:
            return _json({"product": None})
        row = found[0]
        pid = [row["id"]]
        brands = await self._brands([row["brand_id"]])
        categories = await self._categories([row["category_id"]], ("name", "slug"))
        variants = await self.rows.all(
            "SELECT sku, name, price, currency, stock FROM variant WHERE product_id = ? "
            "ORDER BY position, id",
            pid,
        )
        images = await self.rows.all(
            "SELECT url, alt_text FROM product_image WHERE product_id = ? ORDER BY position, id",
            pid,
        )
        certificates = await self.rows.all(
            "SELECT scheme, certificate_number FROM certification WHERE product_id = ? "
            "ORDER BY scheme",
            pid,
        )
        price = None
        if row["price_min"] is not None and row["price_max"] is not None:
            price = {
                "start": {"amount": row["price_min"], "currency": row["currency"]},
                "stop": {"amount": row["price_max"], "currency": row["currency"]},
            }
        product = {
            "name": row["name"],
            "slug": row["slug"],
            "description": row["description"],
            "priceRange": price,
            "brand": brands.get(row["brand_id"]),
            "category": categories.get(row["category_id"]),
            "variants": [
                {
                    "sku": v["sku"],
                    "name": v["name"],
                    "price": {"amount": v["price"], "currency": v["currency"]},
                    "stock": max(v["stock"], 0),
                }
                for v in variants
            ],
            "images": [{"url": i["url"], "altText": i["alt_text"]} for i in images],
            "certifications": [
                {"scheme": c["scheme"], "certificateNumber": c["certificate_number"]}
                for c in certificates
            ],
        }
        return _json({"product": product})

    async def feed_page(self, request: Request) -> Response:
        await _variables(request)
        stocked = "EXISTS (SELECT 1 FROM variant v WHERE v.product_id = p.id AND v.stock > 0)"
        best = await self.rows.all(
            "SELECT p.id, p.name, p.slug, p.price_min, p.category_id, "
            f"CASE WHEN {stocked} THEN 1 ELSE 0 END AS stocked FROM product p WHERE {LISTED} "
            f"ORDER BY p.sales_count DESC, p.created_at DESC, p.id DESC LIMIT {CANDIDATES}"
        )
        count = max(len(best), 1)
        scored = [
            (round(1.0 - index / count, 6), row) for index, row in enumerate(best) if row["stocked"]
        ]
        page = _diversify(scored)[:20]
        ids = [row["id"] for _, row in page]
        images = await self._by_product(
            "SELECT product_id, url FROM product_image WHERE product_id IN ({}) "
            "ORDER BY position, id",
            ids,
        )
        edges = [
            {
                "node": {
                    "score": score,
                    "reason": {"kind": "POPULAR", "text": "Popular right now"},
                    "product": {
                        "name": row["name"],
                        "slug": row["slug"],
                        "priceRange": {"start": {"amount": row["price_min"]}},
                        "images": [{"url": i["url"]} for i in images[row["id"]]],
                    },
                }
            }
            for score, row in page
        ]
        return _json({"feed": {"edges": edges}})

    async def _search(self, tokens: list[str]) -> list[int]:
        if not tokens:
            return []
        alternatives = [self.vocabulary.alternatives(token) for token in tokens]
        if self.rows.postgres:
            tsquery = " & ".join(
                "(" + " | ".join([f"{alts[0]}:*", *(f"'{term}'" for term in alts[1:])]) + ")"
                for alts in alternatives
            )
            rows = await self.rows.all(
                f"SELECT p.id, ts_rank_cd({PG_DOCUMENT}, to_tsquery('simple', ?)) * 4"
                " + word_similarity(?, lower(p.name)) * 2"
                " + word_similarity(?, lower(p.search_document)) AS rank"
                f" FROM product p WHERE {LISTED} AND {PG_DOCUMENT} @@ to_tsquery('simple', ?)"
                " ORDER BY rank DESC, p.id LIMIT 2000",
                [tsquery, " ".join(tokens), " ".join(tokens), tsquery],
            )
        else:
            match = " AND ".join(
                "(" + " OR ".join([f'"{alts[0]}"*', *(f'"{term}"' for term in alts[1:])]) + ")"
                for alts in alternatives
            )
            rows = await self.rows.all(
                "SELECT p.id AS id, -bm25(product_fts, 10.0, 2.0) AS rank"
                " FROM product_fts JOIN product p ON p.id = product_fts.rowid"
                f" WHERE product_fts MATCH ? AND {LISTED} ORDER BY rank DESC, p.id LIMIT 2000",
                [match],
            )
        return [int(row["id"]) for row in rows]

    async def _connection(self, products: list[dict[str, Any]], total: int) -> dict[str, Any]:
        products = products[:20]
        ids = [p["id"] for p in products]
        brands = await self._brands([p["brand_id"] for p in products])
        categories = await self._categories([p["category_id"] for p in products], ("name",))
        tags = await self._by_product(
            "SELECT pt.product_id, t.name FROM tag t JOIN product_tag pt ON pt.tag_id = t.id "
            "WHERE pt.product_id IN ({}) ORDER BY t.name",
            ids,
        )
        variants = await self._by_product(
            "SELECT product_id, sku, price, stock FROM variant WHERE product_id IN ({}) "
            "ORDER BY position, id",
            ids,
        )
        images = await self._by_product(
            "SELECT product_id, url FROM product_image WHERE product_id IN ({}) "
            "ORDER BY position, id",
            ids,
        )
        edges = [
            {
                "node": {
                    "name": p["name"],
                    "brand": brands.get(p["brand_id"]),
                    "category": categories.get(p["category_id"]),
                    "tags": [{"name": t["name"]} for t in tags[p["id"]]],
                    "variants": [
                        {
                            "sku": v["sku"],
                            "price": {"amount": v["price"]},
                            "stock": max(v["stock"], 0),
                        }
                        for v in variants[p["id"]]
                    ],
                    "images": [{"url": i["url"]} for i in images[p["id"]]],
                }
            }
            for p in products
        ]
        return {"totalCount": total, "edges": edges}

    async def _brands(self, wanted: list[int | None]) -> dict[int, dict[str, Any]]:
        ids = sorted({bid for bid in wanted if bid is not None})
        rows = await self.rows.all(f"SELECT id, name FROM brand WHERE id IN ({marks(ids)})", ids)
        return {row["id"]: {"name": row["name"]} for row in rows}

    async def _categories(
        self, wanted: list[int | None], ancestor_fields: tuple[str, ...]
    ) -> dict[int, dict[str, Any]]:
        """Categories with their ancestors (root first): the rows, then the ancestors' rows."""
        ids = sorted({cid for cid in wanted if cid is not None})
        sql = "SELECT id, name, slug, path FROM category WHERE id IN ({})"
        rows = await self.rows.all(sql.format(marks(ids)), ids)
        paths = {
            row["id"]: [int(part) for part in row["path"].strip("/").split("/") if part][:-1]
            for row in rows
        }
        above = sorted({aid for chain in paths.values() for aid in chain})
        ancestors = {r["id"]: r for r in await self.rows.all(sql.format(marks(above)), above)}
        return {
            row["id"]: {
                "name": row["name"],
                "ancestors": [
                    {field: ancestors[aid][field] for field in ancestor_fields}
                    for aid in paths[row["id"]]
                    if aid in ancestors
                ],
            }
            for row in rows
        }

    async def _by_product(self, sql: str, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in await self.rows.all(sql.format(marks(ids)), ids):
            grouped[row["product_id"]].append(row)
        return grouped


def _diversify(scored: list[tuple[float, dict[str, Any]]]) -> list[tuple[float, dict[str, Any]]]:
    """Best first, but never more than MAX_RUN products of one category in a row."""
    pending = sorted(scored, key=lambda item: (-item[0], item[1]["id"]))
    result: list[tuple[float, dict[str, Any]]] = []
    while pending:
        run = {row["category_id"] for _, row in result[-MAX_RUN:]}
        pick = 0
        if len(result) >= MAX_RUN and len(run) == 1:
            blocked = run.pop()
            pick = next(
                (i for i, (_, row) in enumerate(pending) if row["category_id"] != blocked), 0
            )
        result.append(pending.pop(pick))
    return result


def create_app(database_url: str | None = None) -> Starlette:
    """The floor app on `database_url` (default: DATABASE_URL, else shopgraph's SQLite file)."""
    url = database_url or os.environ.get("DATABASE_URL") or ""
    if not url:
        from api.settings import DEFAULT_SQLITE_PATH

        url = f"sqlite://{DEFAULT_SQLITE_PATH}"
    floors = Floors(Rows(url))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await floors.rows.open()
        await floors.load_vocabulary()
        try:
            yield
        finally:
            await floors.rows.close()

    routes = [
        Route("/typename", floors.typename, methods=["GET", "POST"]),
        Route("/list", floors.list_page, methods=["POST"]),
        Route("/product", floors.product_page, methods=["POST"]),
        Route("/search", floors.search_page, methods=["POST"]),
        Route("/feed", floors.feed_page, methods=["POST"]),
    ]
    return Starlette(routes=routes, lifespan=lifespan)
