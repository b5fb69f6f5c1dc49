"""actions: programme health counts stalled actions as the open ones less those changed or
noted since the cut-off, each read from a range of an index over the recent rows only: the
(programme, status, updated) index no longer carries noted_at, and (programme, status, noted,
updated) is added

Revision ID: 5d2c8e4f7a13
Revises: 0a0abee1b258
Create Date: 2026-12-05 12:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5d2c8e4f7a13'
down_revision = '0a0abee1b258'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_action_programme_status_updated', table_name='action')
    op.create_index('ix_action_programme_status_updated', 'action',
                    ['programme_id', 'status', 'updated_at'], unique=False)
    op.create_index('ix_action_programme_status_noted', 'action',
                    ['programme_id', 'status', 'noted_at', 'updated_at'], unique=False)


def downgrade():
    op.drop_index('ix_action_programme_status_noted', table_name='action')
    op.drop_index('ix_action_programme_status_updated', table_name='action')
    op.create_index('ix_action_programme_status_updated', 'action',
                    ['programme_id', 'status', 'updated_at', 'noted_at'], unique=False)
