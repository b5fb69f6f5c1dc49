"""actions: when the latest progress note was written (noted_at), in the index for programme
health's stalled actions, so that signal reads the index alone rather than probing every open
action's notes

Revision ID: 0a0abee1b258
Revises: 043ed6ab94cf
Create Date: 2026-12-05 07:55:33.368352

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0a0abee1b258'
down_revision = '043ed6ab94cf'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('noted_at', sa.DateTime(), nullable=True))
    # From the notes already written; from now on the app keeps it as each note is written.
    op.execute("UPDATE action SET noted_at = (SELECT max(action_note.at) FROM action_note "
               "WHERE action_note.action_id = action.id)")
    op.drop_index('ix_action_programme_status_updated', table_name='action')
    op.create_index('ix_action_programme_status_updated', 'action',
                    ['programme_id', 'status', 'updated_at', 'noted_at'], unique=False)


def downgrade():
    op.drop_index('ix_action_programme_status_updated', table_name='action')
    # ALTER TABLE rather than a batch operation: on SQLite a batch copies the table and loses
    # the expression index on lower(title) (ix_action_programme_title).
    op.execute("ALTER TABLE action DROP COLUMN noted_at")
    op.create_index('ix_action_programme_status_updated', 'action',
                    ['programme_id', 'status', 'updated_at'], unique=False)
