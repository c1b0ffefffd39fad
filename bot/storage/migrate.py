"""Alembic migrations, applied on start or by `python -m bot migrate`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

from bot.config import PROJECT_ROOT

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
MIGRATION_LOCK = 7_131_955  # any constant: instances that start together wait for each other


_REVISION = re.compile(r"""^revision(?::[^=]*)? = ['"]([^'"]+)['"]""", re.MULTILINE)
_DOWN = re.compile(r"""^down_revision(?::[^=]*)? = (?:None|['"]([^'"]+)['"])\s*$""",
                   re.MULTILINE)


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def script_heads() -> set[str] | None:
    """The newest revisions of the migration scripts, read from the files without Alembic;
    None when a file says something this simple reading does not follow (then Alembic
    decides)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        if down.group(1):
            parents.add(down.group(1))
    return revisions - parents or None


async def at_head(engine: AsyncEngine) -> bool:
    """The database is at the scripts' newest revision: a start need not load Alembic."""
    heads = script_heads()
    if heads is None:
        return False
    try:
        async with engine.connect() as connection:
            stamped = set((await connection.execute(
                text("SELECT version_num FROM alembic_version"))).scalars())
    except SQLAlchemyError:  # a new database: no table yet
        return False
    return stamped == heads


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Bring the schema up to date over the bot's own engine (so SQLite gets its pragmas)."""
    if await at_head(engine):
        return

    def _upgrade(connection: Connection) -> None:
        from alembic import command

        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several instances starting at once: the first migrates, the others then find the
            # schema at head. Released when this transaction ends.
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                     {"key": MIGRATION_LOCK})
        await connection.run_sync(_upgrade)
