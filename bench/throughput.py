"""Throughput and latency: the whole bot against a bare aiogram echo bot, in one run.

Each bot runs as its own process, long polling the same fake Bot API (in this process), and
the same simulated people walk it: /start, a language, consent, then buttons at random (the echo
bot gets the same kinds of update). Printed: updates per second, p50 and p99 latency, the CPU
time the bot's process spent per update (less disturbed than the rate by other work on the
machine), and the whole bot's figures against the echo bot's (the framework's ceiling here).

    .venv/bin/python -m bench.throughput [--people 100] [--steps 12] [--postgres URL]

--postgres (or TEST_POSTGRES_URL) adds a run on PostgreSQL; its database is emptied first.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path

from bench.load import (
    Load,
    bot_env,
    cpu_seconds,
    drive,
    ready,
    start,
    stop,
    walk_the_bot,
    walk_the_echo,
)
from tests.fakes.telegram import FakeBotAPI
from tests.services import empty_database

WARM_UP_PEOPLE = 10


async def measure(api: FakeBotAPI, module: list[str], env: dict[str, str], walk, people: int,
                  steps: int, first_id: int) -> Load:
    process = await start(module, env)
    try:
        await ready(process)
        await drive(api, walk, WARM_UP_PEOPLE, steps, first_id)  # caches, connections, JIT-free
        before = cpu_seconds(process.pid)
        load = await drive(api, walk, people, steps, first_id + WARM_UP_PEOPLE)
        load.cpu = cpu_seconds(process.pid) - before
        return load
    finally:
        await stop(process)


async def run(people: int, steps: int, postgres: str, folder: Path) -> None:
    api = FakeBotAPI()
    await api.start()
    echo_env = {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE": api.base_url}
    runs = [("echo bot (aiogram)", ["bench.echo_bot"], echo_env, walk_the_echo),
            ("bot on SQLite", ["bot", "run"],
             bot_env(api, f"sqlite+aiosqlite:///{folder}/bench.sqlite3"), walk_the_bot)]
    if postgres:
        await empty_database(postgres)
        runs.append(("bot on PostgreSQL", ["bot", "run"], bot_env(api, postgres), walk_the_bot))
    results: dict[str, Load] = {}
    try:
        for number, (label, module, env, walk) in enumerate(runs):
            results[label] = await measure(api, module, env, walk, people, steps,
                                           first_id=1_000_000 * (number + 1))
            print(results[label].line(label), flush=True)
    finally:
        await api.stop()
    echo = results["echo bot (aiogram)"]
    print(f"== {people} people at once, {steps} updates each; one process per bot")
    for label, load in results.items():
        if load is not echo:
            print(f"{label}: {load.rate / echo.rate:.2f} of the echo bot's rate, "
                  f"p50 {load.percentile(0.5) / echo.percentile(0.5):.1f}× its latency, "
                  f"p99 {load.percentile(0.99) / echo.percentile(0.99):.1f}×, "
                  f"{load.cpu_per_update / echo.cpu_per_update:.1f}× its CPU per update")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--postgres", default=os.environ.get("TEST_POSTGRES_URL", ""))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(args.people, max(args.steps, 4), args.postgres, Path(folder)))


if __name__ == "__main__":
    main()
