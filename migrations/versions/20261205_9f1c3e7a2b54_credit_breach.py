"""document type credit_breach: refuse or route to a credit approval (issue 14 §5)

Revision ID: 9f1c3e7a2b54
Revises: 9f5c3e7a2b14
Create Date: 2026-12-05 00:00:00.000000
"""

from alembic import op
import sqlalchemy as sa

revision = '9f1c3e7a2b54'
down_revision = '9f5c3e7a2b14'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every existing type keeps today's behaviour: a sale past the limit is refused.
    with op.batch_alter_table('document_type', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('credit_breach', sa.String(length=10), server_default='refuse', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('document_type', schema=None) as batch_op:
        batch_op.drop_column('credit_breach')
