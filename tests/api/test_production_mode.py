"""SHOPGRAPH_ENV=production turns off what helps an attacker, and says so at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings, SettingsError, load_settings
from services.accounts import tokens

INTROSPECTION = "{ __schema { queryType { name } } }"
TYPO = "{ produts(first: 1) { totalCount } }"
PRODUCTION = {"SHOPGRAPH_ENV": "production", "SHOPGRAPH_SECRET_KEY": "s" * 48}
EDGE_VARIABLES = [
    "SHOPGRAPH_ENV",
    "SHOPGRAPH_DEBUG",
    "SHOPGRAPH_INTROSPECTION",
    "SHOPGRAPH_FIELD_SUGGESTIONS",
    "SHOPGRAPH_GRAPHIQL",
    "SHOPGRAPH_CORS_ORIGINS",
]
Environment = Callable[..., Settings]


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, database: Settings) -> Environment:
    """Settings as load_settings reads them from these variables, on the test database."""

    def load(**variables: str) -> Settings:
        for name in EDGE_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return replace(load_settings(), database_url=database.database_url)

    return load


@pytest.fixture
async def client_for(database: Settings) -> AsyncIterator[Callable[[Settings], httpx.AsyncClient]]:
    """HTTP clients for apps built from given settings (no lifespan: the session's runs)."""
    clients: list[httpx.AsyncClient] = []

    def make(settings: Settings) -> httpx.AsyncClient:
        app = create_app(settings, manage_database=False)
        transport = httpx.ASGITransport(app=app)
        http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        clients.append(http)
        return http

    yield make
    for http in clients:
        await http.aclose()
    # create_app installs its token secret process-wide; give the session's back.
    tokens.configure(secret=database.secret_key)


async def query(http: httpx.AsyncClient, document: str) -> dict[str, Any]:
    response = await http.post("/graphql", json={"query": document})
    body: dict[str, Any] = response.json()
    return body


def test_production_defaults_turn_exposure_off(environment: Environment) -> None:
    settings = environment(**PRODUCTION)
    assert (settings.introspection, settings.field_suggestions, settings.graphiql) == (
        False,
        False,
        False,
    )
    development = environment()
    assert (development.introspection, development.field_suggestions, development.graphiql) == (
        True,
        True,
        True,
    )


def test_settings_turn_each_back_on_in_production(environment: Environment) -> None:
    settings = environment(**PRODUCTION, SHOPGRAPH_INTROSPECTION="true", SHOPGRAPH_GRAPHIQL="true")
    assert settings.introspection and settings.field_suggestions and settings.graphiql
    quiet = environment(
        **PRODUCTION, SHOPGRAPH_INTROSPECTION="true", SHOPGRAPH_FIELD_SUGGESTIONS="false"
    )
    assert quiet.introspection and not quiet.field_suggestions


def test_debug_is_refused_in_production(environment: Environment) -> None:
    with pytest.raises(SettingsError, match="SHOPGRAPH_DEBUG"):
        environment(**PRODUCTION, SHOPGRAPH_DEBUG="true")
    development = environment(SHOPGRAPH_DEBUG="true")
    with pytest.raises(SettingsError, match="SHOPGRAPH_DEBUG"):
        create_app(replace(development, environment="production"), manage_database=False)


def test_serve_refuses_debug_in_production_with_a_clear_message() -> None:
    env = {**os.environ, **PRODUCTION, "SHOPGRAPH_DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "error: SHOPGRAPH_DEBUG=true is refused when SHOPGRAPH_ENV=production" in result.stderr
    assert "Traceback" not in result.stderr


async def test_production_refuses_introspection_and_hides_suggestions(
    environment: Environment, client_for: Any
) -> None:
    http = client_for(environment(**PRODUCTION))
    refused = await query(http, INTROSPECTION)
    assert refused["data"] is None
    assert "introspection" in refused["errors"][0]["message"].lower()
    assert (await query(http, "{ __typename }"))["data"] == {"__typename": "Query"}
    typo = await query(http, TYPO)
    assert "produts" in typo["errors"][0]["message"]
    assert "Did you mean" not in str(typo)
    enum_typo = await query(http, "{ products(first: 1, sort: PRICE_ACS) { totalCount } }")
    assert "PRICE_ACS" in enum_typo["errors"][0]["message"]
    assert "Did you mean" not in str(enum_typo)


async def test_development_keeps_introspection_and_suggestions(
    environment: Environment, client_for: Any
) -> None:
    http = client_for(environment())
    assert (await query(http, INTROSPECTION))["data"]["__schema"]["queryType"]["name"] == "Query"
    assert "Did you mean 'products'" in str(await query(http, TYPO))


async def test_introspection_setting_reopens_it_in_production(
    environment: Environment, client_for: Any
) -> None:
    http = client_for(environment(**PRODUCTION, SHOPGRAPH_INTROSPECTION="true"))
    assert (await query(http, INTROSPECTION))["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_graphiql_is_off_in_production_unless_enabled(
    environment: Environment, client_for: Any
) -> None:
    browser = {"accept": "text/html"}
    off = client_for(environment(**PRODUCTION))
    assert (await off.get("/graphql", headers=browser)).status_code == 404
    assert (await off.get("/static/graphiql/graphiql.min.js")).status_code == 404

    on = client_for(environment(**PRODUCTION, SHOPGRAPH_GRAPHIQL="true"))
    page = await on.get("/graphql", headers=browser)
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    csp = page.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp
    assert "frame-ancestors 'none'" in csp
    assert (await on.get("/static/graphiql/graphiql.min.js")).status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/graphql?query={__typename}", "/missing"])
async def test_security_headers_on_every_response(
    environment: Environment, client_for: Any, path: str
) -> None:
    production = client_for(environment(**PRODUCTION))
    response = await production.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["strict-transport-security"].startswith("max-age=")

    development = client_for(environment())
    local = await development.get(path)
    assert local.headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in local.headers


PREFLIGHT = {
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type, authorization",
}


async def test_cors_preflight_answers_configured_origins(
    environment: Environment, client_for: Any
) -> None:
    http = client_for(
        environment(
            **PRODUCTION, SHOPGRAPH_CORS_ORIGINS="https://shop.example, https://admin.example/"
        )
    )
    allowed = await http.options(
        "/graphql", headers={"origin": "https://admin.example", **PREFLIGHT}
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://admin.example"
    assert "POST" in allowed.headers["access-control-allow-methods"]
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()

    other = await http.options("/graphql", headers={"origin": "https://evil.example", **PREFLIGHT})
    assert other.status_code == 400
    assert "access-control-allow-origin" not in other.headers

    simple = await http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": "https://shop.example"}
    )
    assert simple.headers["access-control-allow-origin"] == "https://shop.example"
    assert "x-request-id" in simple.headers["access-control-expose-headers"]


async def test_cors_in_production_without_origins_allows_none(
    environment: Environment, client_for: Any
) -> None:
    http = client_for(environment(**PRODUCTION))
    response = await http.options(
        "/graphql", headers={"origin": "http://localhost:3000", **PREFLIGHT}
    )
    assert "access-control-allow-origin" not in response.headers


async def test_cors_in_development_allows_local_pages(
    environment: Environment, client_for: Any
) -> None:
    http = client_for(environment())
    local = await http.options("/graphql", headers={"origin": "http://localhost:5173", **PREFLIGHT})
    assert local.status_code == 200
    assert local.headers["access-control-allow-origin"] == "http://localhost:5173"
    remote = await http.options("/graphql", headers={"origin": "https://evil.example", **PREFLIGHT})
    assert "access-control-allow-origin" not in remote.headers
