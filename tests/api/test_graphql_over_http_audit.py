"""The graphql-http audit suite (GraphQL over HTTP: every MUST, SHOULD and MAY) against a
served instance, with the reference implementation's own checks."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

JS_DIR = Path(__file__).resolve().parent.parent / "js"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _skip_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed: install Node.js 18+ to run the GraphQL-over-HTTP audit"
    if not (JS_DIR / "node_modules" / "graphql-http").is_dir():
        return "run `npm ci --prefix tests/js` to install graphql-http for this audit"
    return None


@pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")
def test_every_graphql_over_http_audit_passes(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{tmp_path / 'audit.sqlite3'}",
        "REDIS_URL": "",
        "SHOPGRAPH_LOG_LEVEL": "WARNING",
        "SHOPGRAPH_RECOMMENDER_INTERVAL": "0",
    }
    cli = [sys.executable, "-m", "api.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/graphql"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not come up within 60 s")
        audit = subprocess.run(
            ["node", str(JS_DIR / "audit.mjs"), url],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
    results = [json.loads(line) for line in audit.stdout.splitlines() if line.strip()]
    assert len(results) > 50, audit.stdout + audit.stderr
    failed = [f"{r['id']} {r['name']}: {r['reason']}" for r in results if r["status"] != "ok"]
    assert failed == [], "\n".join(failed)
