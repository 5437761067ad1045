"""process current version (issue 10 #6: a redeployed older diagram becomes current)

Revision ID: 5d1c0a7e3b42
Revises: 9e21f7cfb4f6
Create Date: 2026-12-01 03:40:00.000000
"""

from alembic import op
import sqlalchemy as sa

revision = '5d1c0a7e3b42'
down_revision = '9e21f7cfb4f6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('process',
    sa.Column('process_id', sa.String(length=100), nullable=False),
    sa.Column('current_version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['current_version_id'], ['process_version.id'], name=op.f('fk_process_current_version_id_process_version')),
    sa.PrimaryKeyConstraint('process_id', name=op.f('pk_process'))
    )
    # Until now new instances ran the newest version: that one is current.
    op.execute(
        "INSERT INTO process (process_id, current_version_id)"
        " SELECT v.process_id, v.id FROM process_version v"
        " WHERE v.version = (SELECT MAX(w.version) FROM process_version w"
        " WHERE w.process_id = v.process_id)"
    )


def downgrade() -> None:
    op.drop_table('process')
