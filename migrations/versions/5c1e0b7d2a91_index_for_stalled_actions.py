"""index for open actions unchanged since a date (programme health's stalled actions)

Revision ID: 5c1e0b7d2a91
Revises: 27d44692e94f
Create Date: 2026-12-03 15:55:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5c1e0b7d2a91'
down_revision = '27d44692e94f'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.create_index('ix_action_programme_status_updated',
                              ['programme_id', 'status', 'updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_index('ix_action_programme_status_updated')
