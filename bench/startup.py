"""Start-up time: from starting `python -m bot run` to the first answered update.

A citizen's /start waits at the fake Bot API before the process starts; the clock stops when
the bot's answer arrives. Measured on a new database (the migrations run) and on one that
exists, several times each, and for the bare aiogram echo bot as the floor; the median is
printed, of the time and of the CPU time the process had used by then (which other work on the
machine hardly moves), each also as a multiple of the echo bot's.

    .venv/bin/python -m bench.startup [--times 5]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from bench.load import bot_env, cpu_seconds, median, start, stop
from tests.fakes.telegram import Citizen, FakeBotAPI


async def first_answer(api: FakeBotAPI, database: str, chat: int,
                       module: tuple[str, ...] = ("bot", "run")) -> tuple[float, float]:
    """Seconds to the first answer, and the process's CPU seconds by then."""
    citizen = Citizen(api, chat)
    await api.push({"message": citizen._message(text="/start")})
    started = time.perf_counter()
    env = bot_env(api, database) if module[0] == "bot" else {
        "TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE": api.base_url}
    process = await start(list(module), env)
    try:
        await api.wait_outputs(chat, 1, seconds=120)
        return time.perf_counter() - started, cpu_seconds(process.pid)
    finally:
        await stop(process)


async def run(times: int, folder: Path) -> None:
    api = FakeBotAPI()
    await api.start()
    fresh, existing, echo = [], [], []
    try:
        for n in range(times):
            database = f"sqlite+aiosqlite:///{folder}/startup-{n}.sqlite3"
            fresh.append(await first_answer(api, database, 10 * n + 1))
            existing.append(await first_answer(api, database, 10 * n + 2))
            echo.append(await first_answer(api, "", 10 * n + 3, ("bench.echo_bot",)))
    finally:
        await api.stop()
    print(f"== start-up to the first answered update, median of {times}")
    floor = _medians(echo)
    for label, runs in (("new database (migrations run)", fresh), ("existing database", existing),
                        ("bare aiogram echo bot", echo)):
        wall, cpu = _medians(runs)
        print(f"{label + ':':<31}{wall:6.2f} s (from {min(r[0] for r in runs):.2f} to "
              f"{max(r[0] for r in runs):.2f}) = {wall / floor[0]:.2f}× the echo bot's; "
              f"CPU {cpu:.2f} s = {cpu / floor[1]:.2f}×")


def _medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return median([run[0] for run in runs]), median([run[1] for run in runs])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(args.times, Path(folder)))


if __name__ == "__main__":
    main()
