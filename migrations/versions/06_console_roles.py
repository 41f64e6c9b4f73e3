"""staff console: roles (operator, supervisor) and login locks per user name and per address

Existing accounts become operators (the safe default: no full ID numbers, no broadcasts); the
first supervisor is named with `jiuye console set-role NAME supervisor`. Owned by the console
(console/models.py).

SQLite: the column is added with ALTER TABLE (no table rebuild, which would cascade-delete
staff_sessions through its foreign key), so the role has no CHECK constraint; the code that sets
it checks it.

Revision ID: c02_console_roles
Revises: i001_conversation_namespaces
"""
from alembic import op
import sqlalchemy as sa


revision = "c02_console_roles"
down_revision = "i001_conversation_namespaces"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("staff_users", sa.Column("role", sa.String(length=20), nullable=False, server_default="operator"))
    op.create_table(
        "staff_login_locks",
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("locked_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_staff_login_locks")),
    )
    op.create_index(op.f("ix_staff_login_locks_locked_until"), "staff_login_locks", ["locked_until"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_login_locks_locked_until"), table_name="staff_login_locks")
    op.drop_table("staff_login_locks")
    op.drop_column("staff_users", "role")  # SQLite >= 3.35 drops a column in place
