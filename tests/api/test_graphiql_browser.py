"""GraphiQL in a real (headless) browser: the page loads offline, runs a query, shows the result.

Uses Debian's Chromium (``/usr/bin/chromium``, or ``SHOPGRAPH_BROWSER``), never a browser
downloaded by ``playwright install``. Without one the test is skipped, except on CI
(``CI=true``) where it fails so that it can never be skipped silently.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import uvicorn
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Request, Response, Route, async_playwright

from api.app import create_app
from api.graphiql import GRAPHIQL_STATIC_PREFIX
from api.settings import Settings
from models.catalog import Product, ProductStatus

DEFAULT_BROWSER = "/usr/bin/chromium"
SCREENSHOT = Path(__file__).resolve().parents[2] / "var" / "graphiql.png"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
TIMEOUT_MS = 30_000
QUERY = "{ products(first: 2, sort: NAME) { edges { node { name } } } }"

# Flags that keep Chromium headless, root-compatible and off the network on its own account.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_QUERY_EDITOR = ".graphiql-query-editor .CodeMirror"
_RESPONSE_EDITOR = ".graphiql-response .CodeMirror"
_NETWORK_SCHEMES = ("http", "https", "ws", "wss")


def _leaves_machine(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in _NETWORK_SCHEMES and parts.hostname not in LOCAL_HOSTS


def _is_asset(url: str) -> bool:
    return urlsplit(url).path.startswith(f"{GRAPHIQL_STATIC_PREFIX}/")


@pytest.fixture
def chromium() -> str:
    """The Chromium binary to drive, or skip (fail on CI) with how to get one."""
    candidates = [os.environ.get("SHOPGRAPH_BROWSER", ""), DEFAULT_BROWSER]
    for candidate in filter(None, candidates):
        path = shutil.which(candidate)
        if path:
            return path
    message = (
        f"no Chromium at {DEFAULT_BROWSER}"
        + (
            f" nor at SHOPGRAPH_BROWSER={os.environ['SHOPGRAPH_BROWSER']!r}"
            if os.environ.get("SHOPGRAPH_BROWSER")
            else ""
        )
        + ": install Debian's chromium (apt-get install -y chromium) "
        "or set SHOPGRAPH_BROWSER to a Chromium binary"
    )
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the GraphiQL browser test; {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture
async def live_server(database: Settings) -> AsyncIterator[str]:
    """The app served over real HTTP on 127.0.0.1, in the test's event loop."""
    app = create_app(database, manage_database=False)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))  # a free port, held open so nobody can take it meanwhile
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            log_config=None,  # leave the process's logging configuration alone
            lifespan="off",
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            async with asyncio.timeout(10):
                while not server.started:
                    if task.done():
                        task.result()  # re-raise why it stopped
                        pytest.fail("uvicorn stopped before it started")
                    await asyncio.sleep(0.02)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            await task
    finally:
        sock.close()


async def test_graphiql_runs_a_query_in_a_browser(
    chromium: str, live_server: str, demo_store: dict[str, int]
) -> None:
    first_two = Product.filter(status=ProductStatus.ACTIVE).order_by("name", "id").limit(2)
    expected = [product.name for product in await first_two]
    assert expected, "the demo store has no active products"

    requested: list[str] = []
    external: list[str] = []
    failed_assets: list[str] = []
    page_errors: list[str] = []

    def diagnostics() -> str:
        return (
            f"requests to other hosts (refused): {external}\n"
            f"failed {GRAPHIQL_STATIC_PREFIX} assets: {failed_assets}\n"
            f"JavaScript errors: {page_errors}\n"
            f"screenshot: {SCREENSHOT}"
        )

    async def keep_offline(route: Route) -> None:
        # Record and refuse anything that would leave the machine: the test must neither
        # depend on nor silently use the internet.
        external.append(route.request.url)
        await route.abort()

    def on_request_failed(request: Request) -> None:
        if _is_asset(request.url):
            failed_assets.append(f"{request.url}: {request.failure}")

    def on_response(response: Response) -> None:
        if _is_asset(response.url) and not response.ok:
            failed_assets.append(f"{response.url}: HTTP {response.status}")

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS, headless=True
        )
        try:
            context = await browser.new_context(viewport={"width": 1400, "height": 900})
            await context.route(_leaves_machine, keep_offline)
            page = await context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.on("request", lambda request: requested.append(request.url))
            page.on("requestfailed", on_request_failed)
            page.on("response", on_response)
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            try:
                response = await page.goto(f"{live_server}/graphql")
                assert response is not None and response.ok, response and response.status
                await page.wait_for_selector(".graphiql-container")
                await page.wait_for_selector(_QUERY_EDITOR)
                # Let the schema introspection finish first, as a person would.
                await page.wait_for_load_state("networkidle")

                await page.evaluate(
                    "([selector, query]) => document.querySelector(selector)"
                    ".CodeMirror.setValue(query)",
                    [_QUERY_EDITOR, QUERY],
                )
                await page.click(".graphiql-execute-button")
                await page.wait_for_function(
                    "([selector, name]) => {"
                    "  const editor = document.querySelector(selector);"
                    "  return !!editor"
                    "    && editor.CodeMirror.getValue().includes(JSON.stringify(name));"
                    "}",
                    arg=[_RESPONSE_EDITOR, expected[0]],
                )
                shown = await page.evaluate(
                    "(selector) => document.querySelector(selector).CodeMirror.getValue()",
                    _RESPONSE_EDITOR,
                )
                visible_text = await page.inner_text(".graphiql-response")
            except PlaywrightError as error:
                await page.screenshot(path=str(SCREENSHOT))
                pytest.fail(f"{error.message}\n{diagnostics()}", pytrace=False)
            await page.screenshot(path=str(SCREENSHOT))
            await context.close()
        finally:
            await browser.close()

    result = json.loads(shown)
    assert "errors" not in result, result
    names = [edge["node"]["name"] for edge in result["data"]["products"]["edges"]]
    assert names == expected
    assert expected[0] in visible_text

    assert not external, diagnostics()
    assert not failed_assets, diagnostics()
    assert not page_errors, diagnostics()
    network = [url for url in requested if urlsplit(url).scheme in _NETWORK_SCHEMES]
    assert all(urlsplit(url).hostname in LOCAL_HOSTS for url in network), network
    assert any(_is_asset(url) and url.endswith("/graphiql.min.js") for url in requested)
