"""login throttle and server-side sessions (issue 10 #8)

Failed sign-ins become rows counted per (name, client) and per client; the account-wide
lock columns go. Each user gets a session token that sign-out and password change replace.

Revision ID: 5a1f3c2d9e7b
Revises: 5b0d1e7c9a42
Create Date: 2026-12-01 03:40:00.000000
"""

from alembic import op
import sqlalchemy as sa

from engine.models import types

revision = "5a1f3c2d9e7b"
down_revision = "5b0d1e7c9a42"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.create_index("ix_login_failure_client_at", ["client", "at"], unique=False)
        batch_op.create_index(
            "ix_login_failure_username_client", ["username", "client"], unique=False
        )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_token", sa.String(length=64), nullable=True))
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("locked_until", types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.drop_column("session_token")
    with op.batch_alter_table("login_failure", schema=None) as batch_op:
        batch_op.drop_index("ix_login_failure_username_client")
        batch_op.drop_index("ix_login_failure_client_at")
    op.drop_table("login_failure")
