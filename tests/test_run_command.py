"""`python -m bot run` as an operator starts it: a real process, configured by environment."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from tests import screens as S
from tests.fakes.telegram import Citizen, FakeBotAPI


async def start_bot(env: dict[str, str], cwd) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": os.getcwd(), **env},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


async def stop_bot(process: asyncio.subprocess.Process) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    _out, err = await asyncio.wait_for(process.communicate(), 20)
    return process.returncode, err.decode()


async def test_run_with_a_token_answers_on_telegram_and_stops_cleanly(
    bot_api: FakeBotAPI, tmp_path
) -> None:
    process = await start_bot({
        "TELEGRAM_BOT_TOKEN": bot_api.token,
        "TELEGRAM_API_BASE": bot_api.base_url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        "HTTP_PORT": "0",
    }, tmp_path)
    try:
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert line.startswith("Telegram bot running (polling)")
        shown = await Citizen(bot_api, 3001).say("/start")
        assert shown.text == S.LANGUAGE_PROMPT_RU_FIRST
    finally:
        code, log = await stop_bot(process)
    assert code == 0, log
    assert "Traceback" not in log


async def test_run_without_a_token_serves_the_local_chat(tmp_path) -> None:
    process = await start_bot({
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}",
        "HTTP_PORT": "0",
    }, tmp_path)
    try:
        line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert line.startswith("Local chat: open http://127.0.0.1:")
    finally:
        code, log = await stop_bot(process)
    assert code == 0, log


async def test_a_bad_configuration_stops_with_a_clear_message(tmp_path) -> None:
    process = await start_bot({"TELEGRAM_MODE": "webhook", "TELEGRAM_BOT_TOKEN": "1:x"}, tmp_path)
    _out, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode != 0
    assert "TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET" in err.decode()
    assert "Traceback" not in err.decode()
