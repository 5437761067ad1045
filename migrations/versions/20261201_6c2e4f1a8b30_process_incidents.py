"""process incidents (issue 11 §3: a failing timer step becomes an incident, not a stuck queue)

Revision ID: 6c2e4f1a8b30
Revises: 5a1f3c2d9e7b
Create Date: 2026-12-01 04:30:00.000000
"""

from alembic import op
import sqlalchemy as sa

from engine.models import types

revision = '6c2e4f1a8b30'
down_revision = '5a1f3c2d9e7b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_instance') as batch_op:
        batch_op.add_column(sa.Column('incident_error', sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column('incident_at', types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column('incident_element_id', sa.String(length=100), nullable=True)
        )


def downgrade() -> None:
    # Open incidents go back to running: the old timer pass picks them up again.
    op.execute("UPDATE process_instance SET status = 'running' WHERE status = 'incident'")
    with op.batch_alter_table('process_instance') as batch_op:
        batch_op.drop_column('incident_element_id')
        batch_op.drop_column('incident_at')
        batch_op.drop_column('incident_error')
