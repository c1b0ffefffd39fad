"""Real servers for the scale-out tests: PostgreSQL (started by .ci/postgres.sh), and Redis and
nginx started here from Debian's packages on free loopback ports, in the test's own folder.

Without them the tests that need them are skipped, except in CI, where REQUIRE_POSTGRES=1 and
REQUIRE_SCALE=1 make a missing server a failure."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest
from aiohttp import ClientError, ClientSession
from sqlalchemy import text

from bot.storage.db import create_engine
from tests.test_run_command import start_bot

NGINX_DIR = Path(__file__).resolve().parent.parent / "deploy" / "nginx"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "")


def required(variable: str) -> bool:
    return os.environ.get(variable) == "1"


def needs(program: str) -> str:
    """The program's path; skips the test without it (fails in CI)."""
    path = shutil.which(program) or next(
        (str(p) for p in (Path("/usr/sbin") / program, Path("/usr/bin") / program)
         if p.exists()), None)
    if path is None:
        if required("REQUIRE_SCALE"):
            raise RuntimeError(f"REQUIRE_SCALE=1 but {program} is not installed")
        pytest.skip(f"{program} is not installed")
    return path


def needs_postgres() -> str:
    if not POSTGRES_URL:
        if required("REQUIRE_POSTGRES"):
            raise RuntimeError("REQUIRE_POSTGRES=1 but TEST_POSTGRES_URL is not set")
        pytest.skip("no PostgreSQL (set TEST_POSTGRES_URL)")
    return POSTGRES_URL


async def empty_database(url: str) -> str:
    """A PostgreSQL database with nothing in it (the benchmarks use it too)."""
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()
    return url


async def empty_postgres() -> str:
    """The test database with nothing in it."""
    return await empty_database(needs_postgres())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A Redis of its own, keeping nothing on disk (as README advises for the bot)."""
    program = needs("redis-server")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


@contextmanager
def nginx_in_front(folder: Path, instances: list[int]) -> Iterator[int]:
    """nginx with the project's own deploy/nginx/adilet-locations.conf, plain HTTP on loopback
    (TLS is the one part of adilet.conf left out), before the given instance ports."""
    program = needs("nginx")
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;"
                        for p in instances)
    # As root, nginx's workers would run as "nobody", who cannot enter the test's folder.
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(f"""
{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream adilet {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        include {NGINX_DIR}/adilet-locations.conf;
    }}
}}
""")
    process = subprocess.Popen([program, "-p", str(folder), "-c", str(folder / "nginx.conf")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for_port(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(10)


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"server exited with {process.returncode}: {error}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


async def wait_healthy(url: str, process: asyncio.subprocess.Process,
                       seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    async with ClientSession() as client:
        while time.monotonic() < deadline:
            if process.returncode is not None:
                _out, err = await process.communicate()
                raise RuntimeError(f"instance exited: {err.decode()[-2000:]}")
            try:
                async with client.get(f"{url}/healthz") as answer:
                    if answer.status == 200:
                        return
            except ClientError:
                pass
            await asyncio.sleep(0.2)
    raise TimeoutError(f"{url} did not become healthy")


@asynccontextmanager
async def instances(envs: list[dict[str, str]], cwd: Path
                    ) -> AsyncIterator[tuple[list[str], list[asyncio.subprocess.Process]]]:
    """Start the instances, wait until each answers /healthz; stop them with SIGTERM. The
    logs of each are checked for tracebacks at the end."""
    # As an operator (or systemd, deploy/systemd/adilet@.service) starts each one.
    processes = [await start_bot(env, cwd) for env in envs]
    urls = [f"http://127.0.0.1:{env['HTTP_PORT']}" for env in envs]
    logs: list[str] = []
    try:
        for url, process in zip(urls, processes, strict=True):
            await wait_healthy(url, process)
        yield urls, processes
    finally:
        for process in processes:
            if process.returncode is None:
                process.terminate()
        for process in processes:
            _out, err = await asyncio.wait_for(process.communicate(), 40)
            logs.append(err.decode())
    for log in logs:
        assert "Traceback" not in log, log[-3000:]
