"""`python -m bot run | chat | migrate | content check | classify TEXT | hearings import FILE |
staff add|list|disable |
keys new|rotate`."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys

from bot.config import Settings, load_settings
from bot.logs import setup_logging

log = logging.getLogger("bot")


async def _run(settings: Settings) -> None:
    from bot.app import BotApp

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):  # before start: a stop then is clean too
        loop.add_signal_handler(signum, stop.set)
    app = BotApp(settings)
    try:
        await app.start()
        if settings.serves_local_chat:
            print(f"Local chat: open {app.http_url}/ in a browser (Ctrl+C to stop).", flush=True)
        if settings.telegram_enabled:
            print(f"Telegram bot running ({settings.telegram_mode.value}); "
                  f"HTTP server on {app.http_url}.", flush=True)
        if settings.whatsapp_enabled:
            print(f"WhatsApp webhook at {app.http_url}/whatsapp/webhook "
                  "(register its public https:// address with Meta).", flush=True)
        if settings.staff_console:
            print(f"Call-centre console: {app.http_url}/staff/ "
                  "(accounts: python -m bot staff add NAME --role admin).", flush=True)
        await stop.wait()
    finally:
        await app.stop()


async def _chat(settings: Settings) -> None:
    from bot.app import Core
    from bot.channels.localchat.terminal import chat

    core = await Core.build(settings)
    try:
        await chat(core.conversation)
    finally:
        await core.close()


async def _migrate(settings: Settings) -> None:
    from bot.storage.db import create_engine
    from bot.storage.migrate import upgrade_to_head

    engine = create_engine(settings.database_url, settings.database_busy_timeout_ms)
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()
    print("The database is up to date.")


async def _content_check() -> int:
    from bot.services.content_check import run_check

    problems = await run_check()
    for problem in problems:
        print(problem)
    print(f"content check: {len(problems)} problem(s)" if problems else "content check: all good")
    return 1 if problems else 0


def _classify(settings: Settings, texts: list[str]) -> int:
    """One JSON line per text: the topic id, how sure, the text's language, the best topics."""
    from bot.services.content import load_content
    from bot.services.understanding import classifier_for

    classifier = classifier_for(load_content(settings.content_dir))
    if classifier is None:
        print("no classifier examples in the content folder", file=sys.stderr)
        return 1
    lines = sys.stdin if texts == ["-"] else texts
    for line in lines:
        text = line.rstrip("\n")
        print(json.dumps(classifier.understand(text).as_json(), ensure_ascii=False), flush=True)
    return 0


async def _import_schedule(settings: Settings, path: str, complete: bool) -> int:
    """Bring the court schedule in line with a file and queue the news for people following a
    moved or cancelled hearing; the running bot sends it within REMINDER_POLL_SECONDS."""
    from pathlib import Path

    from bot.services.clock import Clock
    from bot.services.content import load_content
    from bot.services.hearings.book import HearingBook
    from bot.services.hearings.schedule import ScheduleImport, source_for
    from bot.services.hearings.timing import QuietHours
    from bot.storage.db import create_engine, session_factory
    from bot.storage.migrate import upgrade_to_head

    file = Path(path)
    try:
        source = source_for(file, load_content(settings.content_dir).courts)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    engine = create_engine(settings.database_url, settings.database_busy_timeout_ms)
    try:
        if settings.migrate_on_start:
            await upgrade_to_head(engine)
        sessions = session_factory(engine)
        book = HearingBook(sessions, Clock(), QuietHours.parse(settings.reminder_quiet_hours),
                           settings.hearing_keep_days)
        report = await ScheduleImport(sessions, book, Clock()).run(source, complete=complete)
    finally:
        await engine.dispose()
    print(f"{file.name}: " + "\n".join(report.lines()))
    return 1 if report.problems else 0


async def _staff(settings: Settings, args: argparse.Namespace) -> int:
    """Staff accounts for the console: add (the password is asked, or read from standard input
    with --password-stdin), list, disable."""
    import getpass

    from bot.services.clock import Clock
    from bot.staff.accounts import StaffAccounts
    from bot.storage.db import create_engine, session_factory
    from bot.storage.migrate import upgrade_to_head

    engine = create_engine(settings.database_url, settings.database_busy_timeout_ms)
    try:
        if settings.migrate_on_start:
            await upgrade_to_head(engine)
        accounts = StaffAccounts(session_factory(engine), Clock())
        if args.action == "add":
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = getpass.getpass("Password (10 characters or more): ")
                if getpass.getpass("Once more: ") != password:
                    print("The passwords differ; nothing was saved.", file=sys.stderr)
                    return 1
            try:
                await accounts.add(args.username, password, args.role, args.name or "",
                                   args.language)
            except ValueError as error:
                print(error, file=sys.stderr)
                return 1
            print(f"Account {args.username.strip().lower()} ({args.role}) added.")
        elif args.action == "list":
            for account in await accounts.list():
                state = "disabled" if account.disabled_at else "active"
                print(f"{account.username}\t{account.role}\t{account.language}\t{state}")
        elif args.action == "disable":
            if not await accounts.disable(args.username):
                print(f"no account named {args.username}", file=sys.stderr)
                return 1
            print(f"Account {args.username} disabled; its sessions are closed.")
    finally:
        await engine.dispose()
    return 0


async def _keys(settings: Settings, action: str) -> int:
    """`keys new` prints a key for DATA_KEYS; `keys rotate` re-seals all stored personal fields
    with the first key in DATA_KEYS."""
    from bot.storage import sealing

    if action == "new":
        print(sealing.new_key())
        return 0
    from bot.storage.db import create_engine
    from bot.storage.migrate import upgrade_to_head

    sealing.use_keys(settings.data_key_list)
    engine = create_engine(settings.database_url, settings.database_busy_timeout_ms)
    try:
        if settings.migrate_on_start:
            await upgrade_to_head(engine)
        changed = await sealing.rotate(engine)
    except sealing.KeyMissing as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(f"{changed} stored value(s) now sealed with the first key in DATA_KEYS.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (local web chat when no token is set)")
    commands.add_parser("chat", help="talk to the bot in this terminal")
    commands.add_parser("migrate", help="bring the database schema up to date")
    content = commands.add_parser("content", help="content tools")
    content.add_argument("action", choices=["check"])
    classify = commands.add_parser(
        "classify", help="which topic a typed text is about, as one line of JSON per text")
    classify.add_argument("texts", nargs="+", metavar="TEXT",
                          help='the text; "-" reads one text per line from standard input')
    hearings = commands.add_parser("hearings", help="court schedules")
    hearing_commands = hearings.add_subparsers(dest="action", required=True)
    schedule = hearing_commands.add_parser(
        "import", help="import a court's published hearing schedule (CSV; see README)")
    schedule.add_argument("file", metavar="FILE")
    schedule.add_argument("--complete", action="store_true",
                          help="the file lists every hearing: future ones missing from it are "
                               "cancelled")
    staff = commands.add_parser("staff", help="call-centre console accounts")
    staff_commands = staff.add_subparsers(dest="action", required=True)
    add = staff_commands.add_parser("add", help="add an operator or administrator")
    add.add_argument("username")
    add.add_argument("--role", choices=["operator", "admin"], default="operator")
    add.add_argument("--name", help="the name citizens see in the chat, e.g. Айгерим")
    add.add_argument("--language", choices=["kk", "ru"], default="ru",
                     help="the console's language for this account")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from the first line of standard input")
    staff_commands.add_parser("list", help="list accounts")
    disable = staff_commands.add_parser("disable", help="disable an account")
    disable.add_argument("username")
    keys = commands.add_parser("keys", help="the keys that encrypt personal fields")
    keys.add_argument("action", choices=["new", "rotate"],
                      help="new: print a fresh key; rotate: re-encrypt everything with the "
                           "first key in DATA_KEYS")
    args = parser.parse_args(argv)

    settings = load_settings()
    setup_logging("WARNING" if args.command in ("chat", "content", "classify", "hearings", "staff",
                                                  "keys")
                  else settings.log_level)
    if args.command == "run":
        asyncio.run(_run(settings))
    elif args.command == "chat":
        asyncio.run(_chat(settings))
    elif args.command == "migrate":
        asyncio.run(_migrate(settings))
    elif args.command == "content":
        return asyncio.run(_content_check())
    elif args.command == "classify":
        return _classify(settings, args.texts)
    elif args.command == "keys":
        return asyncio.run(_keys(settings, args.action))
    elif args.command == "staff":
        return asyncio.run(_staff(settings, args))
    elif args.command == "hearings":
        if not os.path.isfile(args.file):
            print(f"no such file: {args.file}", file=sys.stderr)
            return 2
        return asyncio.run(_import_schedule(settings, args.file, args.complete))
    return 0


if __name__ == "__main__":
    sys.exit(main())
