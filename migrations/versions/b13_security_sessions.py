"""security: staff sessions, sign-in lockout, shared rate limit counters, longer codes

Revision ID: b13_security_sessions
Revises: c16_media_path
"""

import sqlalchemy as sa
from alembic import op

revision = "b13_security_sessions"
down_revision = "c12_vocabulary_checks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_staff_session_staff_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_session_token_hash")),
    )
    op.create_index(op.f("ix_staff_session_staff_id"), "staff_session", ["staff_id"])
    op.create_table(
        "rate_limit_counter",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_rate_limit_counter")),
    )
    op.create_index(
        op.f("ix_rate_limit_counter_expires_at"), "rate_limit_counter", ["expires_at"]
    )
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(
            sa.Column("failed_sign_ins", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("check") as batch:
        batch.add_column(sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True))
        batch.alter_column(
            "reference_code", type_=sa.String(length=8), existing_type=sa.String(length=6)
        )
    with op.batch_alter_table("invitation") as batch:
        batch.alter_column("code", type_=sa.String(length=8), existing_type=sa.String(length=6))


def downgrade():
    with op.batch_alter_table("invitation") as batch:
        batch.alter_column("code", type_=sa.String(length=6), existing_type=sa.String(length=8))
    with op.batch_alter_table("check") as batch:
        batch.alter_column(
            "reference_code", type_=sa.String(length=6), existing_type=sa.String(length=8)
        )
        batch.drop_column("joined_at")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_column("locked_until")
        batch.drop_column("failed_sign_ins")
    op.drop_index(op.f("ix_rate_limit_counter_expires_at"), table_name="rate_limit_counter")
    op.drop_table("rate_limit_counter")
    op.drop_index(op.f("ix_staff_session_staff_id"), table_name="staff_session")
    op.drop_table("staff_session")
