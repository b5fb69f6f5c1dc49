"""sign-in throttle per address and per client; the authority an outbox message is about

Revision ID: 507b9eeaaee5
Revises: 2e4440ee8cd5
Create Date: 2026-12-03 10:10:38.883500

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '507b9eeaaee5'
down_revision = '2e4440ee8cd5'
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
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authority_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_message_authority_id'), ['authority_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_authority_id_authority'), 'authority', ['authority_id'], ['id'])


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_authority_id_authority'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_outbox_message_authority_id'))
        batch_op.drop_column('authority_id')
    op.drop_table('sign_in_throttle')
    op.create_table('sign_in_throttle',
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('email', name=op.f('pk_sign_in_throttle'))
    )
