"""Visit outcomes (how each visit went) and the manager role

Revision ID: outcomes_visit_outcome
Revises: notify_time_zone

A new table, visit_outcome, one row per appointment; the staff role and the outbox's event type
constraints widened (manager; visit.outcome_recorded). The words are written out, not imported,
as in c12_vocabulary_checks.
"""

import sqlalchemy as sa
from alembic import op

revision = "outcomes_visit_outcome"
down_revision = "notify_time_zone"
branch_labels = None
depends_on = None

OUTCOMES = ("video", "video_then_phone", "phone", "in_person", "no_show", "cancelled")
ROLES = ("desk", "clinician", "admin")
EVENTS = (
    "check.completed",
    "consent.recorded",
    "contact.changed",
    "decision.recorded",
    "check.erased",
    "notification.sent",
    "notification.failed",
)


def sql_in(column, words):
    return f"{column} IN ({', '.join(repr(word) for word in words)})"


def widen(table: str, column: str, words) -> None:
    with op.batch_alter_table(table) as batch:
        batch.drop_constraint(op.f(f"ck_{table}_{column}_known"), type_="check")
        batch.create_check_constraint(op.f(f"ck_{table}_{column}_known"), sql_in(column, words))


def upgrade():
    op.create_table(
        "visit_outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("trouble", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("api_key_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            sql_in("outcome", OUTCOMES), name=op.f("ck_visit_outcome_outcome_known")
        ),
        sa.ForeignKeyConstraint(
            ["api_key_id"], ["api_key.id"], name=op.f("fk_visit_outcome_api_key_id_api_key")
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_visit_outcome_invitation_id_invitation"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_visit_outcome_staff_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_outcome")),
        sa.UniqueConstraint("invitation_id", name=op.f("uq_visit_outcome_invitation_id")),
    )
    widen("staff_user", "role", (*ROLES, "manager"))
    widen("outbox_message", "event_type", (*EVENTS, "visit.outcome_recorded"))


def downgrade():
    widen("outbox_message", "event_type", EVENTS)
    widen("staff_user", "role", ROLES)
    op.drop_table("visit_outcome")
