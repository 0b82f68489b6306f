"""shopgraph over HTTP beside hand-written floors, both under the same uvicorn, in one run.

Seeds a demo store (`--scale N`: 600 x N products), starts shopgraph and the floor app
(benchmarks/http/floors.py) as uvicorn processes with the same settings on free 127.0.0.1
ports, drives each page of benchmarks/http/pages.py on both with the same load generator
for a fixed time and connection count, and prints req/s, mean and p99 latency and the
floor/shopgraph ratio beside the goal. Then the list page's in-process p50/p99 through
httpx's ASGI transport. Figures only; nothing here is a test.

    python -m benchmarks.http                       # SQLite file under var/bench/
    DATABASE_URL=postgres://... python -m benchmarks.http --scale 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks.http import loadgen
from benchmarks.http.pages import LIST_PAGE, Page, pages
from benchmarks.http.rows import Rows

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
PRODUCTS_PER_SCALE = 600
START_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=env, check=True)


async def _store(url: str) -> tuple[int, str, str]:
    """Products present, the product page's slug, and the database's version."""
    rows = Rows(url)
    await rows.open()
    try:
        count = (await rows.all("SELECT COUNT(*) AS n FROM product"))[0]["n"]
        slug = await rows.all(
            "SELECT p.slug FROM product p WHERE p.status = 'active' AND p.price_min IS NOT NULL"
            " AND EXISTS (SELECT 1 FROM certification c WHERE c.product_id = p.id)"
            " ORDER BY p.created_at DESC, p.id DESC LIMIT 1"
        )
        if rows.postgres:
            version = str((await rows.all("SHOW server_version"))[0]["server_version"])
            version = f"PostgreSQL {version}"
        else:
            version = f"SQLite {sqlite3.sqlite_version}"
    finally:
        await rows.close()
    return int(count), str(slug[0]["slug"]) if slug else "-", version


async def _drop_public_schema(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect("postgresql://" + url.split("://", 1)[1].split("?", 1)[0])
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await conn.close()


def prepare(url: str, scale: int, fresh: bool, env: dict[str, str]) -> tuple[int, str, str]:
    """Migrate and seed the demo store unless it already holds this scale."""
    wanted = PRODUCTS_PER_SCALE * scale
    if fresh and url.startswith(("postgres", "asyncpg")):
        asyncio.run(_drop_public_schema(url))
    elif fresh and url.startswith("sqlite://"):
        Path(url.split("://", 1)[1]).unlink(missing_ok=True)
    _cli(env, "migrate")
    count, _, _ = asyncio.run(_store(url))
    if count == 0:
        print(f"seeding the demo store at scale {scale} ({wanted} products) ...", flush=True)
        _cli(env, "seed", "--scale", str(scale), "--quiet")
    elif count != wanted:
        print(f"note: the database holds {count} products, not {wanted}; --fresh reseeds it")
    return asyncio.run(_store(url))


def _serve(app: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    # The same command line for shopgraph and the floor, with the loop and HTTP parser that
    # `shopgraph serve` picks (api.cli.server_options) and its production access log (off).
    options = _server_options()
    return subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", app, "--host", HOST, "--port", str(port),
         "--workers", str(workers), "--loop", options["loop"], "--http", options["http"],
         "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env,
    )  # fmt: skip


def _server_options() -> dict[str, Any]:
    from api.cli import server_options
    from api.settings import load_settings

    return server_options(load_settings())


def _post(port: int, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://{HOST}:{port}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
    return answer


def _wait_ready(process: subprocess.Popen[bytes], port: int, path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            _post(port, path, {"query": "{ __typename }"})
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not start in {START_TIMEOUT:.0f} s")


def _drive(generator: str, port: int, path: str, page: Page, seconds: int) -> loadgen.Result:
    run = loadgen.run_wrk if generator == "wrk" else loadgen.run_python
    return run(
        host=HOST, port=port, path=path, body=page.body(), connections=page.connections,
        seconds=seconds,
    )  # fmt: skip


def _cell(result: loadgen.Result) -> str:
    failed = f" ({result.failures} failed)" if result.failures else ""
    return f"{result.rps:9,.0f} {result.mean_ms:7.1f} {result.p99_ms:7.1f}{failed}"


def measure(args: argparse.Namespace, env: dict[str, str], slug: str, generator: str) -> None:
    ours, floor = _free_port(), _free_port()
    servers = [
        _serve("api.app:create_served_app", ours, args.workers, env),
        _serve("benchmarks.http.floors:create_app", floor, args.workers, env),
    ]
    try:
        _wait_ready(servers[0], ours, "/graphql")
        _wait_ready(servers[1], floor, "/typename")
        fastest = 0.0
        header = f"{'request':32} {'conns':>5} | {'shopgraph req/s  mean ms  p99 ms':>33}"
        print(header + f" | {'floor req/s  mean ms  p99 ms':>33} | ratio  goal")
        for page in pages(slug):
            answer = _post(ours, "/graphql", page.body())
            if "errors" in answer or answer.get("data") != _post(
                floor, page.floor_path, page.body()
            ).get("data"):
                print(f"{page.name}: shopgraph and the floor answer differently; skipped")
                continue
            for _ in range(20):  # warm both: caches, pools, first-call imports
                _post(ours, "/graphql", page.body())
                _post(floor, page.floor_path, page.body())
            project = _drive(generator, ours, "/graphql", page, args.seconds)
            bare = _drive(generator, floor, page.floor_path, page, args.seconds)
            fastest = max(fastest, bare.rps)
            ratio = bare.rps / project.rps if project.rps else float("inf")
            verdict = "ok" if ratio <= page.goal else "MISS"
            print(
                f"{page.name:32} {page.connections:5d} | {_cell(project):>33} | "
                f"{_cell(bare):>33} | {ratio:4.1f}x  <={page.goal:.0f}x {verdict}",
                flush=True,
            )
        if generator == "python":
            top = loadgen.ceiling(port=_free_port(), connections=16, seconds=min(args.seconds, 5))
            bound = "" if top.rps >= 2 * fastest else "  (under 2x the fastest floor: "
            bound += "" if not bound else "the floor figures may be the generator's)"
            print(f"python generator ceiling (canned sink): {top.rps:,.0f} req/s; "
                  f"fastest floor {fastest:,.0f} req/s{bound}")  # fmt: skip
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=5)


async def in_process(url: str, rounds: int) -> None:
    """p50 and p99 of the list page through httpx's ASGI transport (no network, no server)."""
    import httpx
    from asgi_lifespan import LifespanManager

    from api.app import create_app
    from api.settings import load_settings

    settings = replace(
        load_settings(),
        database_url=url,
        rate_limit_capacity=10**9,
        rate_limit_restore_rate=10.0**9,
        log_level="WARNING",
        # Measured executing, like the servers above: a response-cache hit is not the read path.
        response_cache_ttl=0,
    )
    app = create_app(settings)
    timings: list[float] = []
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for _ in range(10):
                await client.post("/graphql", json={"query": LIST_PAGE})
            for _ in range(rounds):
                start = time.perf_counter()
                response = await client.post("/graphql", json={"query": LIST_PAGE})
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.text
    timings.sort()
    p50 = timings[len(timings) // 2]
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    verdict = "ok" if p99 <= 2 * p50 else "MISS"
    print(
        f"in-process list page, {rounds} rounds: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"p99/p50 {p99 / p50:.1f}x (goal <=2x) {verdict}"
    )


def _machine(generator: str, version: str, count: int, scale: int, workers: int) -> None:
    import uvicorn

    options = _server_options()
    load = " / ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"machine: {os.cpu_count()} cores, load {load}, Python {platform.python_version()}, "
        f"uvicorn {uvicorn.__version__} (loop {options['loop']}, http {options['http']}), "
        f"{workers} worker(s) each"
    )
    print(f"database: {version}, {count} products (scale {scale})")
    if generator == "wrk":
        banner = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        name = (banner.stdout or banner.stderr).split(" [")[0].strip()
        print(f"load generator: {name}, 1 thread")
    else:
        print("load generator: Python (asyncio keep-alive client on uvloop); wrk not used")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=2, help="demo store size: 600 x N products")
    parser.add_argument("--seconds", type=int, default=8, help="load time per server and page")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers, both servers")
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--rounds", type=int, default=300, help="in-process list page rounds")
    parser.add_argument("--fresh", action="store_true", help="drop the database and reseed")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 120 or not 1 <= args.scale <= 100:
        parser.error("--seconds must be 1..120 and --scale 1..100")
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = ROOT / "var" / "bench" / f"scale-{args.scale}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite://{path}"
    generator = args.generator
    if generator == "auto":
        generator = "wrk" if loadgen.wrk_path() else "python"
    with tempfile.TemporaryDirectory(prefix="shopgraph-bench-") as models:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SHOPGRAPH_LOG_LEVEL": "WARNING",
            # One client sends all the load: its rate limit would refuse most of it.
            "SHOPGRAPH_RATE_LIMIT_CAPACITY": str(10**9),
            "SHOPGRAPH_RATE_LIMIT_RESTORE_RATE": str(10**9),
            # No trained model: TRENDING serves the best sellers, as the floor does.
            "SHOPGRAPH_MODEL_DIR": models,
            "SHOPGRAPH_RECOMMENDER_INTERVAL": "0",
            # The floors cache nothing, so the pages compare execution: repeated anonymous
            # reads would otherwise be answered from the response cache. Set it to measure that.
            "SHOPGRAPH_RESPONSE_CACHE_TTL": os.environ.get("SHOPGRAPH_RESPONSE_CACHE_TTL", "0"),
        }
        count, slug, version = prepare(url, args.scale, args.fresh, env)
        _machine(generator, version, count, args.scale, args.workers)
        print(f"redis: {'yes' if env.get('REDIS_URL') else 'no'}; {args.seconds} s per run; "
              f"ratio = floor req/s / shopgraph req/s")  # fmt: skip
        measure(args, env, slug, generator)
        os.environ["SHOPGRAPH_MODEL_DIR"] = models
        asyncio.run(in_process(url, args.rounds))


if __name__ == "__main__":
    main()
