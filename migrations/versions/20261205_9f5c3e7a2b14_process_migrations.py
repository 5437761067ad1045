"""process migrations: instances moved between versions, with their previous state (issue 13 §5)

Revision ID: 9f5c3e7a2b14
Revises: 8e4b2d6f1a93
Create Date: 2026-12-05 00:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

import engine.models.types

revision = '9f5c3e7a2b14'
down_revision = '8e4b2d6f1a93'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'process_migration',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('process_id', sa.String(length=100), nullable=False),
        sa.Column('source_version_id', sa.Integer(), nullable=False),
        sa.Column('target_version_id', sa.Integer(), nullable=False),
        sa.Column('mapping', sa.JSON().with_variant(JSONB(), 'postgresql'), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('created_at', engine.models.types.UTCDateTime(), nullable=False),
        sa.Column('reverted_at', engine.models.types.UTCDateTime(), nullable=True),
        sa.Column('reverted_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['reverted_by'], ['user_account.id']),
        sa.ForeignKeyConstraint(['source_version_id'], ['process_version.id']),
        sa.ForeignKeyConstraint(['target_version_id'], ['process_version.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'process_migration_instance',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('migration_id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('previous_version_id', sa.Integer(), nullable=False),
        sa.Column('previous_state', sa.JSON(), nullable=False),
        sa.Column('moved_lock_version', sa.Integer(), nullable=False),
        sa.Column('reverted_at', engine.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['migration_id'], ['process_migration.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['previous_version_id'], ['process_version.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        op.f('ix_process_migration_instance_instance_id'),
        'process_migration_instance',
        ['instance_id'],
        unique=False,
    )
    op.create_index(
        op.f('ix_process_migration_instance_migration_id'),
        'process_migration_instance',
        ['migration_id'],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_process_migration_instance_migration_id'), table_name='process_migration_instance')
    op.drop_index(op.f('ix_process_migration_instance_instance_id'), table_name='process_migration_instance')
    op.drop_table('process_migration_instance')
    op.drop_table('process_migration')
