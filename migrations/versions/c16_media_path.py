"""The media path: route, round trip, jitter and packet loss of the connection test

Revision ID: c16_media_path
Revises: 91964cc05a80
Create Date: 2026-11-30 05:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c16_media_path"
down_revision = "91964cc05a80"
branch_labels = None
depends_on = None

FIGURES = (
    "media_connect_ms",
    "media_rtt_ms",
    "media_jitter_ms",
    "media_loss_up_percent",
    "media_loss_down_percent",
)


def upgrade():
    with op.batch_alter_table("connection_result") as batch:
        batch.add_column(sa.Column("media_route", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("media_candidate_type", sa.String(length=8), nullable=True))
        for name in FIGURES:
            batch.add_column(sa.Column(name, sa.Float(), nullable=True))


def downgrade():
    with op.batch_alter_table("connection_result") as batch:
        for name in reversed(FIGURES):
            batch.drop_column(name)
        batch.drop_column("media_candidate_type")
        batch.drop_column("media_route")
