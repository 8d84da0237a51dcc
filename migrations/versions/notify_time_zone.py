"""The patient's time zone on an invitation, for the messages the service sends.

Revision ID: notify_time_zone
Revises: verdict_media_network
"""

import sqlalchemy as sa
from alembic import op

revision = "notify_time_zone"
down_revision = "verdict_media_network"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitation") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("invitation") as batch:
        batch.drop_column("time_zone")
