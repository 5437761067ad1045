"""personal tasks, task authors, finance approval threshold (issue 12 §4-5)

Revision ID: 51c971277da8
Revises: 965893fd5b67
Create Date: 2026-12-05 03:24:16.488303
"""

from alembic import op
import sqlalchemy as sa

from engine.models import types

revision = '51c971277da8'
down_revision = '965893fd5b67'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('human_task') as batch:
        batch.add_column(
            sa.Column('personal', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            'fk_human_task_author_id_user_account', 'user_account', ['author_id'], ['id']
        )
    # Open and finished steps alike name their document's creator (four-eyes, issue 12 §4).
    op.execute(
        'UPDATE human_task SET author_id = '
        '(SELECT created_by FROM document WHERE document.id = human_task.document_id) '
        'WHERE document_id IS NOT NULL'
    )
    with op.batch_alter_table('document_type') as batch:
        batch.add_column(sa.Column('finance_approval_above', types.ExactDecimal(precision=20, scale=4), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('document_type') as batch:
        batch.drop_column('finance_approval_above')
    with op.batch_alter_table('human_task') as batch:
        batch.drop_constraint('fk_human_task_author_id_user_account', type_='foreignkey')
        batch.drop_column('author_id')
        batch.drop_column('personal')
