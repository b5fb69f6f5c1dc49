"""index for an action's notes since a date (programme health's stalled actions), replacing the
one on action_id alone

Revision ID: 8d3f6a2c4b17
Revises: 5c1e0b7d2a91
Create Date: 2026-12-03 16:15:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '8d3f6a2c4b17'
down_revision = '5c1e0b7d2a91'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('action_note', schema=None) as batch_op:
        batch_op.create_index('ix_action_note_action_at', ['action_id', 'at'], unique=False)
        batch_op.drop_index('ix_action_note_action_id')


def downgrade():
    with op.batch_alter_table('action_note', schema=None) as batch_op:
        batch_op.create_index('ix_action_note_action_id', ['action_id'], unique=False)
        batch_op.drop_index('ix_action_note_action_at')
