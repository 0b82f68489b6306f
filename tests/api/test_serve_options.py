"""How `shopgraph serve` runs uvicorn: its C loop and parser, workers, the access log."""

from __future__ import annotations

from dataclasses import replace

import pytest

from api.cli import server_options
from api.settings import load_settings


def test_serve_names_uvloop_and_httptools_and_logs_no_access_in_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("SHOPGRAPH_ACCESS_LOG", raising=False)
    monkeypatch.delenv("SHOPGRAPH_WORKERS", raising=False)
    development = load_settings()
    production = replace(development, environment="production")

    options = server_options(production)

    assert options == {"loop": "uvloop", "http": "httptools", "workers": 1, "access_log": False}
    assert server_options(development)["access_log"] is True
