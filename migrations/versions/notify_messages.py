"""Email and text messages the service sends patients itself (readiness.notify).

Revision ID: notify_messages
Revises: b17_privacy
"""

import sqlalchemy as sa
from alembic import op

revision = "notify_messages"
down_revision = "b17_privacy"
branch_labels = None
depends_on = None

EVENTS_BEFORE = (
    "check.completed",
    "consent.recorded",
    "contact.changed",
    "decision.recorded",
    "check.erased",
)
EVENTS_AFTER = EVENTS_BEFORE + ("notification.sent", "notification.failed")


def sql_in(column, words):
    return f"{column} IN ({', '.join(repr(word) for word in words)})"


def set_events(words):
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_constraint(op.f("ck_outbox_message_event_type_known"), type_="check")
        batch.create_check_constraint(
            op.f("ck_outbox_message_event_type_known"), sql_in("event_type", words)
        )


def upgrade():
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=36), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("recipient", sa.Text(), nullable=True),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=48), nullable=True),
        sa.Column("provider_id", sa.String(length=64), nullable=True),
        sa.CheckConstraint(sql_in("channel", ("email", "sms")), name=op.f("ck_notification_channel_known")),
        sa.CheckConstraint(
            sql_in("kind", ("invitation", "reminder", "morning")), name=op.f("ck_notification_kind_known")
        ),
        sa.CheckConstraint(
            sql_in("status", ("pending", "sent", "failed", "skipped")),
            name=op.f("ck_notification_status_known"),
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"], ["invitation.id"], name=op.f("fk_notification_invitation_id_invitation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("invitation_id", "kind", "channel", name="one_per_kind"),
        sa.UniqueConstraint("public_id", name=op.f("uq_notification_public_id")),
    )
    with op.batch_alter_table("notification") as batch:
        batch.create_index(batch.f("ix_notification_invitation_id"), ["invitation_id"])
        batch.create_index(batch.f("ix_notification_due_at"), ["due_at"])
    with op.batch_alter_table("invitation") as batch:
        batch.add_column(sa.Column("reminders_stopped_at", sa.DateTime(timezone=True), nullable=True))
    set_events(EVENTS_AFTER)


def downgrade():
    set_events(EVENTS_BEFORE)
    with op.batch_alter_table("invitation") as batch:
        batch.drop_column("reminders_stopped_at")
    op.drop_table("notification")
