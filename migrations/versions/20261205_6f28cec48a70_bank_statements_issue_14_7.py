"""bank statements (issue 14 §7)

Revision ID: 6f28cec48a70
Revises: dbda8c1ed6ad
Create Date: 2026-12-05 03:21:33.902001
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from engine.models import types

revision = '6f28cec48a70'
down_revision = 'dbda8c1ed6ad'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'bank_account',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('bank', sa.String(length=120), nullable=False),
        sa.Column('iban', sa.String(length=34), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('csv_mapping', sa.JSON().with_variant(JSONB(), 'postgresql'), nullable=True),
        sa.Column('created_at', types.UTCDateTime(), nullable=False),
        sa.Column('lock_version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_account')),
        sa.UniqueConstraint('iban', name=op.f('uq_bank_account_iban')),
        sa.UniqueConstraint('name', name=op.f('uq_bank_account_name')),
    )
    op.create_table(
        'bank_statement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('bank_account_id', sa.Integer(), nullable=False),
        sa.Column('file_format', sa.String(length=10), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('statement_ref', sa.String(length=120), nullable=False),
        sa.Column('lines_in_file', sa.Integer(), nullable=False),
        sa.Column('already_imported', sa.Integer(), nullable=False),
        sa.Column('imported_by', sa.Integer(), nullable=False),
        sa.Column('imported_at', types.UTCDateTime(), nullable=False),
        sa.Column('followed_up_at', types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['bank_account_id'], ['bank_account.id'],
            name=op.f('fk_bank_statement_bank_account_id_bank_account'),
        ),
        sa.ForeignKeyConstraint(
            ['imported_by'], ['user_account.id'],
            name=op.f('fk_bank_statement_imported_by_user_account'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statement')),
    )
    op.create_index(
        op.f('ix_bank_statement_bank_account_id'), 'bank_statement', ['bank_account_id']
    )
    op.create_table(
        'bank_statement_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('bank_account_id', sa.Integer(), nullable=False),
        sa.Column('identity', sa.String(length=100), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('booked_on', sa.Date(), nullable=False),
        sa.Column('amount', types.ExactDecimal(), nullable=False),
        sa.Column('reference', sa.String(length=140), nullable=False),
        sa.Column('description', sa.String(length=500), nullable=False),
        sa.Column('counterparty_name', sa.String(length=200), nullable=False),
        sa.Column('counterparty_iban', sa.String(length=34), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('payment_id', sa.Integer(), nullable=True),
        sa.Column('contact_id', sa.Integer(), nullable=True),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('resolved_by', sa.Integer(), nullable=True),
        sa.Column('resolved_at', types.UTCDateTime(), nullable=True),
        sa.Column('lock_version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['bank_account_id'], ['bank_account.id'],
            name=op.f('fk_bank_statement_line_bank_account_id_bank_account'),
        ),
        sa.ForeignKeyConstraint(
            ['contact_id'], ['contact.id'], name=op.f('fk_bank_statement_line_contact_id_contact')
        ),
        sa.ForeignKeyConstraint(
            ['document_id'], ['document.id'],
            name=op.f('fk_bank_statement_line_document_id_document'),
        ),
        sa.ForeignKeyConstraint(
            ['payment_id'], ['payment.id'], name=op.f('fk_bank_statement_line_payment_id_payment')
        ),
        sa.ForeignKeyConstraint(
            ['resolved_by'], ['user_account.id'],
            name=op.f('fk_bank_statement_line_resolved_by_user_account'),
        ),
        sa.ForeignKeyConstraint(
            ['statement_id'], ['bank_statement.id'],
            name=op.f('fk_bank_statement_line_statement_id_bank_statement'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_statement_line')),
        sa.UniqueConstraint(
            'bank_account_id', 'identity',
            name=op.f('uq_bank_statement_line_bank_account_id_identity'),
        ),
        sa.UniqueConstraint('payment_id', name=op.f('uq_bank_statement_line_payment_id')),
    )
    op.create_index(
        op.f('ix_bank_statement_line_statement_id'), 'bank_statement_line', ['statement_id']
    )
    op.create_index(
        op.f('ix_bank_statement_line_counterparty_iban'),
        'bank_statement_line',
        ['counterparty_iban'],
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_bank_statement_line_counterparty_iban'), table_name='bank_statement_line')
    op.drop_index(op.f('ix_bank_statement_line_statement_id'), table_name='bank_statement_line')
    op.drop_table('bank_statement_line')
    op.drop_index(op.f('ix_bank_statement_bank_account_id'), table_name='bank_statement')
    op.drop_table('bank_statement')
    op.drop_table('bank_account')
