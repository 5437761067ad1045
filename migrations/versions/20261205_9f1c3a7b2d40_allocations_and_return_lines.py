"""allocations as operations, outgoing payments, returns against lines (issue 14 §1, §2)

Revision ID: 9f1c3a7b2d40
Revises: 9f1c3e7a2b54
Create Date: 2026-12-05 00:00:00.000000
"""

from alembic import op
import sqlalchemy as sa

from engine.models import types

revision = '9f1c3a7b2d40'
down_revision = '9f1c3e7a2b54'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payment') as batch:
        batch.add_column(
            sa.Column('direction', sa.String(length=3), server_default='in', nullable=False)
        )
    with op.batch_alter_table('payment_allocation') as batch:
        batch.alter_column('payment_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('source_document_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('allocated_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('undone_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('created_by', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('created_at', types.UTCDateTime(timezone=True), nullable=True))
        batch.create_foreign_key(
            'fk_payment_allocation_source_document_id_document',
            'document',
            ['source_document_id'],
            ['id'],
        )
        batch.create_foreign_key(
            'fk_payment_allocation_created_by_user_account', 'user_account', ['created_by'], ['id']
        )
        batch.create_index('ix_payment_allocation_source_document_id', ['source_document_id'])
    # Allocations made so far were made with their payment.
    op.execute(
        'UPDATE payment_allocation SET allocated_on = '
        '(SELECT received_on FROM payment WHERE payment.id = payment_allocation.payment_id)'
    )
    with op.batch_alter_table('document_line') as batch:
        batch.add_column(sa.Column('source_line_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            'fk_document_line_source_line_id_document_line',
            'document_line',
            ['source_line_id'],
            ['id'],
        )


def downgrade() -> None:
    with op.batch_alter_table('document_line') as batch:
        batch.drop_constraint('fk_document_line_source_line_id_document_line', type_='foreignkey')
        batch.drop_column('source_line_id')
    with op.batch_alter_table('payment_allocation') as batch:
        batch.drop_index('ix_payment_allocation_source_document_id')
        batch.drop_constraint(
            'fk_payment_allocation_created_by_user_account', type_='foreignkey'
        )
        batch.drop_constraint(
            'fk_payment_allocation_source_document_id_document', type_='foreignkey'
        )
        for column in ('created_at', 'created_by', 'undone_on', 'allocated_on'):
            batch.drop_column(column)
        batch.drop_column('source_document_id')
        batch.alter_column('payment_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('payment') as batch:
        batch.drop_column('direction')
