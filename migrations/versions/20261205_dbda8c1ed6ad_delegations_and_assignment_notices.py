"""delegations and assignment notices: a user's substitute for a date range, and the
opt-in messages when a task is assigned to a user personally (issue 12 §7)

Revision ID: dbda8c1ed6ad
Revises: 2ce4dcce036b
Create Date: 2026-12-05 03:26:12.818530
"""

from alembic import op
import sqlalchemy as sa

from engine.models import types

revision = 'dbda8c1ed6ad'
down_revision = '2ce4dcce036b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'delegation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('substitute_id', sa.Integer(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', types.UTCDateTime(), nullable=False),
        sa.CheckConstraint('starts_on <= ends_on', name='ck_delegation_range'),
        sa.CheckConstraint('user_id <> substitute_id', name='ck_delegation_self'),
        sa.ForeignKeyConstraint(
            ['user_id'], ['user_account.id'],
            name='fk_delegation_user_id_user_account', ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['substitute_id'], ['user_account.id'],
            name='fk_delegation_substitute_id_user_account', ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['created_by'], ['user_account.id'],
            name='fk_delegation_created_by_user_account', ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name='pk_delegation'),
    )
    op.create_index(
        'ix_delegation_substitute_ends_on', 'delegation', ['substitute_id', 'ends_on']
    )
    op.create_index('ix_delegation_user_ends_on', 'delegation', ['user_id', 'ends_on'])
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(
            sa.Column('notify_assigned_email', sa.Boolean(), server_default=sa.false(),
                      nullable=False)
        )
        batch_op.add_column(
            sa.Column('notify_assigned_sms', sa.Boolean(), server_default=sa.false(),
                      nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_column('notify_assigned_sms')
        batch_op.drop_column('notify_assigned_email')
    op.drop_index('ix_delegation_user_ends_on', table_name='delegation')
    op.drop_index('ix_delegation_substitute_ends_on', table_name='delegation')
    op.drop_table('delegation')
