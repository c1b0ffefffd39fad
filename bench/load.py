"""What the process benchmarks share: a bot started as its own process (as in production), the
fake Bot API in this process, and simulated people who walk the bot's screens.

A simulated person waits for each answer before pressing the next button, as a person does;
many of them at once make the load. The latency of one update is from the moment the fake
Telegram hands it out to the moment the bot's answer arrives back at it.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from tests.fakes.telegram import Citizen, FakeBotAPI

PROJECT = Path(__file__).resolve().parent.parent
# 🔊 is navigation too: its voice is another message to wait for, made by espeak-ng and ffmpeg in
# processes of their own, and is measured by bench.speech instead.
NAV = {"back", "menu", "go:human", "listen"}
# Buttons a walk does not press: they make files (another message to wait for), hand the
# person to an operator, or delete the person.
NOT_PRESSED = ("doc", "hics", "data", "hand", "consent", "hdel", "hstopall", "lang")


@dataclass
class Load:
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    cpu: float = 0.0  # seconds of CPU the bot's process used meanwhile (user and system)

    @property
    def cpu_per_update(self) -> float:
        return self.cpu / self.updates if self.updates else 0.0

    @property
    def updates(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.updates / self.elapsed if self.elapsed else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    def line(self, label: str) -> str:
        return (f"{label:<22} {self.updates:>6} updates in {self.elapsed:6.1f} s = "
                f"{self.rate:7.1f}/s   p50 {self.percentile(0.5):6.1f} ms   "
                f"p99 {self.percentile(0.99):7.1f} ms   "
                f"CPU {self.cpu_per_update * 1000:4.2f} ms/update")


Walk = Callable[[Citizen, int, random.Random, list[float]], Awaitable[None]]


async def timed(action: Awaitable[object], latencies: list[float]) -> None:
    started = time.perf_counter()
    await action
    latencies.append(time.perf_counter() - started)


async def walk_the_bot(citizen: Citizen, steps: int, rng: random.Random,
                       latencies: list[float]) -> None:
    """A newcomer: /start, a language, consent, then the menu's buttons at random."""
    language = rng.choice(("Русский", "Қазақша"))
    await timed(citizen.say("/start"), latencies)
    await timed(citizen.press(language), latencies)
    await timed(citizen.press_data("consent:yes"), latencies)
    for _ in range(steps - 3):
        screen = citizen.screen
        options = [button["callback_data"] for row in screen.buttons for button in row
                   if button["callback_data"] not in NAV
                   and not button["callback_data"].startswith(NOT_PRESSED)]
        choice = rng.choice(options) if options else "menu"
        await timed(citizen.press_data(choice, screen.message_id), latencies)


async def walk_the_echo(citizen: Citizen, steps: int, rng: random.Random,
                        latencies: list[float]) -> None:
    """The same kinds of update for the echo bot: three messages, then button presses."""
    for text in ("/start", "Русский", "ok"):
        await timed(citizen.say(text), latencies)
    for _ in range(steps - 3):
        await timed(citizen.press_data(f"echo:{rng.randrange(4)}"), latencies)


async def drive(api: FakeBotAPI, walk: Walk, people: int, steps: int, first_id: int,
                seed: int = 7) -> Load:
    load = Load()
    started = time.perf_counter()
    await asyncio.gather(*(
        walk(Citizen(api, first_id + n, "ru"), steps, random.Random(seed * 100_003 + n),
             load.latencies)
        for n in range(people)))
    load.elapsed = time.perf_counter() - started
    return load


async def start(module_args: list[str], env: dict[str, str]) -> asyncio.subprocess.Process:
    """`python -m ...` in its own process, with only the given settings (no .env)."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", *module_args, cwd=PROJECT,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT),
             "LOG_LEVEL": "WARNING", **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 40)
        except TimeoutError:
            process.kill()
            await process.wait()


async def ready(process: asyncio.subprocess.Process, seconds: float = 120) -> None:
    """Until the process prints its first line (the bot says it is running)."""
    line = await asyncio.wait_for(process.stdout.readline(), seconds)
    if not line:
        raise RuntimeError("the process stopped before it was ready")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its threads so far."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def bot_env(api: FakeBotAPI, database_url: str, **extra: str) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": api.token, "TELEGRAM_API_BASE": api.base_url,
            "DATABASE_URL": database_url, "HTTP_PORT": "0",
            "DATA_KEYS": "q3V0ZXN0LWtleS1mb3ItdGhlLWJvdC1zLXRlc3RzLTE=",
            **extra}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
