"""work calendar: opening hours per weekday and holidays (issue 12 §6)

Revision ID: 8e4b2d6f1a93
Revises: 7d3a9c1e5f20
Create Date: 2026-12-04 23:20:00.000000
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

# Who may already change users may change the calendar: existing admins keep /admin whole.
PERMISSION = 'manage_calendar'
role = sa.table(
    'role',
    sa.column('id', sa.Integer()),
    sa.column('permissions', sa.JSON().with_variant(JSONB(), 'postgresql')),
)

revision = '8e4b2d6f1a93'
down_revision = '7d3a9c1e5f20'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'work_day',
        sa.Column('weekday', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('opens', sa.Time(), nullable=False),
        sa.Column('closes', sa.Time(), nullable=False),
        sa.CheckConstraint('weekday BETWEEN 0 AND 6', name='ck_work_day_weekday'),
        sa.CheckConstraint('opens < closes', name='ck_work_day_hours'),
        sa.PrimaryKeyConstraint('weekday'),
    )
    op.create_table(
        'holiday',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint('day'),
    )
    _grant(lambda held: 'manage_users' in held and PERMISSION not in held, add=True)


def _grant(applies, *, add: bool) -> None:
    bind = op.get_bind()
    for role_id, held in bind.execute(sa.select(role.c.id, role.c.permissions)).all():
        held = list(held or [])
        if applies(held):
            changed = sorted({*held, PERMISSION}) if add else [p for p in held if p != PERMISSION]
            bind.execute(role.update().where(role.c.id == role_id).values(permissions=changed))


def downgrade() -> None:
    _grant(lambda held: PERMISSION in held, add=False)
    op.drop_table('holiday')
    op.drop_table('work_day')
