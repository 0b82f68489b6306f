"""Load generators: `wrk` when installed, else a keep-alive asyncio client in Python.

Both send one fixed POST to 127.0.0.1 over N keep-alive connections for a fixed time and
report requests per second, mean and p99 latency. The Python one also has a sink (a server
that answers every request with a canned response) so its own ceiling can be measured:
`python -m benchmarks.http.loadgen --ceiling`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

MAX_REQUESTS = 2_000_000  # a bound on every run, whatever the duration


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    mean_ms: float
    p99_ms: float
    failures: int  # non-2xx responses and socket errors

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _check_local(host: str) -> None:
    if not host.startswith("127.") and host != "localhost":
        raise ValueError(f"load is only ever sent to the loopback interface, not {host}")


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run_wrk(
    *, host: str, port: int, path: str, body: dict[str, Any], connections: int, seconds: int
) -> Result:
    _check_local(host)
    wrk = wrk_path()
    assert wrk is not None, "wrk is not installed"
    script = (
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(json.dumps(body))}\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        output = subprocess.run(
            [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", handle.name,
             f"http://{host}:{port}{path}"],
            capture_output=True, text=True, timeout=seconds + 30, check=True,
        ).stdout  # fmt: skip
    finally:
        Path(handle.name).unlink()
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    mean = re.search(r"Latency\s+([\d.]+)(us|ms|s)", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    failures = int(errors.group(1)) if errors else 0
    if sockets:
        failures += sum(int(n) for n in sockets.groups())
    return Result(requests, float(seconds), _ms(mean), _ms(p99), failures)


def _ms(found: re.Match[str] | None) -> float:
    if found is None:
        return float("nan")
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[found.group(2)]


def run_python(
    *, host: str, port: int, path: str, body: dict[str, Any], connections: int, seconds: int
) -> Result:
    _check_local(host)
    return _run(_drive(host, port, path, json.dumps(body).encode(), connections, seconds))


def _run(work: Coroutine[Any, Any, T]) -> T:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return asyncio.run(work)
    return uvloop.run(work)


async def _drive(
    host: str, port: int, path: str, payload: bytes, connections: int, seconds: float
) -> Result:
    request = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(payload)}\r\n\r\n"
    ).encode() + payload
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds
    budget = MAX_REQUESTS // max(connections, 1)

    async def one_connection() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for _ in range(budget):
                if time.perf_counter() >= deadline:
                    break
                start = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = re.search(rb"(?i)content-length:\s*(\d+)", head)
                await reader.readexactly(int(length.group(1)) if length else 0)
                latencies.append(time.perf_counter() - start)
                if not head.startswith(b"HTTP/1.1 2"):
                    failures += 1
        except (OSError, asyncio.IncompleteReadError):
            failures += 1
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(one_connection() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        return Result(0, elapsed, float("nan"), float("nan"), failures)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return Result(len(latencies), elapsed, statistics.fmean(latencies) * 1000, p99 * 1000, failures)


class _Sink(asyncio.Protocol):
    """Answers each request (one per read, as a keep-alive client sends them) at once."""

    RESPONSE = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\ncontent-type: application/json\r\n\r\n{}"

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.transport.write(self.RESPONSE * max(data.count(b"POST "), 1))


async def _serve_sink(port: int, seconds: float) -> None:
    server = await asyncio.get_running_loop().create_server(_Sink, "127.0.0.1", port)
    async with server:
        await asyncio.sleep(seconds)


def ceiling(*, port: int, connections: int, seconds: int) -> Result:
    """What the Python generator can send when the server costs nothing (a sink process)."""
    sink = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.http.loadgen", "--sink", str(port),
         "--seconds", str(seconds + 10)]
    )  # fmt: skip
    try:
        time.sleep(1.0)
        return run_python(
            host="127.0.0.1", port=port, path="/", body={}, connections=connections,
            seconds=seconds,
        )  # fmt: skip
    finally:
        sink.terminate()
        sink.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sink", type=int, help="serve the canned sink on this port")
    parser.add_argument("--ceiling", action="store_true", help="measure the Python generator")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=18999)
    args = parser.parse_args()
    if args.sink:
        _run(_serve_sink(args.sink, args.seconds))
    elif args.ceiling:
        result = ceiling(port=args.port, connections=args.connections, seconds=args.seconds)
        print(f"python generator ceiling: {result.rps:,.0f} req/s")


if __name__ == "__main__":
    main()
