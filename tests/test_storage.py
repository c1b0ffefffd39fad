"""The migrations build exactly the schema the models describe, on a fresh database."""

from __future__ import annotations

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from bot.storage.db import create_engine
from bot.storage.migrate import upgrade_to_head
from bot.storage.models import Base


async def test_migrations_match_the_models_and_sqlite_is_tuned(tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'm.sqlite3'}", busy_timeout_ms=1234)
    try:
        await upgrade_to_head(engine)
        await upgrade_to_head(engine)  # applying again is harmless
        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
            assert differences == []
            assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == 1234
            assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
    finally:
        await engine.dispose()


def test_migrate_command_on_a_fresh_machine(tmp_path) -> None:
    database = tmp_path / "fresh" / "bot.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"], capture_output=True, text=True, timeout=60,
        env={"DATABASE_URL": f"sqlite+aiosqlite:///{database}", "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    assert database.exists()


async def test_the_sms_revision_keeps_relative_links_and_goes_back(tmp_path) -> None:
    """0010_sms turns relative_links into the one copy mechanism: links already made stay
    links to relatives; going back removes the links that only it allows (no code)."""
    from alembic import command

    from bot.storage.migrate import alembic_config

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'm.sqlite3'}", busy_timeout_ms=1000)
    url = engine.url.render_as_string(hide_password=False)

    def move(step, target: str):
        def run(sync) -> None:
            config = alembic_config(url)
            config.attributes["connection"] = sync
            step(config, target)
        return run

    now = "2026-11-23 10:00:00.000000"
    people = ("INSERT INTO users (id, channel, channel_user_id, language, consent_version, "
              f"consent_at, created_at, last_seen_at) VALUES (1, 'telegram', '1', 'ru', 2, "
              f"'{now}', '{now}', '{now}'), (2, 'sms', 'n:x', 'kk', 2, '{now}', '{now}', "
              f"'{now}')")
    try:
        async with engine.begin() as connection:
            await connection.run_sync(move(command.upgrade, "0010_sms-1"))
            await connection.execute(text(people))
            await connection.execute(text(
                "INSERT INTO relative_links (id, citizen_id, code_hash, created_at, expires_at, "
                f"relative_id) VALUES (1, 1, 'h', '{now}', '{now}', 2)"))
            await connection.run_sync(move(command.upgrade, "0010_sms"))
            assert (await connection.execute(text(
                "SELECT relation FROM relative_links"))).scalar() == "relative"
            await connection.execute(text(
                "INSERT INTO relative_links (id, citizen_id, relation, created_at, used_at, "
                f"relative_id) VALUES (2, 1, 'self_sms', '{now}', '{now}', 2)"))
            await connection.run_sync(move(command.downgrade, "0010_sms-1"))
            assert (await connection.execute(text(
                "SELECT id FROM relative_links"))).scalars().all() == [1]
    finally:
        await engine.dispose()
