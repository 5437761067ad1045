"""process drafts saved from the modeler (issue 13 §2)

Revision ID: 2ce4dcce036b
Revises: 51c971277da8
Create Date: 2026-12-05 03:20:01.271988
"""

from alembic import op
import sqlalchemy as sa

from engine.models import types

revision = '2ce4dcce036b'
down_revision = '51c971277da8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'process_draft',
        sa.Column('process_id', sa.String(length=100), nullable=False),
        sa.Column('xml', sa.Text(), nullable=False),
        sa.Column('saved_by', sa.Integer(), nullable=True),
        sa.Column('saved_at', types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['saved_by'], ['user_account.id']),
        sa.PrimaryKeyConstraint('process_id'),
    )


def downgrade() -> None:
    op.drop_table('process_draft')
