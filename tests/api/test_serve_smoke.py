"""`shopgraph migrate`, `seed` and `serve` as `make run` calls them, over real HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.api._served import served

QUERY = '{ products(first: 3, search: "lego tecnic") { totalCount edges { node { name } } } }'


def test_served_api_answers_queries(tmp_path: Path) -> None:
    with served(tmp_path / "smoke.sqlite3", seed_products=60) as instance:
        body = httpx.post(f"{instance.url}/graphql", json={"query": QUERY}).json()
        assert "errors" not in body, body
        names = [edge["node"]["name"] for edge in body["data"]["products"]["edges"]]
        assert names and "technic" in names[0].lower()
        ready = httpx.get(f"{instance.url}/readyz")
        assert ready.status_code == 200, ready.text
    assert "Traceback" not in instance.output, instance.output
