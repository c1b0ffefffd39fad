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
