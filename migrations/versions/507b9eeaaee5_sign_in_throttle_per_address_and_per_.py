"""sign-in throttle per address and per client

Revision ID: 507b9eeaaee5
Revises: 83625964fb65
Create Date: 2026-12-03 10:10:38.883500

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '507b9eeaaee5'
down_revision = '83625964fb65'
branch_labels = None
depends_on = None


# The throttle holds only the last few minutes' failures: it is dropped and made anew with its
# new key rather than converted.


def upgrade():
    op.drop_table('sign_in_throttle')
    op.create_table('sign_in_throttle',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle'))
    )
    with op.batch_alter_table('sign_in_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_throttle_last_failure_at'), ['last_failure_at'], unique=False)


def downgrade():
    op.drop_table('sign_in_throttle')
    op.create_table('sign_in_throttle',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_sign_in_throttle'))
    )
