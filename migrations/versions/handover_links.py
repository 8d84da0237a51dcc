"""Links that let the patient's phone continue a check (issue 27, item 1): only hashes kept.

Revision ID: handover_links
Revises: secdata_hardening
"""

import sqlalchemy as sa
from alembic import op

revision = "handover_links"
down_revision = "secdata_hardening"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "handover_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["check_id"], ["check.id"], name=op.f("fk_handover_link_check_id_check")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_handover_link_token_hash")),
    )
    with op.batch_alter_table("handover_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_link_check_id"), ["check_id"])


def downgrade():
    with op.batch_alter_table("handover_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_link_check_id"))
    op.drop_table("handover_link")
