"""Where the whole bot's time goes under the throughput benchmark's load: the bot runs as its
own process, the same simulated people walk it, and py-spy samples the process during the walk
only (not its start). Printed: the functions where the samples were, by the share of samples
in the function itself and by the share under it.

    .venv/bin/python -m bench.profile [--people 100] [--steps 12] [--top 25] [--postgres URL]

py-spy (pip install py-spy) reads the process from outside without slowing it, unlike cProfile,
which also cannot follow coroutines. It needs permission to read another process's memory
(root, or ptrace allowed).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench.load import bot_env, drive, ready, start, stop, walk_the_bot
from tests.fakes.telegram import FakeBotAPI
from tests.services import empty_database

WARM_UP_PEOPLE = 10


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(found).exists():
        raise SystemExit("py-spy is not installed: pip install py-spy")
    return found


async def sample(people: int, steps: int, database: str, output: Path) -> None:
    api = FakeBotAPI()
    await api.start()
    try:
        process = await start(["bot", "run"], bot_env(api, database))
        try:
            await ready(process)
            await drive(api, walk_the_bot, WARM_UP_PEOPLE, steps, first_id=6_000_000)
            spy = await asyncio.create_subprocess_exec(
                py_spy(), "record", "--pid", str(process.pid), "--rate", "250", "--format",
                "raw", "--output", str(output), "--nonblocking",
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
            await asyncio.sleep(1)  # py-spy attaches
            load = await drive(api, walk_the_bot, people, steps, first_id=7_000_000)
            spy.send_signal(2)  # SIGINT: py-spy writes what it has
            await spy.wait()
            print(load.line("bot, sampled"), flush=True)
        finally:
            await stop(process)
    finally:
        await api.stop()


def top(output: Path, count: int) -> str:
    """py-spy's raw format: one line per distinct stack, `frame;frame;... samples`."""
    itself: Counter[str] = Counter()
    under: Counter[str] = Counter()
    total = 0
    for line in output.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if not stack:
            continue
        n = int(samples)
        frames = [_short(frame) for frame in stack.split(";")]
        total += n
        itself[frames[-1]] += n
        for frame in set(frames):
            under[frame] += n
    lines = [f"{total} samples"]
    for title, counter in (("in the function itself", itself), ("under the function", under)):
        lines.append(f"== top {count} {title}")
        lines += [f"{100 * n / total:5.1f} %  {frame}" for frame, n in counter.most_common(count)]
    return "\n".join(lines)


def _short(frame: str) -> str:
    """`function (path/to/file.py:12)` without the line and the path up to the package."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "lib/python3", str(Path.cwd()) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--postgres", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite+aiosqlite:///{folder}/profile.sqlite3"
        if args.postgres:
            asyncio.run(empty_database(args.postgres))
            database = args.postgres
        output = Path(folder) / "samples.txt"
        asyncio.run(sample(args.people, max(args.steps, 4), database, output))
        print(top(output, args.top))


if __name__ == "__main__":
    main()
