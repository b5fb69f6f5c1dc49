"""milestones: updated_at, for the read API's incremental pulls (updated_since)

Revision ID: f2537d2e9cb7
Revises: 3f7a2ee8b1d4
Create Date: 2026-12-04 16:47:12.263693

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f2537d2e9cb7'
down_revision = '3f7a2ee8b1d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
    # When each milestone last changed is not known: counted as changed now (naive UTC, as
    # stored), so a report's next incremental pull reads every milestone once rather than
    # missing one changed since its last pull.
    op.get_bind().execute(sa.text('UPDATE milestone SET updated_at = :now'),
                          {'now': datetime.now(UTC).replace(tzinfo=None)})
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(), nullable=False)


def downgrade():
    with op.batch_alter_table('milestone', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
