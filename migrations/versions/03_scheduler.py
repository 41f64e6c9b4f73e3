"""scheduler: job fairs, campaigns, outbox, contacts, follow-ups, APScheduler job table

Tables are defined in scheduler/models.py (on registry's Base). Owned by the scheduler.

Revision ID: s001_scheduler
Revises: c01_console
"""
from alembic import op
import sqlalchemy as sa


revision = "s001_scheduler"
down_revision = "c01_console"
branch_labels = None
depends_on = None


def _now_columns():
    return [sa.Column("created_at", sa.DateTime(), nullable=False), sa.Column("updated_at", sa.DateTime(), nullable=False)]


def upgrade() -> None:
    op.create_table(
        "job_fairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("ends_at", sa.DateTime(), nullable=False),
        sa.Column("city", sa.String(length=50), nullable=True),
        sa.Column("province", sa.String(length=20), nullable=True),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("organiser", sa.String(length=200), nullable=False),
        sa.Column("majors", sa.String(length=500), nullable=True),
        sa.Column("industries", sa.String(length=500), nullable=True),
        sa.Column("positions", sa.Text(), nullable=True),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        *_now_columns(),
        sa.CheckConstraint("ends_at >= starts_at", name=op.f("ck_job_fairs_times")),
        sa.CheckConstraint("online OR address IS NOT NULL", name=op.f("ck_job_fairs_place")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_fairs")),
        sa.UniqueConstraint("code", name=op.f("uq_job_fairs_code")),
    )
    with op.batch_alter_table("job_fairs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_job_fairs_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "scheduler_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("fair_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=False),
        sa.Column("planned_at", sa.DateTime(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["fair_id"], ["job_fairs.id"], name=op.f("fk_scheduler_campaigns_fair_id_job_fairs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_campaigns")),
        sa.UniqueConstraint("key", name=op.f("uq_scheduler_campaigns_key")),
    )
    with op.batch_alter_table("scheduler_campaigns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scheduler_campaigns_fair_id"), ["fair_id"], unique=False)

    op.create_table(
        "scheduler_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign", sa.String(length=100), nullable=False),
        sa.Column("recipient", sa.String(length=170), nullable=False),
        sa.Column("step", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("fair_id", sa.Integer(), nullable=True),
        sa.Column("service_kind", sa.String(length=30), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("lease_owner", sa.String(length=40), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("sent_via", sa.String(length=20), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        *_now_columns(),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "state IN ('pending', 'claimed', 'sending', 'sent', 'dead', 'skipped', 'in_doubt')",
            name=op.f("ck_scheduler_outbox_state"),
        ),
        sa.ForeignKeyConstraint(["fair_id"], ["job_fairs.id"], name=op.f("fk_scheduler_outbox_fair_id_job_fairs"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"],
                                name=op.f("fk_scheduler_outbox_registration_id_registrations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_outbox")),
        sa.UniqueConstraint("campaign", "recipient", "step", name="uq_scheduler_outbox_key"),
    )
    with op.batch_alter_table("scheduler_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_scheduler_outbox_due", ["state", "not_before"], unique=False)
        batch_op.create_index("ix_scheduler_outbox_recipient", ["recipient", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_scheduler_outbox_fair_id"), ["fair_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scheduler_outbox_registration_id"), ["registration_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scheduler_outbox_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "scheduler_contacts",
        sa.Column("channel", sa.String(length=30), nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(), nullable=True),
        sa.Column("blocked_reason", sa.String(length=40), nullable=True),
        sa.Column("blocked_at", sa.DateTime(), nullable=True),
        sa.Column("opted_out_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("channel", "user_id", name=op.f("pk_scheduler_contacts")),
    )

    op.create_table(
        "scheduler_followups",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("next_checkin_at", sa.DateTime(), nullable=False),
        sa.Column("checkins_planned", sa.Integer(), nullable=False),
        sa.Column("last_answer", sa.String(length=20), nullable=True),
        sa.Column("last_answer_at", sa.DateTime(), nullable=True),
        sa.Column("needs_help", sa.Boolean(), nullable=False),
        sa.Column("stopped_reason", sa.String(length=20), nullable=True),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
        *_now_columns(),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"],
                                name=op.f("fk_scheduler_followups_registration_id_registrations"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_scheduler_followups")),
    )

    op.create_table(
        "scheduler_jobs",
        sa.Column("id", sa.Unicode(length=191), nullable=False),
        sa.Column("next_run_time", sa.Float(precision=25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_jobs")),
    )
    with op.batch_alter_table("scheduler_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scheduler_jobs_next_run_time"), ["next_run_time"], unique=False)


def downgrade() -> None:
    op.drop_table("scheduler_jobs")
    op.drop_table("scheduler_followups")
    op.drop_table("scheduler_contacts")
    op.drop_table("scheduler_outbox")
    op.drop_table("scheduler_campaigns")
    op.drop_table("job_fairs")
