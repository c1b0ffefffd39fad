"""Personal fields become text that holds an encrypted value (bot/storage/sealing.py): case
numbers, typed court names, rooms, video links, messages to staff, answers, enrolments.

Existing values stay readable as they are; `python -m bot keys rotate` encrypts them.

Revision ID: 0006
Revises: 0005
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXTS = {
    "hearings": {"case_number": sa.String(40), "court_name": sa.String(200),
                 "video_link": sa.String(500), "room": sa.String(40)},
    "handoff_messages": {"text": sa.String(4000)},
}
JSONS = {"conversation_states": "data", "enrolments": "hearing"}


def upgrade() -> None:
    for table, columns in TEXTS.items():
        with op.batch_alter_table(table) as batch:
            for column, old in columns.items():
                batch.alter_column(column, existing_type=old, type_=sa.Text())
    for table, column in JSONS.items():
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.JSON(), type_=sa.Text(),
                               postgresql_using=f"{column}::text")


def downgrade() -> None:
    for table, column in JSONS.items():
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, existing_type=sa.Text(), type_=sa.JSON(),
                               postgresql_using=f"{column}::json")
    for table, columns in TEXTS.items():
        with op.batch_alter_table(table) as batch:
            for column, old in columns.items():
                batch.alter_column(column, existing_type=sa.Text(), type_=old)
