"""latency under load (median while downloading, while uploading) and the call quality to expect

Revision ID: v15_loaded_latency
Revises: c16_media_path
Create Date: 2026-11-30 05:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "v15_loaded_latency"
down_revision = "b13_security_sessions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("connection_result") as batch:
        batch.add_column(sa.Column("loaded_latency_down_ms", sa.Float(), nullable=True))
        batch.add_column(sa.Column("loaded_latency_up_ms", sa.Float(), nullable=True))
        batch.add_column(sa.Column("expected_quality", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("connection_result") as batch:
        batch.drop_column("expected_quality")
        batch.drop_column("loaded_latency_up_ms")
        batch.drop_column("loaded_latency_down_ms")
