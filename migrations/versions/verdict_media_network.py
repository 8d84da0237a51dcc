"""The network a media check came from, as a keyed hash (readiness.connection.media_health).

Revision ID: verdict_media_network
Revises: notify_outreach
"""

import sqlalchemy as sa
from alembic import op

revision = "verdict_media_network"
down_revision = "notify_outreach"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("connection_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("media_network", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("connection_result", schema=None) as batch_op:
        batch_op.drop_column("media_network")
