"""The clinician's own setup check (issue 27, item 4): staff_user.site and staff_self_check.

Revision ID: selfcheck_site
Revises: handover_links
"""

import sqlalchemy as sa
from alembic import op

revision = "selfcheck_site"
down_revision = "handover_links"
branch_labels = None
depends_on = None

VERDICTS = ("ready", "limited", "not_ready")


def sql_in(column, words):
    return f"{column} IN ({', '.join(repr(word) for word in words)})"


def upgrade():
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("site", sa.String(length=80), nullable=True))
    op.create_table(
        "staff_self_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=80), nullable=True),
        sa.Column("download_mbps", sa.Float(), nullable=True),
        sa.Column("upload_mbps", sa.Float(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("jitter_ms", sa.Float(), nullable=True),
        sa.Column("connection_verdict", sa.String(length=16), nullable=True),
        sa.Column("connection_reasons", sa.JSON(), nullable=False),
        sa.Column("devices", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            sql_in("verdict", VERDICTS), name=op.f("ck_staff_self_check_verdict_known")
        ),
        sa.CheckConstraint(
            sql_in("connection_verdict", VERDICTS),
            name=op.f("ck_staff_self_check_connection_verdict_known"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_staff_self_check_staff_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_self_check")),
    )
    with op.batch_alter_table("staff_self_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_self_check_staff_id"), ["staff_id"])
        batch_op.create_index(batch_op.f("ix_staff_self_check_created_at"), ["created_at"])


def downgrade():
    with op.batch_alter_table("staff_self_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_self_check_created_at"))
        batch_op.drop_index(batch_op.f("ix_staff_self_check_staff_id"))
    op.drop_table("staff_self_check")
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_column("site")
