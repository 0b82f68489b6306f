"""`shopgraph migrate` (and `seed`) then `shopgraph serve` as a real uvicorn process on a free
127.0.0.1 port, for tests whose claim is about the served server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

CLI = [sys.executable, "-m", "api.cli"]
START_TIMEOUT = 60.0


@dataclass
class Served:
    url: str
    output: str = ""  # what the server printed, filled once it has stopped


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(database: Path, *, seed_products: int | None = None, **env: str) -> Iterator[Served]:
    """A served instance on an SQLite file; stops it on exit and keeps what it printed."""
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{database}",
        "REDIS_URL": "",
        "SHOPGRAPH_LOG_LEVEL": "WARNING",
        "SHOPGRAPH_RECOMMENDER_INTERVAL": "0",
        **env,
    }
    subprocess.run([*CLI, "migrate"], env=environment, check=True, capture_output=True)
    if seed_products is not None:
        subprocess.run(
            [*CLI, "seed", "--products", str(seed_products), "--quiet", "--if-empty"],
            env=environment,
            check=True,
            capture_output=True,
        )
    port = _free_port()
    log_path = database.with_suffix(".log")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*CLI, "serve", "--port", str(port)],
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        instance = Served(url=f"http://127.0.0.1:{port}")
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while time.monotonic() < deadline and process.poll() is None:
                try:
                    httpx.get(f"{instance.url}/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                process.kill()
                process.wait(timeout=15)
                printed = log_path.read_text(errors="replace")
                pytest.fail(f"server did not come up within {START_TIMEOUT:.0f} s:\n{printed}")
            yield instance
        finally:
            process.terminate()
            process.wait(timeout=15)
    instance.output = log_path.read_text(errors="replace")
