"""sso: single sign-on subjects, break-glass accounts, two-factor (TOTP) and recovery codes

Revision ID: sso_sign_on
Revises: outcomes_visit_outcome
"""

import sqlalchemy as sa
from alembic import op

revision = "sso_sign_on"
down_revision = "outcomes_visit_outcome"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("staff_user") as batch:
        batch.add_column(sa.Column("oidc_subject", sa.String(length=255), nullable=True))
        batch.add_column(
            sa.Column("break_glass", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("totp_secret", sa.Text(), nullable=True))
        batch.add_column(sa.Column("totp_enabled_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch.create_unique_constraint(
            batch.f("uq_staff_user_oidc_subject"), ["oidc_subject"]
        )
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_user.id"], name=op.f("fk_recovery_code_staff_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    op.create_index(op.f("ix_recovery_code_staff_id"), "recovery_code", ["staff_id"])


def downgrade():
    op.drop_index(op.f("ix_recovery_code_staff_id"), table_name="recovery_code")
    op.drop_table("recovery_code")
    with op.batch_alter_table("staff_user") as batch:
        batch.drop_constraint(batch.f("uq_staff_user_oidc_subject"), type_="unique")
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_enabled_at")
        batch.drop_column("totp_secret")
        batch.drop_column("break_glass")
        batch.drop_column("oidc_subject")
