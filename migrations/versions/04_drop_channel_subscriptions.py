"""drop channel_subscriptions: the channels' old follow/subscribe table

The WeChat and Telegram channels created it themselves (outside the migration chain) and nothing
read it. Follow state now lives in scheduler_contacts and /subscribe in subscriptions, both
removed on withdrawal; the old rows (openids, chat ids) go with the table.

Revision ID: b002_drop_channel_subscriptions
Revises: s001_scheduler
"""
from alembic import op


revision = "b002_drop_channel_subscriptions"
down_revision = "s001_scheduler"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP TABLE IF EXISTS channel_subscriptions")


def downgrade() -> None:
    pass  # nothing to restore: the table was never part of the schema
