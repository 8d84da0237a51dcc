"""Privacy: personal fields encrypted (text columns) with blind indexes, erasure, audit chain.

Rows written before this migration stay readable (a value without the v1.<key id>. prefix is
read as is); `flask data rotate-key` encrypts them and fills their blind indexes. Existing audit
entries are chained here.

Revision ID: b17_privacy
Revises: b13_security_sessions
"""

import sqlalchemy as sa
from alembic import op

revision = "b17_privacy"
down_revision = "v15_loaded_latency"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.alter_column("first_name", type_=sa.Text(), existing_nullable=True)
        batch_op.alter_column("email", type_=sa.Text(), existing_nullable=True)
        batch_op.alter_column("phone_e164", type_=sa.Text(), existing_nullable=True)
        batch_op.add_column(sa.Column("email_index", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("phone_index", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_invitation_email_index"), ["email_index"])
        batch_op.create_index(batch_op.f("ix_invitation_phone_index"), ["phone_index"])

    with op.batch_alter_table("contact_details", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_details_email"))
        batch_op.drop_index(batch_op.f("ix_contact_details_mobile_e164"))
        batch_op.drop_index(batch_op.f("ix_contact_details_backup_e164"))
        batch_op.alter_column("email", type_=sa.Text(), existing_nullable=True)
        batch_op.alter_column("mobile_e164", type_=sa.Text(), existing_nullable=True)
        batch_op.alter_column("backup_e164", type_=sa.Text(), existing_nullable=True)
        batch_op.add_column(sa.Column("email_index", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("mobile_index", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("backup_index", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_contact_details_email_index"), ["email_index"])
        batch_op.create_index(batch_op.f("ix_contact_details_mobile_index"), ["mobile_index"])
        batch_op.create_index(batch_op.f("ix_contact_details_backup_index"), ["backup_index"])

    with op.batch_alter_table("check", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_audit_event_hash"), ["hash"])
    chain_existing_audit_entries()

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.alter_column(
            "payload",
            type_=sa.Text(),
            existing_type=sa.JSON(),
            existing_nullable=False,
            postgresql_using="payload::text",
        )


def chain_existing_audit_entries():
    """Entries written before the chain existed join it, in id order, so `audit verify` covers
    them from now on."""
    from readiness.audit import chain
    from readiness.models import AuditEvent

    connection = op.get_bind()
    audit_table = AuditEvent.__table__
    entries = connection.execute(sa.select(audit_table).order_by(audit_table.c.id)).all()
    chain(connection, entries)


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.alter_column(
            "payload",
            type_=sa.JSON(),
            existing_type=sa.Text(),
            existing_nullable=False,
            postgresql_using="payload::json",
        )

    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_event_hash"), type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")

    with op.batch_alter_table("check", schema=None) as batch_op:
        batch_op.drop_column("erased_at")

    with op.batch_alter_table("contact_details", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_details_backup_index"))
        batch_op.drop_index(batch_op.f("ix_contact_details_mobile_index"))
        batch_op.drop_index(batch_op.f("ix_contact_details_email_index"))
        batch_op.drop_column("backup_index")
        batch_op.drop_column("mobile_index")
        batch_op.drop_column("email_index")
        batch_op.alter_column("backup_e164", type_=sa.String(length=20), existing_nullable=True)
        batch_op.alter_column("mobile_e164", type_=sa.String(length=20), existing_nullable=True)
        batch_op.alter_column("email", type_=sa.String(length=254), existing_nullable=True)
        batch_op.create_index(batch_op.f("ix_contact_details_backup_e164"), ["backup_e164"])
        batch_op.create_index(batch_op.f("ix_contact_details_mobile_e164"), ["mobile_e164"])
        batch_op.create_index(batch_op.f("ix_contact_details_email"), ["email"])

    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_phone_index"))
        batch_op.drop_index(batch_op.f("ix_invitation_email_index"))
        batch_op.drop_column("phone_index")
        batch_op.drop_column("email_index")
        batch_op.alter_column("phone_e164", type_=sa.String(length=20), existing_nullable=True)
        batch_op.alter_column("email", type_=sa.String(length=254), existing_nullable=True)
        batch_op.alter_column("first_name", type_=sa.String(length=100), existing_nullable=True)
