"""The graphql-http audit suite (GraphQL over HTTP: every MUST, SHOULD and MAY) against a
served instance, with the reference implementation's own checks."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.api._served import served

JS_DIR = Path(__file__).resolve().parent.parent / "js"


def _skip_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed: install Node.js 18+ to run the GraphQL-over-HTTP audit"
    if not (JS_DIR / "node_modules" / "graphql-http").is_dir():
        return "run `npm ci --prefix tests/js` to install graphql-http for this audit"
    return None


@pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")
def test_every_graphql_over_http_audit_passes(tmp_path: Path) -> None:
    with served(tmp_path / "audit.sqlite3") as instance:
        audit = subprocess.run(
            ["node", str(JS_DIR / "audit.mjs"), f"{instance.url}/graphql"],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
    results = [json.loads(line) for line in audit.stdout.splitlines() if line.strip()]
    assert len(results) > 50, audit.stdout + audit.stderr
    failed = [f"{r['id']} {r['name']}: {r['reason']}" for r in results if r["status"] != "ok"]
    assert failed == [], "\n".join(failed)
