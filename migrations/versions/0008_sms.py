"""SMS reminders: a reminder row may be addressed to another person record (`recipient_id`),
copies of a person's reminders (`reminder_copies`), and SMS counted per day (`sms_usage`).

Revision ID: 0008_sms
Revises: 0007
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.storage.models import UTCDateTime

revision: str = '0008_sms'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('reminders') as batch:
        batch.add_column(sa.Column('recipient_id', sa.Integer(), nullable=True))
        batch.create_index(batch.f('ix_reminders_recipient_id'), ['recipient_id'])
        batch.create_foreign_key(batch.f('fk_reminders_recipient_id_users'), 'users',
                                 ['recipient_id'], ['id'], ondelete='CASCADE')
    op.create_table('reminder_copies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('hearing_id', sa.Integer(), nullable=True),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('relation', sa.String(length=12), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('stopped_at', UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['hearing_id'], ['hearings.id'],
                            name=op.f('fk_reminder_copies_hearing_id_hearings'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'],
                            name=op.f('fk_reminder_copies_recipient_id_users'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                            name=op.f('fk_reminder_copies_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_copies'))
    )
    op.create_index(op.f('ix_reminder_copies_user_id'), 'reminder_copies', ['user_id'])
    op.create_index(op.f('ix_reminder_copies_hearing_id'), 'reminder_copies', ['hearing_id'])
    op.create_index(op.f('ix_reminder_copies_recipient_id'), 'reminder_copies',
                    ['recipient_id'])
    op.create_table('sms_usage',
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.Column('parts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_sms_usage'))
    )


def downgrade() -> None:
    op.drop_table('sms_usage')
    op.drop_index(op.f('ix_reminder_copies_recipient_id'), table_name='reminder_copies')
    op.drop_index(op.f('ix_reminder_copies_hearing_id'), table_name='reminder_copies')
    op.drop_index(op.f('ix_reminder_copies_user_id'), table_name='reminder_copies')
    op.drop_table('reminder_copies')
    with op.batch_alter_table('reminders') as batch:
        batch.drop_constraint(batch.f('fk_reminders_recipient_id_users'), type_='foreignkey')
        batch.drop_index(batch.f('ix_reminders_recipient_id'))
        batch.drop_column('recipient_id')
