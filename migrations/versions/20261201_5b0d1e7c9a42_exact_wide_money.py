"""exact wide money: NUMERIC(30,4) on PostgreSQL, ordered text on SQLite (issue 10 #9)

Totals of 10^18 Rial and more must stay exact on both databases. PostgreSQL widens
every ExactDecimal column from NUMERIC(20,4) to NUMERIC(30,4). SQLite stored
ten-thousandths as a 64-bit integer (at most 9.2·10^14 with 4 places); its values are
rewritten in place to the order-preserving text of engine/models/decimal_text.py.
The declared column type of an existing SQLite file stays BIGINT (rebuilding every
table with foreign keys on is riskier than the name): a non-numeric text keeps its
TEXT storage class under INTEGER affinity, so comparisons and order are the text's.
New SQLite files get VARCHAR(40) from the initial revision.

Revision ID: 5b0d1e7c9a42
Revises: 5d1c0a7e3b42
Create Date: 2026-12-01 03:40:00
"""

from decimal import Decimal

import sqlalchemy as sa
from alembic import op

from engine.models.decimal_text import decode, encode

revision = '5b0d1e7c9a42'
down_revision = '5d1c0a7e3b42'
branch_labels = None
depends_on = None

COLUMNS = [
    ('product', 'unit_price', False),
    ('contact', 'credit_limit', True),
    ('document_type', 'tax_percent', False),
    ('document_type', 'levy_percent', False),
    ('document', 'subtotal', False),
    ('document', 'discount', False),
    ('document', 'additions', False),
    ('document', 'tax', False),
    ('document', 'levy', False),
    ('document', 'total', False),
    ('document', 'paid', False),
    ('document', 'override_discount', True),
    ('document', 'override_tax', True),
    ('document', 'override_levy', True),
    ('payment', 'amount', False),
    ('document_addition', 'value', False),
    ('document_addition', 'amount', False),
    ('document_line', 'quantity', False),
    ('document_line', 'unit_price', False),
    ('document_line', 'discount_percent', False),
    ('document_line', 'discount_amount', False),
    ('document_line', 'gross', False),
    ('document_line', 'line_discount', False),
    ('document_line', 'net', False),
    ('ledger_entry', 'debit', False),
    ('ledger_entry', 'credit', False),
    ('payment_allocation', 'amount', False),
    ('stock_move', 'quantity', False),
    ('human_task', 'amount', True),
]
_FACTOR = Decimal(10) ** 4


def _rewrite_sqlite(kind: str, convert) -> None:  # type: ignore[no-untyped-def]
    bind = op.get_bind()
    for table, column, _nullable in COLUMNS:
        rows = bind.exec_driver_sql(
            f'SELECT rowid, "{column}" FROM "{table}" WHERE typeof("{column}") = ?', (kind,)
        ).fetchall()
        for rowid, value in rows:
            bind.exec_driver_sql(
                f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?', (convert(value), rowid)
            )


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        _rewrite_sqlite('integer', lambda scaled: encode(Decimal(scaled) / _FACTOR))
        return
    for table, column, nullable in COLUMNS:
        op.alter_column(
            table,
            column,
            type_=sa.Numeric(30, 4),
            existing_type=sa.Numeric(20, 4),
            existing_nullable=nullable,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        # Raises OverflowError for an amount past what the old form could hold.
        _rewrite_sqlite('text', lambda text: int(decode(text) * _FACTOR))
        return
    for table, column, nullable in COLUMNS:
        op.alter_column(
            table,
            column,
            type_=sa.Numeric(20, 4),
            existing_type=sa.Numeric(30, 4),
            existing_nullable=nullable,
        )
