"""Whether a connection result's media part is still to come, measured, or left out
(readiness.connection.media_part): the media check now runs after the result is shown.

Revision ID: faster_media_status
Revises: echo_platform
"""

import sqlalchemy as sa
from alembic import op

revision = "faster_media_status"
down_revision = "echo_platform"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("connection_result", schema=None) as batch_op:
        batch_op.add_column(sa.Column("media_status", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("connection_result", schema=None) as batch_op:
        batch_op.drop_column("media_status")
