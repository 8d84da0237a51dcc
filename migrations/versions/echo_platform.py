"""The connection result says whether the video platform's own addresses loaded (issue 27).

Revision ID: echo_platform
Revises: selfcheck_site
"""

import sqlalchemy as sa
from alembic import op

revision = "echo_platform"
down_revision = "selfcheck_site"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("connection_result") as batch:
        batch.add_column(sa.Column("platform_reachable", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("connection_result") as batch:
        batch.drop_column("platform_reachable")
