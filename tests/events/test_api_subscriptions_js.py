"""The reference JavaScript client (graphql-ws with ws, from npm) against a served instance:
it subscribes, a change is made over HTTP, and it receives the change."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api._served import served
from tests.events._live import SETTLE, WAIT, Shop, create_staff

JS_DIR = Path(__file__).resolve().parents[1] / "js"
STOCK = """subscription($p: ID!) { stockChanges(productId: $p) {
  stock variant { id } event { type payload } } }"""


def _skip_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed: install Node.js 18+ to run the graphql-ws client test"
    if not all((JS_DIR / "node_modules" / name).is_dir() for name in ("graphql-ws", "ws")):
        return "run `npm ci --prefix tests/js` to install graphql-ws and ws for this test"
    return None


pytestmark = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    path: Path = tmp_path_factory.mktemp("js") / "js.sqlite3"
    with served(path, seed_products=6) as instance:
        create_staff({**os.environ, "DATABASE_URL": f"sqlite://{path}", "REDIS_URL": ""})
        yield Shop(instance.url)
    assert "Traceback" not in instance.output, instance.output


async def _client(
    shop: Shop, query: str, variables: dict[str, str], params: dict[str, str]
) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        "node", str(JS_DIR / "subscribe.mjs"), shop.ws_url, query,
        json.dumps(variables), json.dumps(params), "1",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _line(process: asyncio.subprocess.Process) -> dict[str, object]:
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), WAIT)
    assert line, (await process.communicate())[1].decode()
    return dict(json.loads(line))


async def test_the_graphql_ws_client_receives_a_stock_change_made_over_http(shop: Shop) -> None:
    # Given the reference client subscribed to a product's stock
    product_id, variant_id = await shop.variant_in_stock()
    process = await _client(shop, STOCK, {"p": product_id}, {})
    assert await _line(process) == {"connected": True}
    await asyncio.sleep(SETTLE)  # the client subscribes right after the ack; let it land

    # When a unit is bought over HTTP
    await shop.checkout(variant_id)

    # Then the client prints the change
    message = await _line(process)
    assert await asyncio.wait_for(process.wait(), WAIT) == 0
    change = message["next"]["data"]["stockChanges"]  # type: ignore[index]
    assert change["event"]["type"] == "VARIANT_STOCK_CHANGED"
    assert change["variant"] == {"id": variant_id}
    assert change["stock"] == change["event"]["payload"]["newStock"]


async def test_the_client_sees_4403_for_a_forged_token(shop: Shop) -> None:
    process = await _client(shop, STOCK, {"p": "x"}, {"authorization": "Bearer forged"})
    message = await _line(process)
    await asyncio.wait_for(process.wait(), WAIT)
    assert message == {"error": 4403, "reason": "Forbidden"}
