"""role codes, users' mobile and manager (issue 12 §2)

A role gets a unique ``code`` (what lanes, tokens and the API name it by), taken from
its old unique ``name``; ``name`` becomes the display name (the default roles get their
English names, which pages translate). Users gain ``mobile`` and ``manager_id``.

Revision ID: 7d3a9c1e5f20
Revises: 6c2e4f1a8b30
Create Date: 2026-12-04 23:15:00.000000
"""

from alembic import op
import sqlalchemy as sa

revision = '7d3a9c1e5f20'
down_revision = '6c2e4f1a8b30'
branch_labels = None
depends_on = None

# engine/domain/permissions.py DEFAULT_ROLE_NAMES as of this revision (a migration does
# not follow later edits of the code).
DEFAULT_NAMES = {
    'admin': 'Administrator',
    'approver': 'Approver',
    'numberer': 'Numberer',
    'clerk': 'Sales clerk',
    'accountant': 'Accountant',
    'designer': 'Process designer',
    'viewer': 'Viewer',
}


def upgrade() -> None:
    with op.batch_alter_table('role') as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=40), nullable=True))
    op.execute('UPDATE role SET code = name')
    role = sa.table('role', sa.column('code', sa.String), sa.column('name', sa.String))
    for code, name in DEFAULT_NAMES.items():
        op.execute(role.update().where(role.c.code == code).values(name=name))
    with op.batch_alter_table('role') as batch_op:
        batch_op.alter_column('code', existing_type=sa.String(length=40), nullable=False)
        batch_op.drop_constraint('uq_role_name', type_='unique')
        batch_op.create_unique_constraint('uq_role_code', ['code'])
        batch_op.alter_column(
            'name', existing_type=sa.String(length=40), type_=sa.String(length=80)
        )
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(sa.Column('mobile', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('manager_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            'fk_user_account_manager_id_user_account',
            'user_account',
            ['manager_id'],
            ['id'],
            ondelete='SET NULL',
        )


def downgrade() -> None:
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_constraint('fk_user_account_manager_id_user_account', type_='foreignkey')
        batch_op.drop_column('manager_id')
        batch_op.drop_column('mobile')
    # The code was the old unique name.
    op.execute('UPDATE role SET name = code')
    with op.batch_alter_table('role') as batch_op:
        batch_op.drop_constraint('uq_role_code', type_='unique')
        batch_op.alter_column(
            'name', existing_type=sa.String(length=80), type_=sa.String(length=40)
        )
        batch_op.create_unique_constraint('uq_role_name', ['name'])
        batch_op.drop_column('code')
