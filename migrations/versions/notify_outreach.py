"""The desk's calls to patients at risk before their visit (/desk/outreach).

Revision ID: notify_outreach
Revises: notify_messages
"""

import sqlalchemy as sa
from alembic import op

revision = "notify_outreach"
down_revision = "notify_messages"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outreach_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "result IN ('reached', 'left_message', 'no_answer')",
            name=op.f("ck_outreach_call_result_known"),
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_outreach_call_invitation_id_invitation"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_outreach_call_staff_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_call")),
    )
    with op.batch_alter_table("outreach_call") as batch:
        batch.create_index(batch.f("ix_outreach_call_invitation_id"), ["invitation_id"])


def downgrade():
    op.drop_table("outreach_call")
