"""payment terms, instalments and the early discount (issue 14 §3, §4)

Revision ID: 965893fd5b67
Revises: 9f1c3a7b2d40
Create Date: 2026-12-05 03:21:54.551570
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from sqlalchemy import Text  # noqa: F401  (autogenerate renders JSONB(astext_type=Text()))

from engine.models import types

revision = '965893fd5b67'
down_revision = '9f1c3a7b2d40'
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql')


def upgrade() -> None:
    op.create_table(
        'payment_term',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('lines', _json(), nullable=False),
        sa.Column('early_discount', _json(), nullable=True),
        sa.Column('created_at', types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('lock_version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_term')),
        sa.UniqueConstraint('name', name=op.f('uq_payment_term_name')),
    )
    op.create_table(
        'document_installment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('amount', types.ExactDecimal(precision=30, scale=4), nullable=False),
        sa.Column('start', types.ExactDecimal(precision=30, scale=4), nullable=False),
        sa.Column('since', sa.Date(), nullable=False),
        sa.Column('replaced_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ['document_id'],
            ['document.id'],
            name=op.f('fk_document_installment_document_id_document'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document_installment')),
    )
    op.create_index(
        op.f('ix_document_installment_document_id'), 'document_installment', ['document_id']
    )
    with op.batch_alter_table('contact') as batch:
        batch.add_column(sa.Column('payment_term_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(
            'fk_contact_payment_term_id_payment_term', 'payment_term', ['payment_term_id'], ['id']
        )
    with op.batch_alter_table('document') as batch:
        batch.add_column(sa.Column('payment_term_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('discount_date', sa.Date(), nullable=True))
        batch.add_column(
            sa.Column('early_discount', types.ExactDecimal(precision=30, scale=4), nullable=True)
        )
        batch.create_foreign_key(
            'fk_document_payment_term_id_payment_term', 'payment_term', ['payment_term_id'], ['id']
        )
    with op.batch_alter_table('payment_allocation') as batch:
        batch.add_column(
            sa.Column('discount', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('payment_allocation') as batch:
        batch.drop_column('discount')
    with op.batch_alter_table('document') as batch:
        batch.drop_constraint('fk_document_payment_term_id_payment_term', type_='foreignkey')
        batch.drop_column('early_discount')
        batch.drop_column('discount_date')
        batch.drop_column('payment_term_id')
    with op.batch_alter_table('contact') as batch:
        batch.drop_constraint('fk_contact_payment_term_id_payment_term', type_='foreignkey')
        batch.drop_column('payment_term_id')
    op.drop_index(op.f('ix_document_installment_document_id'), table_name='document_installment')
    op.drop_table('document_installment')
    op.drop_table('payment_term')
